import Foundation

/// What callhist tells PostgreSQL archives by, and how it shows them
/// without their password.
public enum PostgresURL {
    /// `postgresql://…` or `postgres://…` (libpq's URI forms).
    public static func isPostgres(_ location: String) -> Bool {
        let lower = location.lowercased()
        return lower.hasPrefix("postgresql://") || lower.hasPrefix("postgres://")
    }

    /// The URL with any password replaced by `***`, in the user part and in
    /// a `password=` parameter: safe for messages, logs and `archive_runs`.
    public static func redacted(_ url: String) -> String {
        guard isPostgres(url) else { return url.contains("password") ? "(connection string)" : url }
        var text = url
        if let scheme = text.range(of: "://") {
            let rest = text[scheme.upperBound...]
            let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
            if let at = rest[..<authorityEnd].lastIndex(of: "@"), let colon = rest[..<at].firstIndex(of: ":") {
                text.replaceSubrange(text.index(after: colon)..<at, with: "***")
            }
        }
        if let query = text.firstIndex(of: "?") {
            let parts = text[text.index(after: query)...].split(separator: "&", omittingEmptySubsequences: false).map { part -> String in
                part.lowercased().hasPrefix("password=") ? "password=***" : String(part)
            }
            text = String(text[...query]) + parts.joined(separator: "&")
        }
        return text
    }
}
