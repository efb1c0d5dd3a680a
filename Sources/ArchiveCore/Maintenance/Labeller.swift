/// `callhist label`: sets labels of archived calls (one value per name: a
/// call's other value of the name is replaced), or removes them — the one
/// way a label ever goes (docs/schema.md, "call_labels"). All or nothing:
/// an id the archive does not hold refuses the whole change.
public struct Labeller {
    public struct Report: Sendable, Equatable {
        public var calls = 0
        public var added = 0
        /// Calls whose value of a name was another one: one value per name.
        public var replaced = 0
        public var removed = 0
        /// For each name changed: calls per value in the whole archive, before and after.
        public var counts: [NameCounts] = []
    }

    public struct NameCounts: Sendable, Equatable {
        public var name: String
        public var before: [String: Int]
        public var after: [String: Int]
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
            let names = Array(Set(remove.map(\.name) + add.map(\.name))).sorted()
            let before = try names.map { try rows.labelCounts($0) }
            for r in remove { report.removed += try rows.removeLabel(name: r.name, value: r.value) }
            for l in add {
                let (added, replaced) = try rows.setLabel(l)
                report.added += added
                report.replaced += replaced
            }
            report.counts = try zip(names, before).map { NameCounts(name: $0, before: $1, after: try rows.labelCounts($0)) }
            return report
        }
    }
}
