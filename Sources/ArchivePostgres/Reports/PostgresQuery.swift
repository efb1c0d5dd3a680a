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

    /// Core SQL written with `?` (`CallFilter.terms`), its parameters bound
    /// after those already here.
    package mutating func bind(_ sql: String, _ parameters: [SQLValue]) -> String {
        var parameters = parameters[...]
        var out = ""
        for c in sql {
            if c == "?", let value = parameters.popFirst() { out += bind(value) } else { out.append(c) }
        }
        return out
    }

    /// `CallFilter.terms()`: the same terms, the same meaning
    /// (docs/reports.md), over `calls` aliased `c`.
    package mutating func filter(_ filter: CallFilter) -> String {
        let (sql, parameters) = filter.terms(always: "true")
        return bind(sql, parameters)
    }

}
