import ArchiveCore
import SQLite

/// SQLite's result codes in plain words.
extension SQLiteError: DriverError {
    package func storageError(path: String) -> StorageError {
        let kind: StorageError.Kind =
            switch code {
            case SQLiteError.Code.busy, SQLiteError.Code.locked: .busy
            case SQLiteError.Code.full: .full
            case SQLiteError.Code.ioError: .io
            case SQLiteError.Code.corrupt, SQLiteError.Code.notADatabase: .damaged
            case SQLiteError.Code.readOnly, SQLiteError.Code.permission: .readOnly
            case SQLiteError.Code.cannotOpen: .cannotOpen
            default: .other
            }
        return StorageError(kind, path: path, detail: kind == .other ? "SQLite error \(extendedCode): \(message)" : plainMessage)
    }
}
