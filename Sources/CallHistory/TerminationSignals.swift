import Foundation

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
