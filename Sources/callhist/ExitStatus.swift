/// The process's exit codes (sysexits.h), named. README.md lists them.
enum ExitStatus: Int32 {
    case ok = 0
    case usage = 64
    /// Bad input data: a refused id, bad import lines, a file that is not an archive.
    case dataError = 65
    /// An input file (the archive for a report, an ids file) does not exist or is a folder.
    case noInput = 66
    /// No answer from the API at all.
    case unavailable = 69
    /// A bug: an error nothing else names.
    case software = 70
    /// The system's scheduler (crontab, systemctl) is missing or failed.
    case osError = 71
    /// The archive (or its folder) cannot be created or opened.
    case cantCreate = 73
    /// Output could not be written (a full disk, a missing folder).
    case ioError = 74
    /// Try again later: calls failed after retries, another run holds the archive.
    case tempFail = 75
    /// The API refused the credentials.
    case noPermission = 77
    /// Missing or bad configuration.
    case config = 78
}
