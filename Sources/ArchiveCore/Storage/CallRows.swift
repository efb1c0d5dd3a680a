import FuseAPI

/// The reads and writes `CallStore` needs, one implementation per backend
/// (`SQLiteCallRows`, `PostgresCallRows`): the rules of storing an answer
/// (new, changed, unchanged, older; the backoff; events kept in step) are
/// `CallStore`'s alone, whatever the storage.
package protocol CallRows: AnyObject {
    var isInTransaction: Bool { get }
    func transaction<T>(_ body: () throws -> T) throws -> T
    /// Reads the calls about to be stored at once (a batch), where that saves round trips.
    func prefetch(_ ids: [String]) throws
    /// Sends writes held back for the batch (before its commit).
    func flush() throws
    /// Drops writes held back (their transaction rolled back).
    func discard()
    /// Adds `id` to `calls` when it is new; true when it was.
    func remember(_ id: String, at now: Int64, run: Int64?) throws -> Bool
    func current(_ id: String) throws -> (snapshot: Int64?, status: String?, quiet: Int)?
    /// Inserts the body (or counts it seen again) and returns its snapshot id.
    func snapshot(_ id: String, sha256: String, format: String, body: [UInt8], at now: Int64, run: Int64?) throws -> Int64
    func insertCall(_ d: DerivedRow, refusal: String?, at now: Int64, run: Int64?) throws
    func updateCall(_ d: DerivedRow, refusal: String?, at now: Int64, quiet: Int, nextCheck: Int64, outcome: String) throws
    func quiet(_ id: String, at now: Int64, quiet: Int, nextCheck: Int64, outcome: String, error: String?) throws
    func statusChange(_ id: String, old: String?, new: String, at now: Int64, run: Int64?) throws
    /// A new call's events.
    func insertEvents(_ id: String, _ events: [CallStatus.Event]) throws
    /// Makes the stored events exactly `events` (trimmed, changed, added).
    func syncEvents(_ id: String, _ events: [CallStatus.Event]) throws
    /// Consecutive checks without news (or problems), driving the backoff.
    func problems(_ id: String) throws -> Int
    func problem(_ id: String, at now: Int64, outcome: String, http: Int?, message: String, nextCheck: Int64, problems: Int) throws
    func facts(of id: String) throws -> CallStatus?
    /// The derived columns only, bookkeeping left alone (`rebuild`).
    func rederive(_ d: DerivedRow) throws

    // `rebuild`
    /// Calls with a snapshot after `id` in id order, at most `limit`.
    func callsWithSnapshot(after id: String, limit: Int) throws -> [(id: String, snapshot: Int64)]
    /// A call's bodies in the order the archive received them (a body seen
    /// again counts when last seen), byte for byte.
    func snapshots(of id: String) throws -> [(id: Int64, format: String, body: [UInt8])]
    /// After a rebuild: what derives from the calls is recomputed (SQLite's aggregates).
    func rebuilt() throws
}

extension CallRows {
    /// A transaction for rows that hold writes back for the batch: `body`
    /// inside `open`'s transaction, the held writes sent before it commits
    /// and dropped when it fails.
    package func holding<T>(_ open: (() throws -> T) throws -> T, _ body: () throws -> T) throws -> T {
        do {
            return try withoutActuallyEscaping(body) { body in
                try open {
                    let result = try body()
                    try flush()
                    return result
                }
            }
        } catch {
            discard()
            throw error
        }
    }
}

/// The `calls` columns derived from one body.
package struct DerivedRow {
    package var id: String
    package var status: String
    package var phoneNumber: String?
    package var attempts: Int64?
    package var maxAttempts: Int64?
    package var queued: Int64?
    package var start: Int64?
    package var end: Int64?
    package var lastAttempt: Int64?
    package var reattemptWait: Int64?
    package var duration: Int64?
    package var success: Bool?
    package var snapshotID: Int64
    package var isFinal: Bool
    package var eventDuration: Int64?
    package var eventDisorder: Int64?

    /// The derived columns, names and values in one list: the one place a
    /// derived column is named and turned into a bind value, for the insert,
    /// the update after a fetch, rebuild, the PostgreSQL batch and `copy`.
    package var columns: [(name: String, value: SQLValue)] {
        [
            ("status", .text(status)), ("phone_number", SQLValue(phoneNumber)), ("attempts", SQLValue(attempts)),
            ("max_attempts", SQLValue(maxAttempts)), ("queued_timestamp", SQLValue(queued)), ("start_timestamp", SQLValue(start)),
            ("end_timestamp", SQLValue(end)), ("last_attempt_timestamp", SQLValue(lastAttempt)), ("reattempt_wait", SQLValue(reattemptWait)),
            ("duration", SQLValue(duration)), ("success", SQLValue(success)), ("snapshot_id", .integer(snapshotID)),
            ("is_final", .integer(isFinal ? 1 : 0)), ("event_duration", SQLValue(eventDuration)), ("event_disorder", SQLValue(eventDisorder)),
        ]
    }

    /// The derived columns' names, in `columns` order.
    package static let names = DerivedRow(id: "", status: "", snapshotID: 0, isFinal: false).columns.map(\.name)

    /// The id, then the derived columns' values: a statement's parameters from ?1 on.
    package var values: [SQLValue] { [.text(id)] + columns.map(\.value) }
}
