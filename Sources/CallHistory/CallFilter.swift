import SQLite

/// Which calls an export or a report covers: queued in `[since, until)`,
/// optionally with one status and one phone number (docs/reports.md).
public struct CallFilter: Sendable, Equatable {
    public var since: Int64?
    public var until: Int64?
    public var status: String?
    public var phone: String?

    public init(since: Int64? = nil, until: Int64? = nil, status: String? = nil, phone: String? = nil) {
        self.since = since
        self.until = until
        self.status = status
        self.phone = phone
    }

    /// A WHERE clause over `calls` aliased `c`, with its parameters. Without
    /// a time bound, calls with no queued time are included.
    func clause() -> (sql: String, values: [any SQLiteBindable]) {
        var terms: [String] = []
        var values: [any SQLiteBindable] = []
        if let since { terms.append("c.queued_timestamp >= ?"); values.append(since) }
        if let until { terms.append("c.queued_timestamp < ?"); values.append(until) }
        if let status { terms.append("c.status = ?"); values.append(status) }
        if let phone {
            // Accept the number as the API shows it, quotes and all.
            let bare = phone.count >= 2 && phone.hasPrefix("'") && phone.hasSuffix("'") ? String(phone.dropFirst().dropLast()) : phone
            terms.append("c.phone_number = ?")
            values.append(bare)
        }
        return (terms.isEmpty ? "1" : terms.joined(separator: " AND "), values)
    }
}
