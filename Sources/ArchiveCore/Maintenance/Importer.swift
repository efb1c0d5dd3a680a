import Foundation
import FuseAPI

/// `callhist import`: NDJSON records `{"call_id": …, "call_details": {…},
/// "labels": {…}}`, or the rows of a calls CSV (`CSVCallRecords`), archived
/// through the same `CallStore` path as fetched bodies, their labels added
/// to the call's. Bad lines are reported with their line number; good lines
/// still land.
public final class Importer {
    public struct Report {
        public var counts: RunCounts
        public var badLines: Int
        public var runID: Int64
        public var outcome: RunOutcome { badLines > 0 ? .badInput : .completed }
    }

    package let rows: any ArchiveRunRows
    package let now: () -> Int64
    package let batchSize: Int

    /// Over any backend's rows (`SQLiteRunRows`, `PostgresRunRows`).
    package init(rows: any ArchiveRunRows, batchSize: Int = 2000, now: @escaping () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        self.rows = rows
        self.now = now
        self.batchSize = batchSize
    }

    /// One decoded line, or why a line or file could not be read.
    package enum Item: Sendable {
        case record(callID: String, status: CallStatus, labels: [Label])
        case bad(String)
        /// A file that cannot be read at all: the message says which and why.
        case unreadable(String)
    }

    /// Imports every file (`-` is stdin); `problem` receives one message per bad line.
    /// Lines are read and decoded on a second thread while this one writes.
    /// `exitCode` is the caller's mapping, recorded in `archive_runs`.
    /// An error that is not the input's (a full disk) closes the row as
    /// `ending` says, keeping the counts committed.
    package func run(files: [String], exitCode: (RunOutcome) -> Int32, ending: RunEnding = RunEnding(), problem: (String) -> Void) throws -> Report {
        let runID = try rows.startRun(kind: "import", at: now())
        let store = try CallStore(rows: rows.calls, runID: runID)
        var counts = RunCounts()
        var bad = 0
        let writer = BatchWriter(rows: rows, maxRows: batchSize, maxInterval: .seconds(1)) { try self.rows.updateRun(runID, counts) }
        let queue = BlockingQueue<Item>(capacity: 8192)
        let reader = Thread { Self.read(files, into: queue) }
        reader.name = "callhist-import-read"
        reader.start()
        do {
            // Whenever no record is waiting, what was received is committed:
            // a producer that pauses never leaves records invisible.
            while case let batch = try queue.takeAll(idleEvery: writer.idleEvery, idle: { try writer.idle() }), !batch.isEmpty {
                try store.prefetch(batch.compactMap { if case .record(let id, _, _) = $0 { id } else { nil } })
                for item in batch {
                    switch item {
                    case .unreadable(let message):
                        throw InputError(message)
                    case .bad(let message):
                        counts.requested += 1
                        counts.failed += 1
                        bad += 1
                        problem(message)
                    case .record(let callID, let status, let labels):
                        counts.requested += 1
                        try writer.write {
                            counts.fetched += 1
                            switch try store.store(callID, status, at: now()) {
                            case .new:
                                counts.new += 1
                                counts.changed += 1
                            case .changed: counts.changed += 1
                            case .unchanged, .older: counts.unchanged += 1
                            }
                            if !labels.isEmpty { _ = try rows.addLabels(labels, to: callID) }
                        }
                    }
                }
            }
        } catch {
            queue.close()
            if error is InputError {
                try? writer.finish()
                try? rows.transaction { try rows.finishRun(runID, counts, exitCode: exitCode(.badInput), message: "\(error)", at: now()) }
            } else {
                ending.record(error, runID: runID, rows: rows, at: now())
            }
            throw error
        }
        try writer.finish()
        let message = bad > 0 ? "\(bad) lines could not be imported; the others were" : nil
        try rows.transaction { try rows.finishRun(runID, counts, exitCode: exitCode(bad > 0 ? .badInput : .completed), message: message, at: now()) }
        return Report(counts: counts, badLines: bad, runID: runID)
    }

    /// The longest record line read (a status body is at most 8 MiB when fetched).
    public static let maxLineBytes = 16 << 20

    /// The reading thread: every line of every file, decoded, in order.
    private static func read(_ files: [String], into queue: BlockingQueue<Item>) {
        defer { queue.close() }
        for file in files {
            let reader: LineReader
            do {
                reader = try LineReader(path: file, what: "import file", maxLineBytes: maxLineBytes)
            } catch {
                queue.put(.unreadable(error.message))
                return
            }
            defer { reader.close() }
            var open = true
            // A calls CSV (its header on the first line), and the record a
            // quoted field carries over to the next lines.
            var csv: CSVCallRecords?
            var pending: (bytes: [UInt8], from: Int)?
            do {
                try reader.forEachLine { line, number in
                    guard open else { return }
                    guard var bytes = line else {
                        pending = nil
                        open = queue.put(.bad("\(reader.name):\(number): the line is longer than \(maxLineBytes) bytes; skipped"))
                        return
                    }
                    if number == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
                    if number == 1 && CSVCallRecords.isHeader(bytes) {
                        if bytes.last == 0x0D { bytes.removeLast() }
                        do {
                            csv = try CSVCallRecords(header: bytes)
                        } catch {
                            open = queue.put(.unreadable("\(reader.name):1: \(error)"))
                        }
                        return
                    }
                    if let csv {
                        if bytes.last == 0x0D { bytes.removeLast() }
                        let from = pending?.from ?? number
                        if let held = pending?.bytes { bytes = held + [0x0A] + bytes }
                        guard let fields = CSVCallRecords.fields(bytes) else {
                            pending = (bytes, from)
                            return
                        }
                        pending = nil
                        if fields == [""] { return }
                        do {
                            bytes = try csv.record(fields)
                        } catch {
                            open = queue.put(.bad(SafeText.escape("\(reader.name):\(from): \(error)")))
                            return
                        }
                    }
                    while let last = bytes.last, last == 0x0D || last == 0x20 || last == 0x09 { bytes.removeLast() }
                    if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
                    let item: Item
                    do {
                        let record = try StatusDecoder.decodeRecord(bytes)
                        if let reason = CallID.problem(with: record.callID) {
                            throw InputError("call_id \(record.callID.debugDescription): \(reason)")
                        }
                        let labels = try record.labels.map { raw in
                            let label = Label(name: Label.normalizedName(raw.name), value: raw.value)
                            if let problem = Label.problem(name: label.name, value: label.value) { throw InputError(problem) }
                            return label
                        }
                        item = .record(callID: record.callID, status: record.status, labels: labels.filter { !$0.value.isEmpty })
                    } catch {
                        item = .bad(SafeText.escape("\(reader.name):\(number): \(error)"))
                    }
                    open = queue.put(item)
                }
            } catch {
                queue.put(.unreadable("\(error)"))
                return
            }
            if let pending, open {
                open = queue.put(.bad("\(reader.name):\(pending.from): a quoted field is never closed; the rest of the file is that one row"))
            }
            if !open { return }
        }
    }
}
