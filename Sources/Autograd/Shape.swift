/// Shape arithmetic shared by every op: element counts, strides, broadcasting, dimension
/// wrapping. Messages copy torch's.
enum Shape {
    /// The number of elements of `shape`, or `limitExceeded` when the product overflows.
    /// The product of `sizes`: 0 when one is 0, else saturating at Int.max instead of trapping
    /// (an empty tensor's other sizes may multiply past it).
    static func product<C: Collection<Int>>(_ sizes: C) -> Int {
        if sizes.contains(0) { return 0 }
        var product = 1
        for size in sizes {
            let (next, overflow) = product.multipliedReportingOverflow(by: size)
            if overflow { return .max }
            product = next
        }
        return product
    }

    static func count(_ shape: [Int]) throws(TensorError) -> Int {
        var count = 1
        for size in shape {
            guard size >= 0 else {
                throw fail("Trying to create tensor with negative dimension \(size): \(format(shape))")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            if overflow { throw .limitExceeded("a tensor of shape \(format(shape)) has too many elements") }
            count = product
        }
        return count
    }

    /// Row-major strides of a contiguous tensor.
    static func contiguousStrides(_ shape: [Int]) -> [Int] {
        if shape.count < 2 { return shape.isEmpty ? [] : unitStride }   // shared: no allocation
        var strides = filled(1, count: shape.count)
        var step = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[d] = step
            step *= max(shape[d], 1)
        }
        return strides
    }

    private static let unitStride = [1]

    /// `Array(repeating: value, count: count)`, made as an array literal is for the few
    /// elements shapes have: on this toolchain `Array(repeating:count:)` looks the array type's
    /// generic metadata up at every call, half of the allocation's cost; a literal's allocation
    /// does not (docs/benchmarks.md). Not inlined, so that a constant `value` never turns the
    /// literal into a shared static array that the caller's first write would copy.
    @inline(never)
    static func filled<T>(_ value: T, count: Int) -> [T] {
        switch count {
        case 0: return []
        case 1: return [value]
        case 2: return [value, value]
        case 3: return [value, value, value]
        case 4: return [value, value, value, value]
        case 5: return [value, value, value, value, value]
        case 6: return [value, value, value, value, value, value]
        default: return [T](repeating: value, count: count)
        }
    }

    /// torch's `infer_size`: the shape two operands broadcast to.
    static func broadcast(_ a: [Int], _ b: [Int]) throws(TensorError) -> [Int] {
        if a == b { return a }
        let rank = max(a.count, b.count)
        var out = filled(1, count: rank)
        for i in stride(from: rank - 1, through: 0, by: -1) {   // torch reports the last mismatch
            let da = i - (rank - a.count), db = i - (rank - b.count)
            let sa = da >= 0 ? a[da] : 1, sb = db >= 0 ? b[db] : 1
            if sa == sb || sb == 1 {
                out[i] = sa
            } else if sa == 1 {
                out[i] = sb
            } else {
                throw fail("The size of tensor a (\(sa)) must match the size of tensor b (\(sb)) at non-singleton dimension \(i)")
            }
        }
        return out
    }

    /// The strides that read a tensor of `shape`/`strides` as if expanded to `target`
    /// (0 along broadcast dimensions). The caller has checked that the shapes broadcast.
    static func expandedStrides(_ shape: [Int], _ strides: [Int], to target: [Int]) -> [Int] {
        var out = filled(0, count: target.count)
        let lead = target.count - shape.count
        for d in 0..<shape.count where shape[d] != 1 || target[lead + d] == 1 {
            out[lead + d] = shape[d] == 1 ? 0 : strides[d]
        }
        return out
    }

    /// Wraps a possibly negative dimension into `0..<rank` (a 0-d tensor accepts -1 and 0).
    static func wrap(_ dim: Int, rank: Int) throws(TensorError) -> Int {
        let r = max(rank, 1)
        guard dim >= -r && dim < r else {
            throw .evaluation("Dimension out of range (expected to be in range of [\(-r), \(r - 1)], but got \(dim))")
        }
        return dim < 0 ? dim + r : dim
    }

    /// Wraps a list of dimensions, rejecting repeats as torch does.
    static func wrap(_ dims: [Int], rank: Int) throws(TensorError) -> [Int] {
        var seen = filled(false, count: max(rank, 1))
        var out: [Int] = []
        out.reserveCapacity(dims.count)
        for dim in dims {
            let d = try wrap(dim, rank: rank)
            if seen[d] { throw fail("dim \(d) appears multiple times in the list of dims") }
            seen[d] = true
            out.append(d)
        }
        return out
    }

    /// torch prints shapes as `[2, 3]`.
    static func format(_ shape: [Int]) -> String {
        "[" + shape.map(String.init).joined(separator: ", ") + "]"
    }

    /// torch prints sizes in `torch.Size([2, 3])` form in some messages.
    static func torchSize(_ shape: [Int]) -> String {
        "torch.Size(" + format(shape) + ")"
    }
}
