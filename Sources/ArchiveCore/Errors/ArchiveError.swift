/// What can go wrong with the archive file itself, with a message that says
/// what to do. Which exit code each is, is the command line's `ExitPolicy`.
public enum ArchiveError: Error, CustomStringConvertible, Equatable {
    case notADatabase(path: String, detail: String)
    case newerSchema(path: String, fileVersion: Int, supportedVersion: Int)
    case migrationFailed(path: String, migration: String, detail: String)
    case cannotOpen(path: String, detail: String)
    case busy(path: String, holder: String)
    case missing(path: String)
    case isFolder(path: String)
    /// An operation this backend does not offer (yet): what to use instead.
    case unsupported(path: String, operation: String, instead: String)

    public var description: String {
        switch self {
        case .notADatabase(let path, let detail):
            "\(path) is not a callhist archive (not a SQLite database, or damaged: \(detail)). Check the --db path; callhist never overwrites a file it cannot read."
        case .newerSchema(let path, let fileVersion, let supportedVersion):
            "\(path) has schema version \(fileVersion), but this callhist knows versions up to \(supportedVersion). It was written by a newer callhist: upgrade callhist to use it."
        case .migrationFailed(let path, let migration, let detail):
            "could not apply migration \(migration) to \(path): \(detail). The file was left at its previous version."
        case .cannotOpen(let path, let detail):
            "cannot open \(path): \(detail)"
        case .busy(let path, let holder):
            "\(holder) is writing \(path). Try again when it ends (or pass --wait)."
        case .isFolder(let path):
            "\(path) is a folder, not an archive file. Pass the file with --db (for example --db \(path.hasSuffix("/") ? path : path + "/")callhist.sqlite)."
        case .unsupported(let path, let operation, let instead):
            "\(operation) is not available on \(path): \(instead)"
        case .missing(let path):
            "\(path) does not exist. Create it with `callhist migrate --db \(path)` or by running `callhist archive`."
        }
    }
}
