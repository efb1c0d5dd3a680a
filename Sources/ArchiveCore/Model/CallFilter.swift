import FuseAPI

/// Which calls an export or a report covers: queued in `[since, until)`,
/// optionally with one status, one phone number and labels that must all
/// match (docs/reports.md).
public struct CallFilter: Sendable, Equatable {
    public var since: Int64?
    public var until: Int64?
    public var status: String?
    public var phone: String?
    /// Every one must be a label of the call.
    public var labels: [Label]

    /// No archived status is longer (`FieldBounds.text`): a longer `--status` matches nothing.
    public static let longestStatus = FieldBounds.textCharacters

    public init(since: Int64? = nil, until: Int64? = nil, status: String? = nil, phone: String? = nil, labels: [Label] = []) {
        self.since = since
        self.until = until
        self.status = status
        self.phone = phone
        self.labels = labels
    }

    /// The phone number to match: accepted as the API shows it, quotes and all.
    package var barePhone: String? {
        guard let phone else { return nil }
        return phone.count >= 2 && phone.hasPrefix("'") && phone.hasSuffix("'") ? String(phone.dropFirst().dropLast()) : phone
    }

    /// A WHERE clause over `calls` aliased `c`, written once for every
    /// backend: a `?` per parameter, in order (`SQLDialect.render` numbers
    /// them where a database wants `$n`). Without a time bound, calls with
    /// no queued time are included.
    package func terms(always: String = "1") -> (sql: String, values: [SQLValue]) {
        var terms: [String] = []
        var values: [SQLValue] = []
        if let since {
            terms.append("c.queued_timestamp >= ?")
            values.append(.integer(since))
        }
        if let until {
            terms.append("c.queued_timestamp < ?")
            values.append(.integer(until))
        }
        if let status {
            terms.append("c.status = ?")
            values.append(.text(status))
        }
        if let bare = barePhone {
            terms.append("c.phone_number = ?")
            values.append(.text(bare))
        }
        for label in labels {
            terms.append(Self.labelTerm("c.call_id"))
            values += [.text(label.name), .text(label.value)]
        }
        return (terms.isEmpty ? always : terms.joined(separator: " AND "), values)
    }

    /// The call `id` has a label (name and value two parameters): an index
    /// range of call_labels_name_value, the one definition of a label filter.
    package static func labelTerm(_ id: String) -> String {
        "\(id) IN (SELECT l.call_id FROM call_labels l WHERE l.name = ? AND l.value = ?)"
    }

    /// ` AND <id> has label` for each of `labels`, with the values.
    package static func labelTerms(_ labels: [Label], _ id: String) -> (sql: String, values: [SQLValue]) {
        (labels.map { _ in " AND " + labelTerm(id) }.joined(), labels.flatMap { [SQLValue.text($0.name), .text($0.value)] })
    }
}
