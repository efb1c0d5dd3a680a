import Foundation
import FuseAPI
import SQLite

/// `callhist import`: NDJSON records `{"call_id": …, "call_details": {…}}`
/// archived through the same `CallStore` path as fetched bodies. Bad lines
/// are reported with their line number; good lines still land.
public final class Importer {
    public struct Report {
        public var counts: RunCounts
        public var badLines: Int
        public var runID: Int64
        public var exitCode: Int32 { badLines > 0 ? 65 : 0 }
    }

    let db: Connection
    let now: () -> Int64
    let batchSize: Int

    public init(db: Connection, batchSize: Int = 2000, now: @escaping () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        self.db = db
        self.now = now
        self.batchSize = batchSize
    }

    /// Imports every file (`-` is stdin); `problem` receives one message per bad line.
    public func run(files: [String], problem: (String) -> Void) throws -> Report {
        let log = try RunLog(db: db, kind: "import", at: now())
        let store = try CallStore(db: db, runID: log.runID)
        var counts = RunCounts()
        var bad = 0
        let writer = BatchWriter(db: db, maxRows: batchSize, maxInterval: .seconds(1)) { try log.update(counts) }
        for file in files {
            let name = file == "-" ? "stdin" : file
            let handle: FileHandle
            if file == "-" {
                handle = .standardInput
            } else {
                guard let h = FileHandle(forReadingAtPath: file) else {
                    try writer.commit()
                    try log.finish(counts, exitCode: 65, message: "cannot read \(file)", at: now())
                    throw InputError("cannot read import file \(file): no such file or not readable")
                }
                handle = h
            }
            try LineReader(handle: handle).forEachLine { line, number in
                var bytes = line
                if number == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
                while let last = bytes.last, last == 0x0D || last == 0x20 || last == 0x09 { bytes.removeLast() }
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
                counts.requested += 1
                let record: (callID: String, status: CallStatus)
                do {
                    record = try StatusDecoder.decodeRecord(bytes)
                    if let reason = CallID.problem(with: record.callID) { throw InputError("call_id \(record.callID.debugDescription): \(reason)") }
                } catch {
                    bad += 1
                    counts.failed += 1
                    problem("\(name):\(number): \(error)")
                    return
                }
                try writer.write {
                    counts.fetched += 1
                    switch try store.store(record.callID, record.status, at: now()) {
                    case .new: counts.new += 1; counts.changed += 1
                    case .changed: counts.changed += 1
                    case .unchanged: counts.unchanged += 1
                    }
                }
            }
        }
        try writer.commit()
        let message = bad > 0 ? "\(bad) lines could not be imported; the others were" : nil
        try db.transaction { try log.finish(counts, exitCode: bad > 0 ? 65 : 0, message: message, at: now()) }
        return Report(counts: counts, badLines: bad, runID: log.runID)
    }
}
