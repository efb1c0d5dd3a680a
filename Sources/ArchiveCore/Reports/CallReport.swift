/// `report call ID`: one call's fields, its event timeline with the gaps
/// between events, its status changes and its snapshot history.
public struct CallReport: Sendable {
    public struct Event: Equatable, Sendable {
        public var seq: Int
        public var event: String
        public var timestamp: Int64?
        /// Seconds since the previous event in time order (nil for the first).
        public var sincePrevious: Int64?
    }

    public struct StatusChange: Equatable, Sendable {
        public var oldStatus: String?
        public var newStatus: String
        public var observedAt: Int64
        public var runID: Int64?

        package init(oldStatus: String? = nil, newStatus: String, observedAt: Int64, runID: Int64? = nil) {
            self.oldStatus = oldStatus
            self.newStatus = newStatus
            self.observedAt = observedAt
            self.runID = runID
        }
    }

    public struct Snapshot: Equatable, Sendable {
        public var snapshotID: Int64
        public var sha256: String
        public var format: String
        public var firstSeenAt: Int64
        public var lastSeenAt: Int64
        public var timesSeen: Int
        public var current: Bool

        package init(snapshotID: Int64, sha256: String, format: String, firstSeenAt: Int64, lastSeenAt: Int64, timesSeen: Int, current: Bool) {
            self.snapshotID = snapshotID
            self.sha256 = sha256
            self.format = format
            self.firstSeenAt = firstSeenAt
            self.lastSeenAt = lastSeenAt
            self.timesSeen = timesSeen
            self.current = current
        }
    }

    /// Column name and value of every `calls` column, in table order.
    public var fields: [(name: String, value: SQLValue)] = []
    public var events: [Event] = []
    /// Queue wait (queued → first dialing), ring time (last dialing before
    /// connected → connected), talk time (connected → following disconnected);
    /// nil where the events do not show it.
    public var queueWait: Int64?
    public var ringTime: Int64?
    public var talkTime: Int64?
    public var statusChanges: [StatusChange] = []
    public var snapshots: [Snapshot] = []
    /// The call's labels (one value per name), by name.
    public var labels: [(name: String, value: String)] = []

    /// Events in time order (then list order) with the seconds since the
    /// previous timed one: every backend's rows become the same timeline.
    package static func timeline(_ rows: [(seq: Int, event: String, timestamp: Int64?)]) -> [Event] {
        var previous: Int64?
        return rows.map { r in
            defer { if r.timestamp != nil { previous = r.timestamp } }
            return Event(
                seq: r.seq, event: r.event, timestamp: r.timestamp,
                sincePrevious: r.timestamp.flatMap { t in previous.flatMap { SafeMath.minus(t, $0) } })
        }
    }

    /// Queue wait, ring time and talk time from the fields and the events.
    package mutating func deriveTimes() {
        let timed = events.compactMap { e in e.timestamp.map { (e.event, $0) } }
        var queued = timed.first { $0.0 == "queued" }?.1
        for field in fields where field.name == "queued_timestamp" {
            // (A plain loop: an if-case expression here crashes the 6.3 optimizer.)
            if case .integer(let v) = field.value { queued = v }
        }
        if let queued, let dial = timed.first(where: { $0.0 == "dialing" })?.1 { queueWait = SafeMath.minus(dial, queued) }
        if let connected = timed.first(where: { $0.0 == "connected" })?.1 {
            if let dial = timed.last(where: { $0.0 == "dialing" && $0.1 <= connected })?.1 { ringTime = SafeMath.minus(connected, dial) }
            if let end = timed.first(where: { $0.0 == "disconnected" && $0.1 >= connected })?.1 { talkTime = SafeMath.minus(end, connected) }
        }
    }

    package init(
        fields: [(name: String, value: SQLValue)] = [], events: [Event] = [], queueWait: Int64? = nil, ringTime: Int64? = nil, talkTime: Int64? = nil,
        statusChanges: [StatusChange] = [], snapshots: [Snapshot] = [], labels: [(name: String, value: String)] = []
    ) {
        self.labels = labels
        self.fields = fields
        self.events = events
        self.queueWait = queueWait
        self.ringTime = ringTime
        self.talkTime = talkTime
        self.statusChanges = statusChanges
        self.snapshots = snapshots
    }

    /// Everything the archive holds about `id`; nil when it has never seen it.
    /// Integer columns come as integers and text as text on either backend.
    package static func read(_ db: any SQLDatabase, id: String) throws -> CallReport? {
        var report = CallReport()
        guard
            try db.first(
                "SELECT * FROM calls WHERE call_id = ?", [.text(id)],
                { r in
                    report.fields = Array(zip(r.columns, r.values))
                }) != nil
        else { return nil }
        // Time order (then list order): the API's list may be out of order.
        report.events = timeline(
            try db.rows(
                """
                SELECT seq, event, timestamp FROM call_events WHERE call_id = ? ORDER BY timestamp IS NULL, timestamp, seq
                """, [.text(id)]
            ) { (seq: $0.int(0), event: $0.string(1), timestamp: $0.optionalInt64(2)) })
        report.deriveTimes()
        report.statusChanges = try db.rows(
            "SELECT old_status, new_status, observed_at, run_id FROM status_changes WHERE call_id = ? ORDER BY change_id",
            [.text(id)]
        ) {
            StatusChange(oldStatus: $0.optionalString(0), newStatus: $0.string(1), observedAt: $0.int64(2), runID: $0.optionalInt64(3))
        }
        report.snapshots = try db.rows(
            """
            SELECT s.snapshot_id, s.body_sha256, s.format, s.first_seen_at, s.last_seen_at, s.times_seen,
                   CASE WHEN s.snapshot_id = c.snapshot_id THEN 1 ELSE 0 END
            FROM call_snapshots s JOIN calls c USING (call_id) WHERE s.call_id = ? ORDER BY s.snapshot_id
            """, [.text(id)]
        ) {
            Snapshot(
                snapshotID: $0.int64(0), sha256: $0.string(1), format: $0.string(2), firstSeenAt: $0.int64(3), lastSeenAt: $0.int64(4),
                timesSeen: $0.int(5), current: $0.int(6) != 0)
        }
        report.labels = try db.rows("SELECT name, value FROM call_labels WHERE call_id = ? ORDER BY name", [.text(id)]) {
            (name: $0.string(0), value: $0.string(1))
        }
        return report
    }
}
