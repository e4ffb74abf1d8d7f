import Testing
@testable import Autograd

/// The blocked matrix kernels against a plain triple loop in double precision, over sizes that
/// exercise the packed path's ragged edges, transposed operands and the threaded row split.
@Suite("Matrix products")
struct MatMulTests {
    func naive(_ a: [Double], _ b: [Double], _ m: Int, _ k: Int, _ n: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for p in 0..<k { for j in 0..<n { c[i * n + j] += a[i * k + p] * b[p * n + j] } } }
        return c
    }

    @Test("mm matches a triple loop", arguments: [(1, 1, 1), (5, 7, 3), (13, 33, 65), (130, 257, 70), (300, 40, 513)])
    func matchesNaive(_ size: (Int, Int, Int)) throws {
        let (m, k, n) = size
        for dtype in [DType.float32, .float64] {
            let c = context(dtype, seed: 3)
            let a = try Tensor.randn([m, k], dtype: dtype, context: c), b = try Tensor.randn([k, n], dtype: dtype, context: c)
            let expected = naive(a.doubles(), b.doubles(), m, k, n)
            let tolerance = dtype == .float32 ? 1e-4 * Double(k) : 1e-10 * Double(k)
            let product = try a.mm(b).doubles()
            #expect(zip(product, expected).allSatisfy { abs($0 - $1) <= tolerance }, "\(dtype) \(size)")
            // The same product from transposed storage: a = (aᵀ)ᵀ, b = (bᵀ)ᵀ.
            let at = try a.t().contiguous().t(), bt = try b.t().contiguous().t()
            #expect(!at.isContiguous || m == 1 || k == 1)
            let transposed = try at.mm(bt).doubles()
            #expect(zip(transposed, expected).allSatisfy { abs($0 - $1) <= tolerance }, "\(dtype) \(size) transposed")
        }
    }

    @Test("batched products with a broadcast batch match per-matrix products")
    func batched() throws {
        let c = context(.float64, seed: 5)
        let a = try Tensor.randn([4, 1, 30, 20], dtype: .float64, context: c)
        let b = try Tensor.randn([3, 20, 25], dtype: .float64, context: c)
        let product = try a.matmul(b)
        #expect(product.shape == [4, 3, 30, 25])
        for i in 0..<4 {
            for j in 0..<3 {
                let expected = try a.select(dim: 0, index: i).select(dim: 0, index: 0).mm(try b.select(dim: 0, index: j))
                let got = try product.select(dim: 0, index: i).select(dim: 0, index: j)
                #expect(zip(got.doubles(), expected.doubles()).allSatisfy { abs($0 - $1) < 1e-9 })
            }
        }
    }
}
