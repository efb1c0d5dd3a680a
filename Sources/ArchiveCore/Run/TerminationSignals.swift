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
    /// "Stopping a run"); a second signal ends the process at once, after
    /// writing `second-signal=N` into the run lock's file, so that the next
    /// run can close the row this one could not (`RunLock.Holder.end`).
    /// Only stores, pwrite(2), `signal` and `raise` run in the handlers:
    /// all async-signal-safe.
    public static func catchStop() {
        _ = received.load(ordering: .relaxed)  // initialised here, never first in the handler
        _ = lockFile.load(ordering: .relaxed)
        _ = lockOffset.load(ordering: .relaxed)
        _ = markers
        for s in [SIGINT, SIGTERM] {
            Foundation.signal(s) { number in
                TerminationSignals.received.store(number, ordering: .relaxed)
                for s in [SIGINT, SIGTERM] {
                    Foundation.signal(s) { number in
                        let fd = TerminationSignals.lockFile.load(ordering: .relaxed)
                        if fd >= 0 {
                            let marker = number == SIGINT ? TerminationSignals.markers.int : TerminationSignals.markers.term
                            _ = pwrite(fd, marker.pointer, marker.count, off_t(TerminationSignals.lockOffset.load(ordering: .relaxed)))
                        }
                        Foundation.signal(number, SIG_DFL)
                        raise(number)
                    }
                }
            }
        }
    }

    /// The lock file a second signal writes its line into, and where; -1 for none.
    private static let lockFile = Atomic<Int32>(-1)
    private static let lockOffset = Atomic<Int>(0)

    /// Set by `RunLock` while it holds the lock.
    package static func recordSecondSignal(in fd: Int32, at offset: Int) {
        lockOffset.store(offset, ordering: .relaxed)
        lockFile.store(fd, ordering: .relaxed)
    }

    /// The lines the second-signal handler writes, made before any signal
    /// (a handler may not allocate).
    private struct Marker: @unchecked Sendable {
        let pointer: UnsafeMutablePointer<CChar>
        let count: Int
        init(_ text: String) {
            count = text.utf8.count
            pointer = strdup(text)!
        }
    }
    private static let markers = (int: Marker("second-signal=\(SIGINT)\n"), term: Marker("second-signal=\(SIGTERM)\n"))

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
