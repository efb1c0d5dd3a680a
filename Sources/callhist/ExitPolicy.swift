import ArgumentParser
import CallHistory
import Foundation

/// The one place where what happened becomes an exit code and words on
/// stderr: run outcomes from CallHistory, and every error that reaches the
/// command line (docs/architecture.md).
enum ExitPolicy {
    static func status(for outcome: RunOutcome) -> ExitStatus {
        switch outcome {
        case .completed: .ok
        case .partial, .outage: .tempFail
        case .unauthorized: .noPermission
        case .unreachable: .unavailable
        case .badInput: .dataError
        case .interrupted: .tempFail
        case .misconfigured: .config
        }
    }

    /// The mapping CallHistory records in `archive_runs.exit_code`.
    static func code(for outcome: RunOutcome) -> Int32 { status(for: outcome).rawValue }

    static func status(for error: Error) -> ExitStatus {
        switch error {
        case let error as ArchiveError:
            switch error {
            case .busy: .tempFail
            case .notADatabase, .newerSchema, .migrationFailed: .dataError
            case .missing, .isFolder: .noInput
            case .cannotOpen: .cantCreate
            case .unsupported: .unavailable
            }
        case is InputError: .dataError
        case is OutputError: .ioError
        case is ConfigurationError: .config
        case let error as SchedulerError: error.cannotWrite ? .cantCreate : .osError
        case let error as StorageError:
            switch error.kind {
            case .busy, .disconnected: .tempFail
            case .full, .io: .ioError
            case .damaged: .dataError
            case .readOnly, .cannotOpen: .cantCreate
            case .other: .software
            }
        default: .software
        }
    }

    /// Prints `error` as one line and returns the exit code to end with.
    static func exit(_ error: Error) -> ExitCode {
        if let code = error as? ExitCode { return code }
        if error is ValidationError || error is CleanExit { return ExitCode(ExitStatus.usage.rawValue) }
        let status = status(for: error)
        printError(status == .software && !(error is StorageError) ? "unexpected error: \(plainWords(error))" : "\(error)")
        return ExitCode(status.rawValue)
    }

    static func exit(_ status: ExitStatus) -> ExitCode { ExitCode(status.rawValue) }

    /// A Foundation error as its sentence, never its domain and code.
    static func plainWords(_ error: Error) -> String {
        let ns = error as NSError
        guard ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain else { return "\(error)" }
        let path = (ns.userInfo[NSFilePathErrorKey] as? String).map { " (\($0))" } ?? ""
        return ns.localizedDescription + path + ". Please report this line: callhist should have said what to do."
    }

    static func printError(_ message: String) {
        // Messages quote ids, bodies and file names: never raw control
        // characters. A message's own lines (a list of bad lines) stay lines.
        let lines = message.split(separator: "\n", omittingEmptySubsequences: false).map { SafeText.escape(String($0)) }
        FileHandle.standardError.write(Data("callhist: \(lines.joined(separator: "\n"))\n".utf8))
    }
}

/// A subcommand whose errors all go through `ExitPolicy`: it implements
/// `execute()`, and `run()` is written once here.
protocol CallhistCommand: ParsableCommand {
    func execute() throws
}

extension CallhistCommand {
    func run() throws {
        do {
            try execute()
        } catch let error as ValidationError {
            // Found while running (a --status no call has, dates out of
            // order): the message alone, not the top-level usage.
            ExitPolicy.printError(error.message)
            throw ExitPolicy.exit(.usage)
        } catch {
            throw ExitPolicy.exit(error)
        }
    }
}
