import Testing
@testable import Autograd

/// Gradients that meet at a node are summed in place when the walk alone holds the buffered one
/// (torch's InputBuffer::accumulate); every tensor anyone else can see keeps its values.
@Suite("Gradient accumulation")
struct AccumulationTests {
    @Test("x + x sends one gradient object along both edges: the sum is 2v and the seed v is untouched")
    func sameGradientTwice() throws {
        let c = context()
        let x = try c.tensor([1, 2, 3], requiresGrad: true)
        let v = try c.tensor([1, 10, 100])
        try x.add(x).backward(v)
        expectClose(x.grad, [2, 20, 200])
        #expect(v.doubles() == [1, 10, 100])
    }

    @Test("a seed that reaches a leaf by two paths is summed into a new tensor, never into the seed")
    func seedAlongTwoPaths() throws {
        let c = context()
        let x = try c.tensor([1, 2, 3], requiresGrad: true)
        let v = try c.tensor([1, 1, 1])
        try x.add(x.mul(2)).backward(v)   // AddBackward0 hands v itself to x's buffer first
        expectClose(x.grad, [3, 3, 3])
        #expect(v.doubles() == [1, 1, 1])
    }

    @Test("fresh gradients meeting at a leaf are summed in place: y * y gives 2y")
    func freshGradientsInPlace() throws {
        let c = context()
        let x = try c.tensor([1, 2, 3], requiresGrad: true)
        let y = try x.add(1)
        try y.mul(y).sum().backward()
        expectClose(x.grad, [4, 6, 8])
    }

    @Test("a captured gradient of a non-leaf used three times is the whole sum, and stays so")
    func capturedNonLeaf() throws {
        let c = context()
        let x = try c.tensor([1, 2, 3], requiresGrad: true)
        let h = try x.mul(2)
        let out = try h.mul(h).add(h).sum()   // d out / d h = 2h + 1
        let grads = try out.gradients(with: [h, x])
        expectClose(grads[0], [5, 9, 13])
        expectClose(grads[1], [10, 18, 26])
        #expect(x.grad == nil)
    }

    @Test("a retained gradient is a copy: later sums into the same buffer do not reach it")
    func retainedGradIsACopy() throws {
        let c = context()
        let x = try c.tensor([1, 2, 3], requiresGrad: true)
        let h = try x.mul(2)
        try h.retainGrad()
        try h.mul(h).add(h).sum().backward()
        expectClose(h.grad, [5, 9, 13])
        expectClose(x.grad, [10, 18, 26])
    }

    @Test("under create_graph the sum is recorded (AddBackward0), and double backward agrees")
    func createGraphRecordsTheSum() throws {
        let c = context(.float64)
        let x = try c.tensor([1, 2, 3], requiresGrad: true)
        let y = try x.mul(x).mul(x)   // x^3 through two products: gradients meet at x
        let g = try y.sum().gradients(with: [x], createGraph: true)[0]!
        expectClose(g, [3, 12, 27])
        #expect(g.gradFnName == "AddBackward0")
        try g.sum().backward()
        expectClose(x.grad, [6, 12, 18])
    }

    @Test("accumulating into .grad over two backward calls updates the tensor a caller holds")
    func gradAccumulatesInPlace() throws {
        let c = context()
        let x = try c.tensor([1, 2, 3], requiresGrad: true)
        try x.mul(2).sum().backward()
        let first = try #require(x.grad)
        try x.mul(3).sum().backward()
        #expect(x.grad === first)   // torch adds into the same .grad
        expectClose(first, [5, 5, 5])
    }

    /// torch sums in place only into a buffered gradient nothing else holds once the running node
    /// has dropped its own incoming gradients, so `.grad`'s version counter shows where it did
    /// (torch 2.15's `x.grad._version` for each program; it surfaces in version-check errors).
    @Test("x.grad's version counter matches torch's in-place sums", arguments: [
        ("(x + x * 3) * 5", 1), ("x * x", 1), ("x + x", 0), ("x * 2 + x * 3", 1), ("y * y + y with y = 2x", 0),
    ])
    func versionsMatchTorch(_ form: String, _ expected: Int) throws {
        let c = context()
        let x = try c.tensor([1, 2, 3], requiresGrad: true)
        let out: Tensor
        switch form {
        case "(x + x * 3) * 5": out = try x.add(x.mul(3)).mul(5)
        case "x * x": out = try x.mul(x)
        case "x + x": out = try x.add(x)
        case "x * 2 + x * 3": out = try x.mul(2).add(x.mul(3))
        default: let y = try x.mul(2); out = try y.mul(y).add(y)
        }
        try out.sum().backward()
        #expect(x.grad?.version == expected)
    }
}
