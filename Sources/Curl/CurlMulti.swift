internal import CCurl

/// Runs many transfers concurrently on the calling thread with libcurl's
/// multi interface: at most `maxInFlight` at once, connections kept alive and
/// reused, each result delivered as soon as it completes.
///
/// The caller feeds work through `pull`, which may also say "nothing ready
/// until this instant" (for retry backoff and rate limits). Not `Sendable`.
public final class CurlMulti<Tag> {
    public enum Pull {
        /// Start this transfer now.
        case start(Tag, CurlRequest)
        /// Nothing is ready before this instant (more work may come later).
        case wait(until: ContinuousClock.Instant)
        /// Nothing is ready, and nothing will be unless a delivery adds work.
        case idle
    }

    public let maxInFlight: Int
    private let multi: UnsafeMutableRawPointer
    /// TLS sessions shared by every transfer of the run: a connection opened
    /// later (after the server closed one) resumes a session instead of a
    /// full handshake. One thread uses it: no lock callbacks are needed.
    private let share: UnsafeMutableRawPointer
    private var idleHandles: [EasyHandle] = []
    private var running: [UnsafeMutableRawPointer: (handle: EasyHandle, tag: Tag)] = [:]
    private let clock = ContinuousClock()

    public init(maxInFlight: Int) {
        precondition(maxInFlight >= 1)
        CurlGlobal.ensureInitialized()
        guard let m = curl_multi_init() else { fatalError("curl_multi_init failed: out of memory") }
        multi = m
        guard let sh = curl_share_init() else { fatalError("curl_share_init failed: out of memory") }
        share = sh
        let shared = callhist_share_setopt_long(sh, CURLSHOPT_SHARE, Int(CURL_LOCK_DATA_SSL_SESSION.rawValue))
        precondition(shared == CURLSHE_OK, "curl_share_setopt(CURLSHOPT_SHARE) failed: \(String(cString: curl_share_strerror(shared)))")
        self.maxInFlight = maxInFlight
        // Keep every connection we may need open between transfers. These
        // options exist in every libcurl we build against: a refusal is a bug.
        for (option, name) in [
            (CURLMOPT_MAX_HOST_CONNECTIONS, "MAX_HOST_CONNECTIONS"), (CURLMOPT_MAX_TOTAL_CONNECTIONS, "MAX_TOTAL_CONNECTIONS"),
            (CURLMOPT_MAXCONNECTS, "MAXCONNECTS"),
        ] {
            let code = callhist_multi_setopt_long(m, option, maxInFlight)
            precondition(code == CURLM_OK, "curl_multi_setopt(CURLMOPT_\(name)) failed: \(String(cString: curl_multi_strerror(code)))")
        }
    }

    deinit {
        // Fixed teardown order: detach every easy handle, then free the multi.
        for (raw, _) in running { remove(raw) }
        running.removeAll()
        idleHandles.removeAll()  // every easy handle is cleaned up before the share it uses
        curl_multi_cleanup(multi)
        curl_share_cleanup(share)
    }

    public var inFlight: Int { running.count }

