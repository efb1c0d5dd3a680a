import Foundation

/// A single self-rewriting progress line on stderr: done, rate, failures, ETA.
/// Redrawn at most four times a second.
struct ProgressLine {
    let enabled: Bool
    private var lastDraw = ContinuousClock.now - .seconds(1)
    private var drawn = false

    init(enabled: Bool) { self.enabled = enabled }

    /// `reachable` is what the request budget allows of `total`, and
    /// `timeLeft` what `--max-runtime` leaves: the ETA never promises more.
    mutating func update(verb: String, done: Int, total: Int, reachable: Int? = nil, failed: Int, elapsed: Duration, timeLeft: Duration? = nil) {
        let goal = min(total, reachable ?? total)
        guard enabled, ContinuousClock.now - lastDraw >= .milliseconds(250) || done >= goal else { return }
        lastDraw = .now
        let seconds = max(0.001, elapsed.seconds)
        let rate = Double(done) / seconds
        var line = "\(verb) \(done)/\(goal)"
        if goal < total { line += " (budget; \(total) due)" }
        if goal > 0 { line += String(format: " (%.0f%%)", 100 * Double(done) / Double(goal)) }
        line += String(format: ", %.0f/s", rate)
        if failed > 0 { line += ", \(failed) failed" }
        if rate > 0, goal > done {
            var eta = Double(goal - done) / rate
            if let timeLeft { eta = min(eta, max(0, timeLeft.seconds)) }
            line += ", ETA \(Self.clock(Int(eta)))"
        }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
        drawn = true
    }

    mutating func finish() {
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        drawn = false
    }

    static func clock(_ seconds: Int) -> String {
        seconds >= 3600
            ? String(format: "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
            : String(format: "%d:%02d", seconds / 60, seconds % 60)
    }
}
