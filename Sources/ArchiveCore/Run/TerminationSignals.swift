import Foundation
import Synchronization

/// A process may start with SIGTERM and SIGINT blocked: the signal mask is
/// inherited, and some parents (test runners, job supervisors) block them on
/// the thread that spawns children. Blocked, `kill -TERM` and systemd's stop
/// would never reach callhist. Called first thing in `main`.
public enum TerminationSignals {
    public static func unblock() {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGQUIT] { sigaddset(&set, signal) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        // SIG_IGN is inherited too: put the default action back.
        for signal in [SIGTERM, SIGINT, SIGHUP] { Foundation.signal(signal, SIG_DFL) }
    }
}

extension TerminationSignals {
    /// The first SIGINT or SIGTERM received since `catchStop()`, 0 for none.
    /// Atomic: the handler stores it, any thread reads it.
    private static let received = Atomic<Int32>(0)

    /// From now on the first SIGINT or SIGTERM asks the run to stop
    /// gracefully instead of killing the process (docs/reliability.md,
    /// "Stopping a run"); the handler puts the default action back, so a
    /// second signal ends the process at once. Only stores and `signal`
    /// run in the handler: both are async-signal-safe.
    public static func catchStop() {
        _ = received.load(ordering: .relaxed)  // initialised here, never first in the handler
        for s in [SIGINT, SIGTERM] {
            Foundation.signal(s) { number in
                TerminationSignals.received.store(number, ordering: .relaxed)
                Foundation.signal(SIGINT, SIG_DFL)
                Foundation.signal(SIGTERM, SIG_DFL)
            }
        }
    }

    /// "SIGTERM" or "SIGINT" once a stop was asked for, else nil.
    @Sendable public static func stopRequested() -> String? {
        switch received.load(ordering: .relaxed) {
        case 0: nil
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        case let n: "signal \(n)"
        }
    }
}
