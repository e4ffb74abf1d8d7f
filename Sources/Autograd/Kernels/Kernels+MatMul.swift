#if canImport(Glibc)
import Glibc
#endif
import Dispatch

extension Kernels {
    /// `a @ b` for 3-d operands `[batch, m, k] @ [batch, k, n]` (2-d operands use batch 1).
    /// Operands are made contiguous first; the result is contiguous.
    static func matmul(_ a: Tensor, _ b: Tensor, batch: Int, m: Int, k: Int, n: Int,
                       outShape: [Int]) throws(TensorError) -> Tensor {
        let out = try Tensor.uninitialized(outShape, a.dtype, a.context)
        let x = try a.contiguousData(), y = try b.contiguousData()
        if out.count == 0 { return out }
        switch a.dtype {
        case .float32: gemm(x.pointer(Float.self), y.pointer(Float.self), out.pointer(Float.self), batch, m, k, n, a.context)
        case .float64: gemm(x.pointer(Double.self), y.pointer(Double.self), out.pointer(Double.self), batch, m, k, n, a.context)
        case .int64: gemm(x.pointer(Int64.self), y.pointer(Int64.self), out.pointer(Int64.self), batch, m, k, n, a.context)
        case .bool: throw fail("\"addmm_impl_cpu_\" not implemented for 'Bool'")
        }
        try a.context.checkDeadline()
        return out
    }

    /// Row-panel GEMM: each output row accumulates `a[i, p] * b[p, :]`, an inner loop the
    /// compiler vectorises. Large products split their rows across the cores.
    private static func gemm<T: GemmElement>(_ a: UnsafeMutablePointer<T>, _ b: UnsafeMutablePointer<T>,
                                             _ c: UnsafeMutablePointer<T>, _ batch: Int, _ m: Int, _ k: Int, _ n: Int,
                                             _ context: Context) {
        let rows = batch * m
        let work = rows * k * n
        let pa = SendablePointer(a), pb = SendablePointer(b), pc = SendablePointer(c)
        let rowBody = { @Sendable (r: Int) in
            let bi = r / m
            let arow = pa.pointer + r * k
            let bmat = pb.pointer + bi * k * n
            let crow = pc.pointer + r * n
            crow.update(repeating: .zero, count: n)
            for p in 0..<k {
                let s = arow[p]
                let brow = bmat + p * n
                for j in 0..<n { crow[j] = T.fma(s, brow[j], crow[j]) }
            }
        }
        if work < 1 << 20 || rows < 2 {
            for r in 0..<rows { rowBody(r) }
            return
        }
        let chunks = min(rows, Kernels.parallelism * 4)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let lo = rows * chunk / chunks, hi = rows * (chunk + 1) / chunks
            for r in lo..<hi { rowBody(r) }
        }
    }

    /// How many threads a kernel may split its work across.
    static let parallelism = max(1, System.activeProcessorCount)
}

/// Element types the GEMM kernel multiplies.
protocol GemmElement {
    static var zero: Self { get }
    static func fma(_ a: Self, _ b: Self, _ c: Self) -> Self
}

extension Float: GemmElement {
    @inline(__always) static func fma(_ a: Float, _ b: Float, _ c: Float) -> Float { c + a * b }
}

extension Double: GemmElement {
    @inline(__always) static func fma(_ a: Double, _ b: Double, _ c: Double) -> Double { c + a * b }
}

extension Int64: GemmElement {
    @inline(__always) static func fma(_ a: Int64, _ b: Int64, _ c: Int64) -> Int64 { c &+ a &* b }
}

/// A raw pointer handed to worker threads of one kernel (each writes disjoint elements).
struct SendablePointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
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