    /// Runs until `pull` is idle and nothing is in flight, or `shouldStop`
    /// returns true (then in-flight transfers are abandoned, undelivered).
    public func run(
        pull: (ContinuousClock.Instant) -> Pull,
        deliver: (Tag, Result<CurlResponse, CurlError>) -> Void,
        shouldStop: () -> Bool = { false }
    ) {
        defer { abandonRunning() }
        while !shouldStop() {
            var wakeAt: ContinuousClock.Instant?
            var idle = false
            while running.count < maxInFlight {
                switch pull(clock.now) {
                case .start(let tag, let request):
                    // A transfer that cannot even start is delivered as failed at once.
                    if let error = start(tag, request) { deliver(tag, .failure(error)) }
                case .wait(let instant): wakeAt = instant
                case .idle: idle = true
                }
                if wakeAt != nil || idle { break }
            }
            if running.isEmpty {
                if let wakeAt {
                    let delay = wakeAt - clock.now
                    if delay > .zero { sleep(delay) }
                    continue
                }
                if idle { return }
                continue
            }
            var stillRunning: Int32 = 0  // not used: finished transfers are read from info_read
            let performed = curl_multi_perform(multi, &stillRunning)
            guard performed == CURLM_OK else { return failRunning(performed, deliver) }
            let finished = deliverFinished(deliver)
            if shouldStop() { return }
            // Wait for sockets only when nothing finished: a freed slot is refilled at once.
            if finished == 0, !running.isEmpty {
                var timeoutMs: Int32 = 1000
                if let wakeAt, running.count < maxInFlight {
                    timeoutMs = Int32(max(0, min(1000, (wakeAt - clock.now).wholeMilliseconds)))
                }
                var fds: Int32 = 0
                let polled = curl_multi_poll(multi, nil, 0, timeoutMs, &fds)
                guard polled == CURLM_OK else { return failRunning(polled, deliver) }
            }
        }
    }

    /// Starts a transfer, or says why it could not start.
    private func start(_ tag: Tag, _ request: CurlRequest) -> CurlError? {
        let handle = idleHandles.popLast() ?? EasyHandle()
        do {
            try handle.configure(request, share: share)
        } catch {
            idleHandles.append(handle)
            return error
        }
        let added = curl_multi_add_handle(multi, handle.raw)
        guard added == CURLM_OK else {
            idleHandles.append(handle)
            return CurlError(
                kind: .other, code: Int32(added.rawValue), message: "curl_multi_add_handle failed: \(String(cString: curl_multi_strerror(added)))")
        }
        running[handle.raw] = (handle, tag)
        return nil
    }

    /// The multi handle itself failed (out of memory, say): every transfer
    /// in flight is delivered as failed, and the run ends.
    private func failRunning(_ code: CURLMcode, _ deliver: (Tag, Result<CurlResponse, CurlError>) -> Void) {
        let error = CurlError(
            kind: .other, code: Int32(code.rawValue), message: "libcurl's multi interface failed: \(String(cString: curl_multi_strerror(code)))")
        let failed = running.values.map(\.tag)
        abandonRunning()
        for tag in failed { deliver(tag, .failure(error)) }
    }

    private func deliverFinished(_ deliver: (Tag, Result<CurlResponse, CurlError>) -> Void) -> Int {
        var finished = 0
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let raw = message.pointee.easy_handle else { continue }
            guard let entry = running.removeValue(forKey: raw) else {
                preconditionFailure("libcurl finished a transfer this driver never started")
            }
            let code = message.pointee.data.result
            remove(raw)
            let result = entry.handle.result(code: code)
            idleHandles.append(entry.handle)
            finished += 1
            deliver(entry.tag, result)
        }
        return finished
    }

    private func abandonRunning() {
        for (raw, entry) in running {
            remove(raw)
            idleHandles.append(entry.handle)
        }
        running.removeAll()
    }

    /// Detaches a handle this driver added; libcurl refusing is a bug here.
    private func remove(_ raw: UnsafeMutableRawPointer) {
        let code = curl_multi_remove_handle(multi, raw)
        precondition(code == CURLM_OK, "curl_multi_remove_handle failed: \(String(cString: curl_multi_strerror(code)))")
    }

    private func sleep(_ d: Duration) {
        let ms = d.wholeMilliseconds
        // curl_multi_poll with no transfers is a plain, interruptible sleep.
        var fds: Int32 = 0
        _ = curl_multi_poll(multi, nil, 0, Int32(max(1, min(ms, 1000))), &fds)  // a failed sleep is only a shorter one
    }
}

/// One owner, one thread: the type system says so, not a comment.
@available(*, unavailable)
extension CurlMulti: Sendable {}
