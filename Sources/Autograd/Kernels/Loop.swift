/// Elementwise iteration over strided tensors: the one place that walks shapes.
///
/// Every pointwise kernel, copy and in-place write goes through `Loop.map`. Operands are read as
/// if expanded to the output's shape (broadcast dimensions get stride 0). When every operand is
/// contiguous with the output's shape the loop is a single flat pass the compiler vectorises;
/// otherwise dimensions are coalesced and the innermost one runs as a tight strided loop.
enum Loop {
    /// `out[i] = f(a[i])`.
    @inline(__always)
    static func map<A, R>(_ out: Tensor, _ a: Tensor, _ f: (A) -> R) {
        if out.count == 0 { return }
        let po = out.pointer(R.self), pa = a.pointer(A.self)
        if out.isContiguous && a.isContiguous && a.shape == out.shape {
            for i in 0..<out.count { po[i] = f(pa[i]) }
            return
        }
        if a.count == 1 && out.isContiguous {
            let v = f(pa[0])
            for i in 0..<out.count { po[i] = v }
            return
        }
        forEachRow(out, a) { row in
            let o = po + row.offsets.0, x = pa + row.offsets.1
            let (so, sa, _, _) = row.steps
            for i in 0..<row.count { o[i * so] = f(x[i * sa]) }
        }
    }

    /// `out[i] = f(a[i], b[i])`.
    @inline(__always)
    static func map<A, B, R>(_ out: Tensor, _ a: Tensor, _ b: Tensor, _ f: (A, B) -> R) {
        if out.count == 0 { return }
        let po = out.pointer(R.self), pa = a.pointer(A.self), pb = b.pointer(B.self)
        if out.isContiguous {
            let sameA = a.isContiguous && a.shape == out.shape, sameB = b.isContiguous && b.shape == out.shape
            if sameA && sameB {
                for i in 0..<out.count { po[i] = f(pa[i], pb[i]) }
                return
            }
            if sameA && b.count == 1 {
                let y = pb[0]
                for i in 0..<out.count { po[i] = f(pa[i], y) }
                return
            }
            if sameB && a.count == 1 {
                let x = pa[0]
                for i in 0..<out.count { po[i] = f(x, pb[i]) }
                return
            }
        }
        forEachRow(out, a, b) { row in
            let o = po + row.offsets.0, x = pa + row.offsets.1, y = pb + row.offsets.2
            let (so, sa, sb, _) = row.steps
            for i in 0..<row.count { o[i * so] = f(x[i * sa], y[i * sb]) }
        }
    }

    /// `out[i] = f(a[i], b[i], c[i])`.
    @inline(__always)
    static func map<A, B, C, R>(_ out: Tensor, _ a: Tensor, _ b: Tensor, _ c: Tensor, _ f: (A, B, C) -> R) {
        if out.count == 0 { return }
        let po = out.pointer(R.self), pa = a.pointer(A.self), pb = b.pointer(B.self), pc = c.pointer(C.self)
        if out.isContiguous && a.isContiguous && b.isContiguous && c.isContiguous
            && a.shape == out.shape && b.shape == out.shape && c.shape == out.shape {
            for i in 0..<out.count { po[i] = f(pa[i], pb[i], pc[i]) }
            return
        }
        forEachRow(out, a, b, c) { row in
            let o = po + row.offsets.0, x = pa + row.offsets.1, y = pb + row.offsets.2, z = pc + row.offsets.3
            let (so, sa, sb, sc) = row.steps
            for i in 0..<row.count { o[i * so] = f(x[i * sa], y[i * sb], z[i * sc]) }
        }
    }
}

extension Loop {
    /// One row of an elementwise loop: where it starts in each operand (in elements, relative to
    /// each operand's first element), how many elements it has, and each operand's step along it.
    /// Operand 0 is the output; unused operands have offset and step 0.
    struct Row {
        var offsets: (Int, Int, Int, Int)
        let count: Int
        let steps: (Int, Int, Int, Int)
    }

    /// Calls `body` with each row of `out`'s elements, the operands read as if expanded to its
    /// shape (broadcast dimensions step 0). Dimensions are coalesced where every operand allows
    /// it, so that rows are as long as possible. The plan lives in stack memory: no allocation.
    @inline(__always)
    static func forEachRow(_ out: Tensor, _ a: Tensor? = nil, _ b: Tensor? = nil, _ c: Tensor? = nil,
                           _ body: (Row) -> Void) {
        let rank = out.rank
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 6 * max(rank, 1)) { buffer in
            let plan = buffer.baseAddress!
            let sizes = plan, strides = plan + rank, index = plan + 5 * rank
            // Coalesce: dimension d merges into the previous kept one when, for every operand,
            // stepping once along it equals stepping size[d] times along d.
            var kept = 0
            for d in 0..<rank where out.shape[d] != 1 {
                let size = out.shape[d]
                let s = (out.strides[d], broadcastStride(a, d, rank), broadcastStride(b, d, rank), broadcastStride(c, d, rank))
                if kept > 0 {
                    let last = kept - 1
                    if strides[last] == s.0 * size && strides[rank + last] == s.1 * size
                        && strides[2 * rank + last] == s.2 * size && strides[3 * rank + last] == s.3 * size {
                        sizes[last] *= size
                        strides[last] = s.0; strides[rank + last] = s.1
                        strides[2 * rank + last] = s.2; strides[3 * rank + last] = s.3
                        continue
                    }
                }
                sizes[kept] = size
                strides[kept] = s.0; strides[rank + kept] = s.1
                strides[2 * rank + kept] = s.2; strides[3 * rank + kept] = s.3
                kept += 1
            }
            if kept == 0 {
                // every dimension has size 1: a single element
                body(Row(offsets: (0, 0, 0, 0), count: 1, steps: (0, 0, 0, 0)))
                return
            }
            let inner = kept - 1
            var row = Row(offsets: (0, 0, 0, 0), count: sizes[inner],
                          steps: (strides[inner], strides[rank + inner], strides[2 * rank + inner], strides[3 * rank + inner]))
            var rows = 1
            for d in 0..<inner {
                rows *= sizes[d]
                index[d] = 0
            }
            for _ in 0..<rows {
                body(row)
                var d = inner - 1
                while d >= 0 {
                    index[d] += 1
                    row.offsets.0 += strides[d]; row.offsets.1 += strides[rank + d]
                    row.offsets.2 += strides[2 * rank + d]; row.offsets.3 += strides[3 * rank + d]
                    if index[d] < sizes[d] { break }
                    row.offsets.0 -= strides[d] * sizes[d]; row.offsets.1 -= strides[rank + d] * sizes[d]
                    row.offsets.2 -= strides[2 * rank + d] * sizes[d]; row.offsets.3 -= strides[3 * rank + d] * sizes[d]
                    index[d] = 0
                    d -= 1
                }
            }
        }
    }

    /// The stride of `t` along output dimension `d` when read expanded to an output of `rank`
    /// dimensions: 0 where `t` has no such dimension or has size 1 there.
    @inline(__always)
    private static func broadcastStride(_ t: Tensor?, _ d: Int, _ rank: Int) -> Int {
        guard let t else { return 0 }
        let own = d - (rank - t.rank)
        return own < 0 || t.shape[own] == 1 ? 0 : t.strides[own]
    }
}
