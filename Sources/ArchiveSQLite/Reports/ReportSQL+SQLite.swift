import ArchiveCore
import FuseAPI
import SQLite

/// The report SQL only SQLite runs: JSON built with its functions, and
/// the hints its query planner needs.
extension ReportSQL {
    /// Call `c`'s labels as one JSON object (`{"campaign": "spring"}`, a name
    /// with several values as an array; `{}` without labels): the export's
    /// `labels`, written as the view `calls_with_labels` writes it.
    package static let labelsJSON = """
        (SELECT json_group_object(g.name, json(g.v))
         FROM (SELECT l.name, CASE WHEN count(*) = 1 THEN json_quote(max(l.value)) ELSE json_group_array(l.value) END AS v
               FROM call_labels l WHERE l.call_id = c.call_id GROUP BY l.name) g)
        """

    /// The calls a report counts (the outer queries mark their status terms
    /// with `+` for the same reason): those with a status, filtered.
    package static func base(_ filter: CallFilter, columns: String = "c.*") -> (sql: String, values: [any SQLiteBindable]) {
        let (whereSQL, values) = filter.clause()
        // `+` keeps these terms from choosing the status index: over most of
        // the archive a sequential scan beats a million random row look-ups;
        // the filters' own terms still pick their indexes.
        return ("SELECT \(columns) FROM calls c WHERE +c.status IS NOT NULL AND \(whereSQL)", values)
    }
}
