import ArgumentParser
import Foundation

/// Progress and summary output shared by the writing commands.
struct OutputOptions: ParsableArguments {
    enum ProgressMode: String, ExpressibleByArgument, CaseIterable { case auto, always, never }

    @Option(help: "Show a progress line on stderr: auto (when stderr is a terminal), always, never.")
    var progress: ProgressMode = .auto

    @Flag(help: "Print only errors.")
    var quiet = false

    var showsProgress: Bool {
        guard !quiet else { return false }
        switch progress {
        case .always: return true
        case .never: return false
        case .auto: return isatty(STDERR_FILENO) == 1
        }
    }

    func say(_ line: String) {
        guard !quiet else { return }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
