import Foundation

/// Reads a file or pipe line by line in fixed-size chunks, so a large
/// import never has to fit in memory at once.
struct LineReader {
    let handle: FileHandle
    var chunkSize = 1 << 20

    /// Calls `body(line, number)` for every line (without its `\n`), numbered from 1.
    func forEachLine(_ body: ([UInt8], Int) throws -> Void) throws {
        var pending: [UInt8] = []
        var number = 0
        while true {
            let chunk = handle.readData(ofLength: chunkSize)
            if chunk.isEmpty { break }
            pending.append(contentsOf: chunk)
            var start = 0
            while let newline = pending[start...].firstIndex(of: 0x0A) {
                number += 1
                try body(Array(pending[start..<newline]), number)
                start = newline + 1
            }
            pending.removeFirst(start)
        }
        if !pending.isEmpty {
            number += 1
            try body(pending, number)
        }
    }
}
