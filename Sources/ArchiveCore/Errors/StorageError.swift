/// The storage itself failed, said in plain words (docs/architecture.md,
/// "Errors"): what happened, to which archive, and what to do. The
/// backend's own message is kept in brackets for a bug report; no SQL text.
public struct StorageError: Error, CustomStringConvertible, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Another program holds a write lock.
        case busy
        /// The disk is full.
        case full
        /// Reading or writing failed at the disk.
        case io
        /// Not a database, or a damaged one.
        case damaged
        /// The file or its folder cannot be written.
        case readOnly
        /// The file cannot be opened at all.
        case cannotOpen
        /// The connection to a database server was lost or refused: the
        /// server restarted, shut down, or the network dropped.
        case disconnected
        /// Anything else: a bug.
        case other
    }

    public let kind: Kind
    /// The archive's path (or what the backend was working on).
    public let path: String
    /// The backend's words, for a bug report.
    public let detail: String

    public init(_ kind: Kind, path: String, detail: String) {
        self.kind = kind
        self.path = path
        self.detail = detail
    }

    public var isBusy: Bool { kind == .busy }

    public var description: String {
        switch kind {
        case .busy:
            "the archive \(path) is busy: another program is writing it (\(detail)). Try again when it is done."
        case .full:
            "the disk holding \(path) is full (\(detail)). Free some space and run it again; what was committed is kept."
        case .io:
            "reading or writing \(path) failed at the disk (\(detail)). Check the disk, then the file with `callhist doctor --db \(path)`."
        case .damaged:
            "\(path) is not a callhist archive, or it is damaged (\(detail)). Check the --db path; `callhist doctor` says more, and a backup can replace it."
        case .readOnly:
            "\(path) cannot be written: the file or its folder is read-only to you (\(detail)). Check their permissions."
        case .cannotOpen:
            "\(path) cannot be opened (\(detail)). Check that it is a file you can read and write, in a folder that exists."
        case .disconnected:
            "the connection to the database \(path) was lost or refused (\(detail)): the server restarted or stopped, or the network dropped. What was committed is kept; run it again when the server is back (the next run carries on)."
        case .other:
            "the archive \(path) failed (\(detail)). This is probably a bug in callhist: please report it with this line."
        }
    }
}
