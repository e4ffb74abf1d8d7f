import Glibc

/// The kinds of deadline a connection can wait under; each has one fixed duration.
enum TimerKind: Int, CaseIterable {
    case header, body, idle, write, linger
}

/// Deadlines of one kind, as an intrusive doubly-linked list in arming order.
///
/// Every deadline of a kind is `now + the same duration`, and `now` never goes back, so
/// appending keeps the list sorted: arming, disarming and finding the earliest deadline are all
/// O(1), with no heap and no per-connection Dispatch timer (which would need a cross-thread hop
/// to touch loop-owned state). The loop sleeps in epoll_wait until the earliest head.
struct TimerQueue {
    let duration: UInt64
    private(set) var first: Connection?
    private var last: Connection?

    init(duration: Duration) {
        self.duration = Monotonic.nanoseconds(duration)
    }

    mutating func append(_ connection: Connection, now: UInt64) {
        connection.deadline = now &+ duration
        connection.timerPrevious = last
        connection.timerNext = nil
        if let last { last.timerNext = connection } else { first = connection }
        last = connection
    }

    mutating func remove(_ connection: Connection) {
        if let previous = connection.timerPrevious { previous.timerNext = connection.timerNext } else { first = connection.timerNext }
        if let next = connection.timerNext { next.timerPrevious = connection.timerPrevious } else { last = connection.timerPrevious }
        connection.timerPrevious = nil
        connection.timerNext = nil
    }
}

/// A growable byte buffer holding received but not yet parsed bytes: `[start, end)` is unread.
struct InputBuffer {
    private var storage: UnsafeMutableRawBufferPointer
    private(set) var start = 0
    private(set) var end = 0

    init(capacity: Int) {
        storage = .allocate(byteCount: capacity, alignment: 16)
    }

    func deallocate() { storage.deallocate() }

    var count: Int { end - start }
    var isEmpty: Bool { start == end }
    var unread: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[start..<end]) }

    mutating func consume(_ count: Int) {
        start += count
        if start == end { start = 0; end = 0 }
    }

    /// Room to read into, at least `minimum` bytes: compacts first, grows (doubling) if needed.
    mutating func spare(minimum: Int) -> UnsafeMutableRawBufferPointer {
        if storage.count - end < minimum, start > 0 {
            memmove(storage.baseAddress!, storage.baseAddress! + start, end - start)
            end -= start
            start = 0
        }
        if storage.count - end < minimum {
            var capacity = storage.count * 2
            while capacity - end < minimum { capacity *= 2 }
            let grown = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
            grown.copyMemory(from: UnsafeRawBufferPointer(rebasing: storage[..<end]))
            storage.deallocate()
            storage = grown
        }
        return UnsafeMutableRawBufferPointer(rebasing: storage[end...])
    }

    mutating func commit(_ count: Int) { end += count }
}
