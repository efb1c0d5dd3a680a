/// The system's scheduler (`crontab`, `systemctl`) is missing or refused
/// what `callhist schedule` asked (exit 71, EX_OSERR), or a file of the job
/// could not be written (exit 73): its own words either way.
struct SchedulerError: Error, CustomStringConvertible {
    let message: String
    /// A file or folder of the job could not be written, as opposed to the scheduler failing.
    let cannotWrite: Bool

    init(_ message: String, cannotWrite: Bool = false) {
        self.message = message
        self.cannotWrite = cannotWrite
    }

    var description: String { message }
}
