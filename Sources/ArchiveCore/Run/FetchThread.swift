import Foundation
import FuseAPI
import Synchronization

/// Runs a `FuseClient` fetch on a thread of its own: ids come from an
/// `IDFeed` the writing thread fills, and every result goes to a queue that
/// the writing thread drains.
package final class FetchThread: Sendable {
    /// A result, with its body's SHA-256 when it brought one: hashed here,
    /// so the writing thread (the run's bottleneck when the API is fast)
    /// only writes.
    package struct Fetched: Sendable {
        package let result: FetchResult
        package let sha256: String?
    }

    private let client: FuseClient
    private let feed: IDFeed
    private let queue: BlockingQueue<Fetched>
    private let stopped = Mutex(false)
    private let done = DispatchSemaphore(value: 0)
    private let summary = Mutex(FetchSummary())
    private let shouldFinish: @Sendable () -> Bool

    /// `shouldFinish` asks for a graceful end (`FuseClient.fetch`).
    package init(client: FuseClient, feed: IDFeed, queue: BlockingQueue<Fetched>, shouldFinish: @escaping @Sendable () -> Bool = { false }) {
        self.client = client
        self.feed = feed
        self.queue = queue
        self.shouldFinish = shouldFinish
    }

    package func start() {
        let thread = Thread { [self] in
            let result = client.fetch(
                from: { self.feed.next() },
                deliver: { r in
                    var sha256: String?
                    if case .found(let status) = r.outcome { sha256 = SHA256.hex(status.body) }
                    if !queue.put(Fetched(result: r, sha256: sha256)) { stopped.withLock { $0 = true } }
                }, shouldStop: { stopped.withLock { $0 } }, shouldFinish: shouldFinish)
            summary.withLock { $0 = result }
            queue.close()
            done.signal()
        }
        thread.name = "callhist-fetch"
        thread.start()
    }

    /// Asks the fetch to stop starting requests (the writer failed).
    package func stop() { stopped.withLock { $0 = true } }

    /// Waits for the fetch to end and returns what it did.
    package func wait() -> FetchSummary {
        done.wait()
        return summary.withLock { $0 }
    }
}
