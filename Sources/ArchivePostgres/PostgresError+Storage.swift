import ArchiveCore
import Postgres

/// PostgreSQL's SQLSTATE classes in plain words.
extension PostgresError: DriverError {
    package func storageError(path: String) -> StorageError {
        let kind: StorageError.Kind =
            switch (stateClass, sqlState) {
            // 57P01-03: the server shut down or is starting; 08: the connection broke or was refused.
            case ("08", _), (_, "57P01"), (_, "57P02"), (_, "57P03"): .disconnected
            case ("28", _), (_, PostgresError.State.invalidCatalogName): .cannotOpen
            case ("53", _): .full
            case ("58", _): .io
            case ("XX", _): .damaged
            case (_, PostgresError.State.insufficientPrivilege), (_, PostgresError.State.readOnlyTransaction): .readOnly
            case ("40", _), (_, PostgresError.State.lockNotAvailable): .busy
            default: .other
            }
        return StorageError(kind, path: path, detail: kind == .other ? "PostgreSQL error \(sqlState): \(message)" : plainMessage)
    }
}
