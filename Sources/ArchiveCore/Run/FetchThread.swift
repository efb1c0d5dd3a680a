import Foundation
import FuseAPI
import Synchronization

/// Runs a `FuseClient` fetch on a thread of its own: ids come from an
/// `IDFeed` the writing thread fills, and every result goes to a queue that
/// the writing thread drains.
package final class FetchThread: Sendable {
    private let client: FuseClient
    private let feed: IDFeed
    private let queue: BlockingQueue<FetchResult>
    private let stopped = Mutex(false)
    private let done = DispatchSemaphore(value: 0)
    private let summary = Mutex(FetchSummary())
    private let shouldFinish: @Sendable () -> Bool

    /// `shouldFinish` asks for a graceful end (`FuseClient.fetch`).
    package init(client: FuseClient, feed: IDFeed, queue: BlockingQueue<FetchResult>, shouldFinish: @escaping @Sendable () -> Bool = { false }) {
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
                    if !queue.put(r) { stopped.withLock { $0 = true } }
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
