import ArchiveCore
import Postgres

/// SQL text and its `$n` parameters, built together so numbers never drift:
/// `bind` appends a value and returns its placeholder.
package struct PostgresQuery {
    package var values: [any PostgresBindable] = []

    package mutating func bind(_ value: any PostgresBindable) -> String {
        values.append(value)
        return "$\(values.count)"
    }

    /// `CallFilter.clause()` in PostgreSQL's dialect: the same terms, the
    /// same meaning (docs/reports.md), over `calls` aliased `c`.
    package mutating func filter(_ filter: CallFilter) -> String {
        var terms: [String] = []
        if let since = filter.since { terms.append("c.queued_timestamp >= \(bind(since))") }
        if let until = filter.until { terms.append("c.queued_timestamp < \(bind(until))") }
        if let status = filter.status { terms.append("c.status = \(bind(status))") }
        if let phone = filter.barePhone { terms.append("c.phone_number = \(bind(phone))") }
        for label in filter.labels { terms.append(labelTerm(label, "c.call_id")) }
        return terms.isEmpty ? "true" : terms.joined(separator: " AND ")
    }

    /// `id` has label `label` (an index range of call_labels_name_value).
    package mutating func labelTerm(_ label: Label, _ id: String) -> String {
        "\(id) IN (SELECT l.call_id FROM call_labels l WHERE l.name = \(bind(label.name)) AND l.value = \(bind(label.value)))"
    }

    package mutating func labelTerms(_ labels: [Label], _ id: String) -> String {
        labels.map { " AND " + labelTerm($0, id) }.joined()
    }
}
