/// A statement prepared on the server once (`PQprepare`) and run many
/// times: for SQL that runs once per call or row.
public final class PostgresStatement {
    unowned let connection: PostgresConnection
    let name: String
    public let sql: String

    init(connection: PostgresConnection, name: String, sql: String) {
        self.connection = connection
        self.name = name
        self.sql = sql
    }

    @discardableResult
    public func query(_ values: [any PostgresBindable] = []) throws(PostgresError) -> PostgresResult {
        try connection.runPrepared(name, sql: sql, values)
    }
}

@available(*, unavailable)
extension PostgresStatement: Sendable {}
