import Foundation

/// A bounded hand-off between two threads: the producer blocks when the
/// queue is full (so memory stays flat), the consumer takes everything
/// available at once (so locking stays cheap).
package final class BlockingQueue<Element: Sendable>: @unchecked Sendable {
    // All state is guarded by `condition`.
    private let condition = NSCondition()
    private var items: [Element] = []
    private var closed = false
    private let capacity: Int

    package init(capacity: Int) { self.capacity = capacity }

    /// Adds an item, waiting while the queue is full. Returns false once the
    /// consumer has closed the queue (the item is dropped).
    @discardableResult
    package func put(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !closed { condition.wait() }
        guard !closed else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// Everything queued, waiting for at least one item; empty once the
    /// queue is closed and drained. When nothing is queued, `idle` runs
    /// first (outside the lock): the writer commits before it waits. With
    /// `idleEvery`, `idle` runs again each time that passes with nothing queued.
    package func takeAll(idleEvery interval: Duration? = nil, idle: () throws -> Void = {}) rethrows -> [Element] {
        while true {
            condition.lock()
            if !items.isEmpty || closed {
                let taken = items
                items.removeAll(keepingCapacity: true)
                condition.broadcast()
                condition.unlock()
                return taken
            }
            condition.unlock()
            try idle()
            condition.lock()
            if items.isEmpty && !closed {
                if let interval {
                    // Idle again after `interval` if nothing came (a batch too young to commit).
                    _ = condition.wait(until: Date(timeIntervalSinceNow: Double(interval / .milliseconds(1)) / 1000))
                } else {
                    while items.isEmpty && !closed { condition.wait() }
                }
            }
            condition.unlock()
        }
    }

    /// No more items will come (producer done), or none are wanted (consumer gave up).
    package func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
