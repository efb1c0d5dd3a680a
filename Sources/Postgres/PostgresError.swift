internal import CPostgres
import Foundation

/// A failed libpq call: the SQLSTATE (five characters, "23505" for a unique
/// violation; "08…" for a lost or refused connection), the server's (or
/// libpq's) message, and the SQL that was running.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    public let sqlState: String
    public let message: String
    public let sql: String?

    public init(sqlState: String, message: String, sql: String?) {
        self.sqlState = sqlState
        self.message = message
        self.sql = sql
    }

    /// SQLSTATEs callers match on (PostgreSQL's appendix A).
    public enum State {
        public static let uniqueViolation = "23505"
        public static let foreignKeyViolation = "23503"
        public static let undefinedTable = "42P01"
        public static let insufficientPrivilege = "42501"
        public static let invalidPassword = "28P01"
        public static let invalidAuthorization = "28000"
        public static let invalidCatalogName = "3D000"
        public static let diskFull = "53100"
        public static let lockNotAvailable = "55P03"
        public static let serializationFailure = "40001"
        public static let deadlockDetected = "40P01"
        public static let queryCanceled = "57014"
        public static let adminShutdown = "57P01"
        public static let readOnlyTransaction = "25006"
        /// libpq's own failures (no server answer): a connection that could
        /// not be made or was lost.
        public static let connectionFailure = "08006"
    }

    /// The class (the first two characters): "08" connection, "28" authorization, "53" resources.
    public var stateClass: Substring { sqlState.prefix(2) }

    /// The message without the SQL: what a person may be shown.
    public var plainMessage: String { "PostgreSQL: \(message)" }

    public var description: String {
        var text = "PostgreSQL error \(sqlState): \(message)"
        if let sql { text += " — in: \(sql.count > 300 ? String(sql.prefix(300)) + "…" : sql)" }
        return text
    }

    /// From a result (a server error carries its SQLSTATE), else from the connection.
    static func from(_ result: OpaquePointer?, connection: OpaquePointer?, sql: String?) -> PostgresError {
        if let result, let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))) {
            let primary = PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) } ?? ""
            let detail = PQresultErrorField(result, Int32(UInt8(ascii: "D"))).map { " (\(String(cString: $0)))" } ?? ""
            return PostgresError(sqlState: String(cString: state), message: primary + detail, sql: sql)
        }
        let text = connection.flatMap { PQerrorMessage($0) }.map { String(cString: $0) } ?? "unknown libpq failure"
        return PostgresError(sqlState: State.connectionFailure, message: text.trimmingCharacters(in: .whitespacesAndNewlines), sql: sql)
    }
}
