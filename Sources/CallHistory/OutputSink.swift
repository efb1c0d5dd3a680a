import Foundation

/// Buffered output to a file descriptor: exports of millions of rows write
/// in 64 KiB blocks, never holding the whole output in memory.
public final class OutputSink {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private let limit = 64 << 10

    public init(handle: FileHandle) {
        self.handle = handle
        buffer.reserveCapacity(limit + 4096)
    }

    public func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= limit { flush() }
    }

    public func flush() {
        guard !buffer.isEmpty else { return }
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    deinit { flush() }

    /// One RFC 4180 field: quoted when it holds a comma, quote, CR or LF.
    public static func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
