import Testing
@testable import Autograd

/// The autograd tutorial of pytorch.org ("A Gentle Introduction to torch.autograd" and
/// "Autograd mechanics"), cell by cell, with torch's numbers and grad_fn names.
@Suite("PyTorch autograd tutorial")
struct TutorialTests {
    @Test("x + 2 records AddBackward0, and mean(3 (x + 2)^2) gives x.grad 4.5 everywhere")
    func meanOfSquares() throws {
        let c = context()
        let x = try Tensor.ones([2, 2], dtype: .float32, context: c)
        try x.requireGradAtCreation()
        let y = try x.add(2)
        #expect(y.gradFnName == "AddBackward0")
        let z = try y.mul(y).mul(3)
        #expect(z.gradFnName == "MulBackward0")
        let out = try z.mean()
        #expect(out.gradFnName == "MeanBackward0")
        expectClose(z, [27, 27, 27, 27])
        expectClose(out, [27])
        try out.backward()
        expectClose(x.grad, [4.5, 4.5, 4.5, 4.5])
        #expect(y.grad == nil)
        #expect(x.isLeaf && !y.isLeaf)
    }

    @Test("y = a^3 - b^2 is SubBackward0; gradients 75 and -12")
    func cubeMinusSquare() throws {
        let c = context()
        let a = try c.tensor([5], requiresGrad: true), b = try c.tensor([6], requiresGrad: true)
        let y = try a.pow(3).sub(try b.pow(2))
        #expect(y.gradFnName == "SubBackward0")
        #expect(a.grad == nil && b.grad == nil)
        try y.backward()
        expectClose(a.grad, [75])
        expectClose(b.grad, [-12])
    }

    @Test("output = x @ w + b; loss = 1 - output is RsubBackward1; w.grad = -x^T")
    func linearRsub() throws {
        let c = context()
        let b = try c.tensor([6], requiresGrad: true)
        let w = try c.tensor([1.2565, -1.1536, 0.4455, 0.0591, -0.0674, 1.1324, -1.3814, 0.6829, 0.1139, -0.9607], [10, 1], requiresGrad: true)
        let xs: [Double] = [-0.9297, 2.8417, -1.0044, 0.3722, -0.4546, 0.1745, 0.5309, -1.0483, 0.5504, -0.481]
        let x = try c.tensor(xs, [1, 10], requiresGrad: true)
        let output = try x.matmul(w).add(b)
        #expect(output.gradFnName == "AddBackward0")
        #expect(output.gradFn?.edges[0]?.node.name == "MmBackward0")
        let loss = try output.rsub(1)
        #expect(loss.gradFnName == "RsubBackward1")
        try loss.backward()
        expectClose(w.grad, xs.map { -$0 })
        expectClose(b.grad, [-1])
        expectClose(x.grad, [-1.2565, 1.1536, -0.4455, -0.0591, 0.0674, -1.1324, 1.3814, -0.6829, -0.1139, 0.9607])
    }

    @Test("doubling while y.data.norm() < 1000 (8 passes after y = 2x), then y.backward(v) gives 512 v")
    func doublingLoopVJP() throws {
        let c = context()
        let x = try c.tensor([-1.1532, 0.1908, 1.7989], requiresGrad: true)
        var y = try x.mul(2)
        var passes = 0
        while try y.data.norm().item().doubleValue < 1000 {
            y = try y.mul(2)
            passes += 1
        }
        #expect(passes == 8)
        #expect(y.gradFnName == "MulBackward0")
        expectClose(y, [-590.4384, 97.6896, 921.0368])
        try y.backward(try c.tensor([0.1, 1.0, 0.0001]))
        expectClose(x.grad, [51.2, 512.0, 0.0512])
    }

    @Test("a non-scalar output needs a gradient: torch's implicit-creation error")
    func implicitScalarError() throws {
        let c = context()
        let x = try c.tensor([1, 2, 3], requiresGrad: true)
        let y = try x.mul(x)
        expectTorchError("grad can be implicitly created only for scalar outputs") { try y.backward() }
    }

    @Test("under no_grad results neither require grad nor have a grad_fn")
    func noGrad() throws {
        let c = context()
        let x = try c.tensor([1, 2, 3], requiresGrad: true)
        #expect(try x.pow(2).requiresGrad)
        let y = try c.withGradMode(false) { try x.pow(2) }
        #expect(!y.requiresGrad && y.gradFn == nil && y.isLeaf)
        let z = try c.withGradMode(false) { try c.withGradMode(true) { try x.mul(2) } }
        #expect(z.gradFnName == "MulBackward0")
    }

    @Test("detach shares storage, needs no grad, and compares equal: x.eq(y).all() is True")
    func detach() throws {
        let c = context()
        let x = try c.tensor([-0.7681, 2.7217, 0.7993], requiresGrad: true)
        let y = x.detach()
        #expect(!y.requiresGrad && y.isLeaf)
        let e = try Kernels.compare(.eq, x, y).all()
        #expect(e.dtype == .bool && e.shape == [])
        #expect(try e.item() == .bool(true))
    }

    @Test("requires_grad_ flips a leaf's flag; a = a*3 / (a-1) then requires_grad_ gives SumBackward0")
    func requiresGradInPlace() throws {
        let c = context()
        var a = try c.tensor([0.5, -1.2, 2.0, 0.3], [2, 2])
        a = try a.mul(3).div(try a.sub(1))
        #expect(!a.requiresGrad)
        try a.requiresGrad_(true)
        #expect(a.requiresGrad && a.isLeaf)
        let b = try a.mul(a).sum()
        #expect(b.gradFnName == "SumBackward0")
    }

    @Test("gradients accumulate into .grad over backward calls until zeroed")
    func accumulation() throws {
        let c = context()
        let x = try c.tensor([1, 2, 3], requiresGrad: true)
        let s = try x.mul(x).sum()
        try s.backward(retainGraph: true)
        try s.backward()
        expectClose(x.grad, [4, 8, 12])
        expectTorchError("Trying to backward through the graph a second time") { try s.backward() }
        x.zeroGrad()
        try x.mul(5).sum().backward()
        expectClose(x.grad, [5, 5, 5])
    }

    @Test("gradient descent under no_grad: w -= lr * w.grad keeps w a leaf")
    func gradientDescent() throws {
        let c = context()
        let w = try c.tensor([0], requiresGrad: true)
        var loss: Tensor?
        for _ in 0..<5 {
            let l = try w.sub(3).pow(2).sum()
            try l.backward()
            try c.withGradMode(false) { try w.sub_(try w.grad!.mul(0.1)) }
            w.zeroGrad()
            loss = l
        }
        #expect(w.isLeaf && w.requiresGrad)
        expectClose(w, [3 * (1 - 0.32768)])
        expectClose(loss, [9 * 0.8 * 0.8 * 0.8 * 0.8 * 0.8 * 0.8 * 0.8 * 0.8])
    }
}
