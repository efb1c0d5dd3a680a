import SQLite

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

    public init(since: Int64? = nil, until: Int64? = nil, status: String? = nil, phone: String? = nil, labels: [Label] = []) {
        self.since = since
        self.until = until
        self.status = status
        self.phone = phone
        self.labels = labels
    }

    /// The phone number to match: accepted as the API shows it, quotes and all.
    var barePhone: String? {
        guard let phone else { return nil }
        return phone.count >= 2 && phone.hasPrefix("'") && phone.hasSuffix("'") ? String(phone.dropFirst().dropLast()) : phone
    }

    /// A WHERE clause over `calls` aliased `c`, with its parameters. Without
    /// a time bound, calls with no queued time are included.
    func clause() -> (sql: String, values: [any SQLiteBindable]) {
        var terms: [String] = []
        var values: [any SQLiteBindable] = []
        if let since { terms.append("c.queued_timestamp >= ?"); values.append(since) }
        if let until { terms.append("c.queued_timestamp < ?"); values.append(until) }
        if let status { terms.append("c.status = ?"); values.append(status) }
        if let bare = barePhone {
            terms.append("c.phone_number = ?")
            values.append(bare)
        }
        for label in labels {
            // An index range of call_labels_name_value per label.
            terms.append("c.call_id IN (SELECT l.call_id FROM call_labels l WHERE l.name = ? AND l.value = ?)")
            values += [label.name, label.value]
        }
        return (terms.isEmpty ? "1" : terms.joined(separator: " AND "), values)
    }
}
