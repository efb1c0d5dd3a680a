import ArchiveCore
import Postgres

/// PostgreSQL's SQLSTATE classes in plain words.
extension PostgresError: DriverError {
    package func storageError(path: String) -> StorageError {
        let kind: StorageError.Kind =
            switch (stateClass, sqlState) {
            case ("08", _), ("28", _), (_, PostgresError.State.invalidCatalogName): .cannotOpen
            case ("53", _): .full
            case ("58", _): .io
            case ("XX", _): .damaged
            case (_, PostgresError.State.insufficientPrivilege), (_, PostgresError.State.readOnlyTransaction): .readOnly
            case ("40", _), (_, PostgresError.State.lockNotAvailable), (_, PostgresError.State.adminShutdown): .busy
            default: .other
            }
        return StorageError(kind, path: path, detail: kind == .other ? "PostgreSQL error \(sqlState): \(message)" : plainMessage)
    }
}
