import Testing
@testable import Autograd

/// `Shape.filled` builds small arrays the way array literals are built (Shape.swift says why):
/// each call must still hand out an array of its own, whatever the count.
@Suite("Shape arithmetic")
struct ShapeTests {
    @Test("filled makes count copies of the value, every call a fresh array", arguments: 0...9)
    func filled(count: Int) {
        var first = Shape.filled(7, count: count)
        #expect(first == [Int](repeating: 7, count: count))
        for i in first.indices { first[i] = i }   // a write must not reach the next call's array
        #expect(Shape.filled(7, count: count) == [Int](repeating: 7, count: count))
        #expect(Shape.filled(true, count: count) == [Bool](repeating: true, count: count))
    }

    @Test("contiguous strides of every small rank")
    func contiguousStrides() {
        #expect(Shape.contiguousStrides([]) == [])
        #expect(Shape.contiguousStrides([5]) == [1])
        #expect(Shape.contiguousStrides([2, 3]) == [3, 1])
        #expect(Shape.contiguousStrides([2, 0, 4]) == [4, 4, 1])   // size 0 counts as 1, as torch's
        #expect(Shape.contiguousStrides([2, 3, 4, 5, 6, 7, 8]) == [20160, 6720, 1680, 336, 56, 8, 1])
    }
}
