import Dispatch
import Synchronization

/// A bounded pool that runs handler work off the I/O thread, on Dispatch's global queue.
///
/// At most `width` drain blocks run at once; each takes jobs from a shared FIFO until it is
/// empty, so under load one Dispatch submission serves a whole batch of requests and a slow
/// job never holds up the others behind a busy worker. The FIFO has no bound of its own: the
/// event loop admits at most `maxRequestsInFlight` jobs and answers 503 past that.
final class WorkerPool: Sendable {
    typealias Job = @Sendable () -> Void

    private struct State {
        var jobs = FIFO<Job>()
        var running = 0
    }

    private let width: Int
    private let state = Mutex(State())
    private let queue = DispatchQueue.global(qos: .userInitiated)
    private let onIdle: @Sendable () -> Void

    /// A pool of at most `width` concurrent jobs; `onIdle` runs whenever a drain block finds
    /// the queue empty (the event loop uses it to flush unsignalled reports).
    init(width: Int, onIdle: @escaping @Sendable () -> Void = {}) {
        self.width = max(1, width)
        self.onIdle = onIdle
    }

    /// Queues `job`; starts another drain block when fewer than `width` are running.
    func submit(_ job: @escaping Job) {
        let startsWorker = state.withLock { state in
            state.jobs.append(job)
            guard state.running < width else { return false }
            state.running += 1
            return true
        }
        if startsWorker {
            queue.async { self.drain() }
        }
    }

    private func drain() {
        while let job = state.withLock({ state in
            let job = state.jobs.popFirst()
            if job == nil { state.running -= 1 }
            return job
        }) {
            job()
        }
        onIdle()
    }
}

/// A first-in, first-out queue over an array with a moving head (amortised O(1) both ends).
struct FIFO<Element> {
    private var storage: [Element?] = []
    private var head = 0

    var isEmpty: Bool { head == storage.count }

    mutating func append(_ element: Element) {
        storage.append(element)
    }

    mutating func popFirst() -> Element? {
        guard head < storage.count else { return nil }
        let element = storage[head]
        storage[head] = nil
        head += 1
        if head == storage.count {
            storage.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024, head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return element
    }
}
