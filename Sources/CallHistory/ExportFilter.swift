import SQLite

/// Which calls an export (or a report) covers: queued in `[since, until)`,
/// optionally with one status.
public struct ExportFilter: Sendable, Equatable {
    public var since: Int64?
    public var until: Int64?
    public var status: String?

    public init(since: Int64? = nil, until: Int64? = nil, status: String? = nil) {
        self.since = since
        self.until = until
        self.status = status
    }

    /// A WHERE clause over `calls` aliased `c`, with its parameters. An
    /// unfiltered export also covers calls never fetched (no queued time).
    func clause() -> (sql: String, values: [any SQLiteBindable]) {
        var terms: [String] = []
        var values: [any SQLiteBindable] = []
        if let since { terms.append("c.queued_timestamp >= ?"); values.append(since) }
        if let until { terms.append("c.queued_timestamp < ?"); values.append(until) }
        if let status { terms.append("c.status = ?"); values.append(status) }
        return (terms.isEmpty ? "1" : terms.joined(separator: " AND "), values)
    }
}
