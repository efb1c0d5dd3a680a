import Foundation

/// Buffered output to a file descriptor: exports of millions of rows write
/// in 64 KiB blocks, never holding the whole output in memory. A failed
/// write (a full disk, a closed pipe) is an `OutputError`, never a trap.
public final class OutputSink {
    private let fd: Int32
    /// What the destination is called in an error message.
    private let name: String
    private var buffer: [UInt8] = []
    private let limit = 64 << 10

    /// A terminal gets `SafeText.terminal` of everything written.
    private let terminal: Bool

    public init(fd: Int32, name: String) {
        self.fd = fd
        self.name = name
        terminal = isatty(fd) == 1
        buffer.reserveCapacity(limit + 4096)
    }

    public static func standardOutput() -> OutputSink { OutputSink(fd: STDOUT_FILENO, name: "standard output") }

    public func write(_ text: String) throws(OutputError) {
        buffer.append(contentsOf: (terminal ? SafeText.terminal(text) : text).utf8)
        if buffer.count >= limit { try flush() }
    }

    public func flush() throws(OutputError) {
        var offset = 0
        defer { buffer.removeAll(keepingCapacity: true) }
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw OutputError(destination: name, errno: errno)
            }
            offset += n
        }
    }
}
