import Foundation

package enum RunHost {
    /// The machine a run runs on, as `archive_runs.host` records it (several
    /// hosts may archive into one PostgreSQL database).
    package static let name: String = {
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, 255) == 0 else { return "unknown" }
        return SafeText.escape(String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }()
}
