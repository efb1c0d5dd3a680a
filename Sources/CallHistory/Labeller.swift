import SQLite

/// `callhist label`: adds labels to archived calls, or removes them — the
/// one way a label ever goes (docs/schema.md, "call_labels"). All or
/// nothing: an id the archive does not hold refuses the whole change.
public struct Labeller {
    public struct Report: Sendable, Equatable {
        public var calls = 0
        public var added = 0
        public var removed = 0
    }

    /// What `--remove` takes away: every value of a name, or one value.
    public struct Removal: Sendable, Equatable {
        public var name: String
        public var value: String?
        public init(name: String, value: String?) {
            self.name = name
            self.value = value
        }
    }

    let db: Connection

    func run(ids: [String], idFiles: [String], add: [Label], remove: [Removal]) throws -> Report {
        try db.transaction {
            try GivenIDs.load(db, into: "relabel", ids: ids, idFiles: idFiles, refusal: "No label was changed.")
            let unknown = try db.prepare("""
                SELECT call_id FROM temp.relabel r WHERE NOT EXISTS (SELECT 1 FROM calls c WHERE c.call_id = r.call_id) ORDER BY call_id LIMIT 11
                """).map { SafeText.escape($0.string(0)) }
            if !unknown.isEmpty {
                throw InputError("\(unknown.count > 10 ? "more than 10" : String(unknown.count)) of these ids are not in the archive ("
                    + unknown.prefix(10).joined(separator: ", ") + (unknown.count > 10 ? ", …" : "") + "): no label was changed. Archive them first.")
            }
            var report = Report()
            report.calls = Int(try db.scalarInt("SELECT count(*) FROM temp.relabel") ?? 0)
            for r in remove {
                try db.prepare("DELETE FROM call_labels WHERE call_id IN (SELECT call_id FROM temp.relabel) AND name = ? AND (?2 IS NULL OR value = ?2)")
                    .run([r.name, r.value])
                report.removed += db.changes
            }
            for l in add {
                try db.prepare("INSERT INTO call_labels (call_id, name, value) SELECT call_id, ?, ? FROM temp.relabel WHERE true ON CONFLICT DO NOTHING")
                    .run([l.name, l.value])
                report.added += db.changes
            }
            return report
        }
    }
}
