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
        let plan = RowPlan(out, a)
        plan.forEachRow { row in
            let o = po + row.0, x = pa + row.1
            let so = plan.innerStrides.0, sa = plan.innerStrides.1
            for i in 0..<plan.innerCount { o[i * so] = f(x[i * sa]) }
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
        let plan = RowPlan(out, a, b)
        plan.forEachRow { row in
            let o = po + row.0, x = pa + row.1, y = pb + row.2
            let (so, sa, sb, _) = plan.innerStrides
            for i in 0..<plan.innerCount { o[i * so] = f(x[i * sa], y[i * sb]) }
        }
    }

    /// `out[i] = f(a[i], b[i], c[i])`.
    @inline(__always)
    static func map<A, B, C, R>(_ out: Tensor, _ a: Tensor, _ b: Tensor, _ c: Tensor, _ f: (A, B, C) -> R) {
        if out.count == 0 { return }
        let po = out.pointer(R.self), pa = a.pointer(A.self), pb = b.pointer(B.self), pc = c.pointer(C.self)
        if out.isContiguous && [a, b, c].allSatisfy({ $0.isContiguous && $0.shape == out.shape }) {
            for i in 0..<out.count { po[i] = f(pa[i], pb[i], pc[i]) }
            return
        }
        let plan = RowPlan(out, a, b, c)
        plan.forEachRow { row in
            let o = po + row.0, x = pa + row.1, y = pb + row.2, z = pc + row.3
            let (so, sa, sb, sc) = plan.innerStrides
            for i in 0..<plan.innerCount { o[i * so] = f(x[i * sa], y[i * sb], z[i * sc]) }
        }
    }
}

/// The rows of an elementwise loop: the output's shape with dimensions coalesced where every
/// operand allows it, and each operand's strides (expanded to the output's shape).
struct RowPlan {
    private var sizes: [Int]
    private var strides: [[Int]]
    let innerCount: Int
    let innerStrides: (Int, Int, Int, Int)

    init(_ out: Tensor, _ operands: Tensor...) {
        let shape = out.shape
        var all = [out.strides]
        for t in operands {
            all.append(t.shape == shape ? t.strides : Shape.expandedStrides(t.shape, t.strides, to: shape))
        }
        // Coalesce: dimension d merges into d + 1 when, for every operand, stepping once along d
        // equals stepping size[d + 1] times along d + 1.
        var sizes: [Int] = []
        var strides = [[Int]](repeating: [], count: all.count)
        for d in 0..<shape.count where shape[d] != 1 {
            if !sizes.isEmpty, all.indices.allSatisfy({ strides[$0].last! == all[$0][d] * shape[d] }) {
                sizes[sizes.count - 1] *= shape[d]
                for k in all.indices { strides[k][strides[k].count - 1] = all[k][d] }
            } else {
                sizes.append(shape[d])
                for k in all.indices { strides[k].append(all[k][d]) }
            }
        }
        if sizes.isEmpty {
            sizes = [1]
            for k in all.indices { strides[k] = [0] }
        }
        while strides.count < 4 { strides.append([Int](repeating: 0, count: sizes.count)) }
        self.sizes = sizes
        self.strides = strides
        innerCount = sizes[sizes.count - 1]
        innerStrides = (strides[0].last!, strides[1].last!, strides[2].last!, strides[3].last!)
    }

    /// Calls `body` with each row's starting offsets, relative to each operand's first element.
    @inline(__always)
    func forEachRow(_ body: ((Int, Int, Int, Int)) -> Void) {
        let outer = sizes.count - 1
        if outer == 0 {
            body((0, 0, 0, 0))
            return
        }
        var index = [Int](repeating: 0, count: outer)
        var offsets = (0, 0, 0, 0)
        var rows = 1
        for d in 0..<outer { rows *= sizes[d] }
        for _ in 0..<rows {
            body(offsets)
            var d = outer - 1
            while d >= 0 {
                index[d] += 1
                offsets.0 += strides[0][d]; offsets.1 += strides[1][d]
                offsets.2 += strides[2][d]; offsets.3 += strides[3][d]
                if index[d] < sizes[d] { break }
                offsets.0 -= strides[0][d] * sizes[d]; offsets.1 -= strides[1][d] * sizes[d]
                offsets.2 -= strides[2][d] * sizes[d]; offsets.3 -= strides[3][d] * sizes[d]
                index[d] = 0
                d -= 1
            }
        }
    }
}
