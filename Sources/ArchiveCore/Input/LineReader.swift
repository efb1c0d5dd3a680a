import Foundation

/// Reads a file or pipe line by line with read(2): a line is handed on as
/// soon as its newline arrives (a paused producer on a pipe never holds
/// back lines already sent), each byte is looked at once (linear time
/// whatever the line lengths), and no line may grow past `maxLineBytes`
/// (docs/reliability.md, "Input limits").
package struct LineReader {
    /// An open input: a path checked to be a readable file, or stdin.
    package let fd: Int32
    /// How the input is named in messages (`stdin`, or the path).
    package let name: String
    package let maxLineBytes: Int
    private let ownsDescriptor: Bool

    /// Opens `path` (`-` is stdin), refusing what is not a readable file
    /// with an `InputError` a person can act on.
    package init(path: String, what: String, maxLineBytes: Int) throws(InputError) {
        self.maxLineBytes = maxLineBytes
        if path == "-" {
            fd = STDIN_FILENO
            name = "stdin"
            ownsDescriptor = false
            return
        }
        name = path
        ownsDescriptor = true
        var st = stat()
        if stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            throw InputError("cannot read \(what) \(path): it is a folder, not a file")
        }
        // O_NONBLOCK: a FIFO without a writer would block open(2) itself,
        // where no signal is heard; reads wait in poll(2) instead (`waitForInput`).
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            let reason = errno == ENOENT ? "no such file" : errno == EACCES ? "permission denied" : String(cString: strerror(errno))
            throw InputError("cannot read \(what) \(path): \(reason)")
        }
    }

    package func close() { if ownsDescriptor { _ = Foundation.close(fd) } }

    /// Waits until a pipe, FIFO or terminal has something to read (or its
    /// writer left), asking `interrupted` every 100 ms: a FIFO no one writes
    /// to, or a pipe that pauses, never holds a stop request back.
    private func waitForInput(interrupted: () -> Bool) throws {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            let ready = poll(&p, 1, 100)
            if ready > 0 { return }
            if ready < 0, errno != EINTR { return }  // read(2) says what is wrong
            if interrupted() { throw RunInterrupted() }
        }
    }

    /// Calls `body(line, number)` for every line (without its `\n`),
    /// numbered from 1; `line` is nil for a line longer than `maxLineBytes`,
    /// whose bytes were skipped up to its newline. `interrupted` is asked
    /// after every block read: an endless input without a newline
    /// (`/dev/zero`) still stops at a signal (`RunInterrupted`).
    package func forEachLine(interrupted: () -> Bool = { false }, _ body: ([UInt8]?, Int) throws -> Void) throws {
        var pending: [UInt8] = []
        var overlong = false
        var number = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var st = stat()
        let waits = fstat(fd, &st) == 0 && st.st_mode & S_IFMT != S_IFREG
        while true {
            if waits { try waitForInput(interrupted: interrupted) }
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw InputError("cannot read \(name): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            if interrupted() { throw RunInterrupted() }
            var start = 0
            while start < n {
                guard let newline = buffer[start..<n].firstIndex(of: 0x0A) else {
                    if !overlong { pending.append(contentsOf: buffer[start..<n]) }
                    break
                }
                number += 1
                if overlong {
                    try body(nil, number)
                } else if pending.isEmpty {
                    try body(newline - start > maxLineBytes ? nil : Array(buffer[start..<newline]), number)
                } else {
                    pending.append(contentsOf: buffer[start..<newline])
                    try body(pending.count > maxLineBytes ? nil : pending, number)
                }
                pending.removeAll(keepingCapacity: true)
                overlong = false
                start = newline + 1
            }
            if pending.count > maxLineBytes {
                overlong = true
                pending = []
            }
        }
        if overlong || !pending.isEmpty {
            number += 1
            try body(overlong || pending.count > maxLineBytes ? nil : pending, number)
        }
    }
}
