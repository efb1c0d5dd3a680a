import Foundation
import FuseAPI

/// Call ids handed from the writing thread (which pages them out of the
/// archive) to the fetching thread, a few pages at a time: a run over ten
/// million ids holds a few thousand in memory, not ten million.
package final class IDFeed: @unchecked Sendable {
    // All state is guarded by `lock`.
    private let lock = NSLock()
    private var pages: [[String]] = []
    private var current: ArraySlice<String> = []
    private var closed = false
    private let maxPages: Int

    package init(maxPages: Int = 4) { self.maxPages = maxPages }

    /// True while another page would be taken.
    package var hasRoom: Bool { lock.withLock { !closed && pages.count < maxPages } }

    package var isClosed: Bool { lock.withLock { closed } }

    /// Adds a page (the writer never blocks here: it checks `hasRoom`).
    package func offer(_ page: [String]) {
        lock.withLock { if !page.isEmpty { pages.append(page) } }
    }

    /// No more pages will come.
    package func close() { lock.withLock { closed = true } }

    /// The fetching thread's next id, `.notYet` while the writer has not
    /// paged more in, `.end` once every page was taken.
    package func next() -> IDSupply {
        lock.withLock {
            if current.isEmpty, !pages.isEmpty { current = pages.removeFirst()[...] }
            if let id = current.popFirst() { return .id(id) }
            return closed ? .end : .notYet
        }
    }
}
