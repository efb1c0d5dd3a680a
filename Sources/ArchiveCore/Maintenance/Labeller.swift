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

    package let rows: GivenIDRows

    /// Over either backend (`GivenIDRows` is written once).
    package init(rows: GivenIDRows) { self.rows = rows }

    package func run(ids: [String], idFiles: [String], add: [Label], remove: [Removal]) throws -> Report {
        try rows.transaction {
            try GivenIDs.load(rows, ids: ids, idFiles: idFiles, refusal: "No label was changed.")
            let unknown = try rows.unknownGiven(limit: 11)
            if unknown.count > 0 {
                throw InputError(
                    "\(unknown.count > 10 ? "more than 10" : String(unknown.count)) of these ids are not in the archive ("
                        + unknown.ids.prefix(10).map { SafeText.escape($0) }.joined(separator: ", ") + (unknown.count > 10 ? ", …" : "")
                        + "): no label was changed. Archive them first.")
            }
            var report = Report()
            report.calls = try rows.knownGiven()
            for r in remove { report.removed += try rows.removeLabel(name: r.name, value: r.value) }
            for l in add { report.added += try rows.addLabel(l) }
            return report
        }
    }
}
