import Testing
@testable import Autograd

@Suite("Graph lifetime")
struct GraphLifetimeTests {
    @Test("a chain of 100,000 recorded ops runs backward and is freed without recursion")
    func deepChain() throws {
        let c = context()
        let x = try c.tensor([1, 2, 3], requiresGrad: true)
        var y = x
        for _ in 0..<100_000 { y = try y.mul(y.detach().mul(0).add(1)) }
        try y.sum().backward()
        expectClose(x.grad, [1, 1, 1])
        y = x  // drops the whole graph at once
        #expect(c.bytesHeld == bytes(x) + bytes(x.grad))   // nothing of the graph is left
    }

    @Test("a chain of 100,000 ops that save views of their inputs is freed without recursion")
    func deepChainThroughSavedViews() throws {
        let c = context()
        let x = try c.tensor([1, 1, 1], requiresGrad: true)
        var y = x
        for _ in 0..<100_000 { y = try y.t().mul(y.t()) }   // saves two views of y: histories held twice
        try y.sum().backward(retainGraph: true)
        #expect(x.grad?.doubles() == [.infinity, .infinity, .infinity])   // d(x^(2^n))/dx at 1 is 2^n
        y = x
        #expect(c.bytesHeld == bytes(x) + bytes(x.grad))
    }

    /// Each node saves a tensor that the next in-place op then gives a new history: every node
    /// is low when recorded, but the chain through the saved tensors is 100,000 deep.
    @Test("a chain through saved tensors rewritten in place is freed without recursion")
    func deepChainThroughRewrittenSavedTensors() throws {
        let c = context()
        let x = try c.tensor([1, 2, 3], requiresGrad: true)
        var head: Tensor? = try x.clone()
        var p = head!
        for _ in 0..<100_000 {
            let s = try x.clone()
            try p.mul_(s)
            p = s
        }
        p = x
        head = nil   // drops the whole chain at once
        #expect(c.bytesHeld == bytes(x))
    }

    private func bytes(_ t: Tensor?) -> Int { t.map { $0.count * $0.dtype.byteWidth } ?? 0 }

    @Test("storage is released: bytes held return to zero when the tensors die")
    func bytesReleased() throws {
        let c = context()
        do {
            let x = try Tensor.ones([1000], dtype: .float32, context: c)
            _ = try x.mul(2).sum()
            #expect(c.bytesHeld >= 4000)
        }
        #expect(c.bytesHeld == 0)
    }
}
