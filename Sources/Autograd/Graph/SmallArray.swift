/// An array that keeps its first two elements inline and only allocates for a third.
///
/// Graph nodes hold a few edges, outputs, saved tensors and gradient slots each; almost every
/// op has one or two, so keeping them inline saves several allocations per recorded op.
struct SmallArray<Element>: RandomAccessCollection, MutableCollection, ExpressibleByArrayLiteral {
    private var first: Element?
    private var second: Element?
    private var rest: [Element] = []
    private(set) var count = 0

    init() {}

    init(arrayLiteral elements: Element...) {
        for e in elements { append(e) }
    }

    init<S: Sequence>(_ elements: S) where S.Element == Element {
        for e in elements { append(e) }
    }

    /// One element, without the array a literal would allocate.
    init(_ a: Element) {
        first = a
        count = 1
    }

    /// Two elements, without the array a literal would allocate.
    init(_ a: Element, _ b: Element) {
        first = a
        second = b
        count = 2
    }

    /// `count` copies of `value`.
    init(repeating value: Element, count: Int) {
        for _ in 0..<count { append(value) }
    }

    var startIndex: Int { 0 }
    var endIndex: Int { count }

    subscript(i: Int) -> Element {
        get {
            precondition(i >= 0 && i < count, "index out of range")
            switch i {
            case 0: return first!
            case 1: return second!
            default: return rest[i - 2]
            }
        }
        set {
            precondition(i >= 0 && i < count, "index out of range")
            switch i {
            case 0: first = newValue
            case 1: second = newValue
            default: setOverflow(i - 2, newValue)
            }
        }
    }

    /// A write past the inline elements, out of line: inlined, it let the optimizer hoist the
    /// overflow array's uniqueness check (and a copy of the shared empty array) out of every
    /// loop that writes elements, though almost no loop gets that far.
    @inline(never)
    private mutating func setOverflow(_ i: Int, _ newValue: Element) {
        rest[i] = newValue
    }

    mutating func append(_ element: Element) {
        switch count {
        case 0: first = element
        case 1: second = element
        default: appendOverflow(element)
        }
        count += 1
    }

    @inline(never)   // see setOverflow
    private mutating func appendOverflow(_ element: Element) { rest.append(element) }

    /// Removes and answers the last element (there is one).
    mutating func removeLast() -> Element {
        precondition(count > 0, "removeLast from an empty SmallArray")
        count -= 1
        switch count {
        case 0: return first.take()!   // moved out: no retain, no release
        case 1: return second.take()!
        default: return removeLastOverflow()
        }
    }

    @inline(never)   // see setOverflow
    private mutating func removeLastOverflow() -> Element { rest.removeLast() }

    /// Calls `body` with in-place access to each element (so that `isKnownUniquelyReferenced`
    /// sees the array's own reference).
    mutating func updateEach(_ body: (inout Element) -> Void) {
        if count > 0 { body(&first!) }
        if count > 1 { body(&second!) }
        if count > 2 { updateOverflow(body) }
    }

    @inline(never)   // see setOverflow
    private mutating func updateOverflow(_ body: (inout Element) -> Void) {
        for i in rest.indices { body(&rest[i]) }
    }

    mutating func removeAll() {
        first = nil
        second = nil
        rest = []
        count = 0
    }
}

extension SmallArray {
    /// True when some element is not nil, read without copying any (no reference counting).
    func containsSome<Wrapped>() -> Bool where Element == Wrapped? {
        if case .some(.some) = first { return true }
        if case .some(.some) = second { return true }
        return rest.contains { $0 != nil }
    }

    /// True when element `i` is nil, read without copying it.
    func isNil<Wrapped>(at i: Int) -> Bool where Element == Wrapped? {
        switch i {
        case 0: if case .some(.some) = first { return false }
        case 1: if case .some(.some) = second { return false }
        default: return rest[i - 2] == nil
        }
        return true
    }
}

extension SmallArray {
    /// `body` applied to element `i` (there is one), borrowed: the optimizer reads it in place
    /// where the subscript's copy would retain it.
    @inline(__always)
    func reading<R>(_ i: Int, _ body: (borrowing Element) -> R) -> R {
        switch i {
        case 0: if case .some(let element) = first { return body(element) }
        case 1: if case .some(let element) = second { return body(element) }
        default: return body(rest[i - 2])
        }
        preconditionFailure("index out of range")
    }
}

extension SmallArray where Element == Edge? {
    /// Edge `i`, or nil, read in place and not retained: the caller keeps the graph alive.
    @inline(__always)
    func unretained(at i: Int) -> UnretainedEdge? {
        switch i {
        case 0: if case .some(.some(let edge)) = first { return UnretainedEdge(edge) }
        case 1: if case .some(.some(let edge)) = second { return UnretainedEdge(edge) }
        default: return rest[i - 2].map(UnretainedEdge.init)
        }
        return nil
    }
}
