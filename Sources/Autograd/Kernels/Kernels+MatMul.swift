#if canImport(Glibc)
import Glibc
#endif
import CAutogradKernels
import Dispatch

/// How one operand of a (batched) matrix product is laid out: strides in elements.
struct MatrixLayout {
    let batchStride: Int
    let rowStride: Int
    let columnStride: Int

    /// `t` read as `[batch, rows, columns]`: a 3-d tensor as it is, a matrix with batch
    /// stride 0, a vector as one row (`asColumn` false) or one column.
    init(_ t: Tensor, asColumn: Bool = false) {
        switch t.rank {
        case 3: (batchStride, rowStride, columnStride) = (t.strides[0], t.strides[1], t.strides[2])
        case 2: (batchStride, rowStride, columnStride) = (0, t.strides[0], t.strides[1])
        default: (batchStride, rowStride, columnStride) = asColumn ? (0, t.strides[0], 1) : (0, 0, t.strides[0])
        }
    }
}

extension Kernels {
    /// `a @ b` for `[batch, m, k] @ [batch, k, n]` (2-d operands use batch 1, a vector `a` is
    /// one row and a vector `b` one column), read through the operands' strides (transposed
    /// views need no copy). The result is contiguous. Large products split their rows across
    /// the cores; the wall-time limit is checked between row blocks.
    static func matmul(_ a: Tensor, _ b: Tensor, batch: Int, m: Int, k: Int, n: Int,
                       outShape: [Int]) throws(TensorError) -> Tensor {
        let out = try Tensor.uninitialized(outShape, a.dtype, a.context)
        if out.count == 0 { return out }
        let la = MatrixLayout(a), lb = MatrixLayout(b, asColumn: true)
        let work = batch * m * n * max(k, 1)
        // Row blocks: enough for every core to have work, none smaller than 16 rows.
        let blocksPerMatrix = work < 1 << 18 ? 1 : max(1, min(parallelism * 2, m / 16))
        let jobs = batch * blocksPerMatrix
        let (pa, pb, pc) = (UInt(bitPattern: a.address), UInt(bitPattern: b.address), UInt(bitPattern: out.address))
        let dtype = a.dtype
        let job: @Sendable (Int) -> Void = { index in
            let bi = index / blocksPerMatrix, block = index % blocksPerMatrix
            let lo = m * block / blocksPerMatrix, hi = m * (block + 1) / blocksPerMatrix
            if hi == lo { return }
            let aOffset = bi * la.batchStride + lo * la.rowStride, bOffset = bi * lb.batchStride
            let cOffset = (bi * m + lo) * n
            switch dtype {
            case .float32:
                let x = UnsafePointer<Float>(bitPattern: pa)!, y = UnsafePointer<Float>(bitPattern: pb)!
                let z = UnsafeMutablePointer<Float>(bitPattern: pc)!
                ag_sgemm(hi - lo, n, k, x + aOffset, la.rowStride, la.columnStride, y + bOffset, lb.rowStride, lb.columnStride, z + cOffset, n)
            case .float64:
                let x = UnsafePointer<Double>(bitPattern: pa)!, y = UnsafePointer<Double>(bitPattern: pb)!
                let z = UnsafeMutablePointer<Double>(bitPattern: pc)!
                ag_dgemm(hi - lo, n, k, x + aOffset, la.rowStride, la.columnStride, y + bOffset, lb.rowStride, lb.columnStride, z + cOffset, n)
            default:
                let x = UnsafePointer<Int64>(bitPattern: pa)!, y = UnsafePointer<Int64>(bitPattern: pb)!
                let z = UnsafeMutablePointer<Int64>(bitPattern: pc)!
                for i in lo..<hi {
                    for j in 0..<n {
                        var s: Int64 = 0
                        for p in 0..<k {
                            s &+= x[aOffset + (i - lo) * la.rowStride + p * la.columnStride] &* y[bOffset + p * lb.rowStride + j * lb.columnStride]
                        }
                        z[cOffset + (i - lo) * n + j] = s
                    }
                }
            }
        }
        if dtype == .bool {
            // torch's empty product needs no kernel: all false
            guard k > 0 else { out.address.initializeMemory(as: UInt8.self, repeating: 0, count: out.count); return out }
            throw fail("\"addmm_impl_cpu_\" not implemented for 'Bool'")
        }
        if jobs == 1 {
            job(0)
        } else {
            // Batches of jobs, so that a long product still notices the time limit.
            let batchSize = max(parallelism, 1) * 4
            var start = 0
            while start < jobs {
                let count = min(batchSize, jobs - start), base = start
                DispatchQueue.concurrentPerform(iterations: count) { job(base + $0) }
                start += count
                try a.context.checkDeadline()
            }
        }
        return out
    }

    /// How many threads a kernel may split its work across.
    static let parallelism = max(1, System.activeProcessorCount)

    /// The instruction set the matrix kernels use on this CPU.
    static var gemmInstructionSet: String { String(cString: ag_gemm_isa()) }
}

/// The processor count, without Foundation.
enum System {
    static var activeProcessorCount: Int {
        #if canImport(Glibc)
        Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
        1
        #endif
    }
}
