import FuseAPI
import SQLite

/// SQL shared by the reports, so each definition of docs/reports.md is
/// written once.
enum ReportSQL {
    /// `CallStatus.finalStatuses` as an SQL list, so the rule is written once.
    static let finalStatuses = "(" + CallStatus.finalStatuses.sorted().map { "'\($0)'" }.joined(separator: ", ") + ")"

    static func isFinal(_ status: String) -> Bool { CallStatus.finalStatuses.contains(status) }

    /// The duration of call `c`: the API's `duration`, else the time from
    /// its first `connected` event to the first `disconnected` at or after it
    /// (`event_duration`, derived when the call is stored). The aggregates of
    /// migration 0003 compute the same expression.
    static let effectiveDuration = "coalesce(c.duration, c.event_duration)"

    /// Call `c`'s labels as one JSON object (`{"campaign": "spring"}`, a name
    /// with several values as an array; `{}` without labels): the export's
    /// `labels`, written as the view `calls_with_labels` writes it.
    static let labelsJSON = """
        (SELECT json_group_object(g.name, json(g.v))
         FROM (SELECT l.name, CASE WHEN count(*) = 1 THEN json_quote(max(l.value)) ELSE json_group_array(l.value) END AS v
               FROM call_labels l WHERE l.call_id = c.call_id GROUP BY l.name) g)
        """

    /// The calls a report counts (the outer queries mark their status terms
    /// with `+` for the same reason): those with a status, filtered.
    static func base(_ filter: CallFilter, columns: String = "c.*") -> (sql: String, values: [any SQLiteBindable]) {
        let (whereSQL, values) = filter.clause()
        // `+` keeps these terms from choosing the status index: over most of
        // the archive a sequential scan beats a million random row look-ups;
        // the filters' own terms still pick their indexes.
        return ("SELECT \(columns) FROM calls c WHERE +c.status IS NOT NULL AND \(whereSQL)", values)
    }
}
