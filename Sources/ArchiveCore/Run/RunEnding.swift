/// How a run that an error ends part-way closes its row (docs/reliability.md,
/// "Stopping a run"): with the exit code and words the error maps to,
/// keeping the counts it committed; when even that cannot be written (a
/// full disk, a connection the server dropped), `unrecorded` keeps the end
/// elsewhere — a new connection, or the run lock's file for the next writer.
package struct RunEnding {
    /// The exit code the row records for an error.
    package var code: (Error) -> Int32 = { _ in 70 }
    /// The error in words, as the command line prints it.
    package var describe: (Error) -> String = { "\($0)" }
    package var unrecorded: (_ runID: Int64, _ exitCode: Int32, _ message: String) -> Void = { _, _, _ in }

    package init() {}

    /// Closes run `runID` for `error` on `rows`, else hands the end to `unrecorded`.
    package func record(_ error: Error, runID: Int64, rows: any ArchiveRunRows, at now: Int64) {
        let code = code(error)
        let message = "ended by an error: \(describe(error))"
        do {
            try rows.endRun(runID, exitCode: code, message: message, at: now)
        } catch {
            unrecorded(runID, code, message)
        }
    }
}
