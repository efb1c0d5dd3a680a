import ArgumentParser
import CallHistory
import Foundation
import FuseAPI
import SQLite

/// Reports an error on stderr as one actionable line and turns it into the
/// sysexits code of DESIGN.md §4.
enum Failure {
    static func exit(_ error: Error) -> ExitCode {
        switch error {
        case let error as ExitCode:
            return error
        case let error as ArchiveError:
            printError(error.description)
            return ExitCode(error.exitCode)
        case let error as InputError:
            printError(error.message)
            return ExitCode(65)
        case let error as OutputError:
            printError(error.description)
            return ExitCode(74)
        case let error as FuseConfigurationError:
            printError(error.message)
            return ExitCode(78)
        case let error as SQLiteError:
            printError("database error: \(error)")
            return ExitCode(error.isBusy ? 75 : 70)
        default:
            printError("\(error)")
            return ExitCode(70)
        }
    }

    static func printError(_ message: String) {
        // Messages quote ids, bodies and file names: never raw control characters.
        FileHandle.standardError.write(Data("callhist: \(SafeText.escape(message))\n".utf8))
    }
}
