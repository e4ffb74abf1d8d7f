/// The backward walk: torch's autograd engine, single-threaded.
///
/// A walk discovers the graph reachable from its root with an explicit stack (never recursion,
/// so deep graphs cannot overflow the stack), counts each node's dependencies, decides which
/// nodes must run (all of them, or only those on a path to the requested inputs), then runs nodes
/// as they become ready, later nodes first, summing gradients that meet at a node.
struct BackwardWalk {
    /// What the walk does with gradients that reach their targets.
    enum Mode {
        /// `backward()`: accumulate into every leaf's `.grad`.
        case accumulateAll
        /// `backward(inputs=)`: accumulate only into these tensors' `.grad`.
        case accumulateInto([Tensor])
        /// `autograd.grad`: capture the gradients of these tensors; touch no `.grad`.
        case capture([Tensor])
    }

    let context: Context
    let retainGraph: Bool
    let createGraph: Bool
    let mode: Mode

    /// Runs the walk from `root` seeded with `seed` (already validated).
    /// Answers the captured gradients in `capture` mode, else an empty array.
    func run(root: Edge, seed: Tensor) throws(TensorError) -> [Tensor?] {
        let walkID = context.takeSequenceNumber() + 1
        // nil for a target no gradient can reach (a view made under no_grad): torch's Identity
        var targets: [Edge?] = []
        switch mode {
        case .accumulateAll: break
        case .accumulateInto(let tensors), .capture(let tensors):
            for t in tensors {
                if case .accumulateInto = mode, !t.isLeaf { t.retainsGrad = true; t.registerRetainGrad() }
                guard t.requiresGrad else {
                    throw .evaluation("One of the differentiated Tensors does not require grad")
                }
                targets.append(try t.gradientEdge)
            }
        }
        let nodes = discover(root: root, targets: targets, walkID: walkID)
        defer {
            // Gradients left in nodes that did not run (walk IDs are unique: no reset needed).
            for node in nodes { node._withUnsafeGuaranteedRef { if !$0.buffer.isEmpty { $0.buffer.removeAll() } } }
        }
        let rootEdge = UnretainedEdge(root)
        try add(try validated(seed, for: rootEdge, index: 0, producer: nil), to: rootEdge)
        var captured = [Tensor?](repeating: nil, count: targets.count)
        var ready = ReadyQueue()
        if root.node.dependencies == 0 { ready.push(Unmanaged.passUnretained(root.node)) }
        let captureMode: Bool
        if case .capture = mode { captureMode = true } else { captureMode = false }
        while let next = ready.pop() {
            try context.checkDeadline()
            try Self.withUnretained(next) { (node) throws(TensorError) in
                if captureMode {
                    for (k, target) in targets.enumerated() where target?.node === node {
                        captured[k] = node.buffer.isEmpty ? nil : node.buffer[target!.inputNr]
                    }
                }
                guard node.isNeeded else { return }
                try fireRetainGradHooks(node)
                try execute(node)
                for i in 0..<node.edges.count {
                    guard let next = node.nextNode(i) else { continue }
                    let becameReady = next._withUnsafeGuaranteedRef { next in
                        next.dependencies -= 1
                        return next.dependencies == 0
                    }
                    if becameReady { ready.push(next) }
                }
            }
        }
        return captured
    }

    /// Discovers every node reachable from the root, counting dependencies and marking the
    /// nodes that must run. Iterative post-order DFS.
    private func discover(root: Edge, targets: [Edge?], walkID: Int) -> [Unmanaged<Node>] {
        var nodes: [Unmanaged<Node>] = []
        nodes.reserveCapacity(16)
        if case .accumulateAll = mode {
            // Every node runs: count dependencies breadth-first, `nodes` itself the work list.
            root.node.enterWalk(walkID)
            nodes.append(Unmanaged.passUnretained(root.node))
            var next = 0
            while next < nodes.count {
                let node = nodes[next]
                next += 1
                node._withUnsafeGuaranteedRef { node in
                    node.isNeeded = true
                    for i in 0..<node.edges.count {
                        guard let child = node.nextNode(i) else { continue }
                        let isNew = child._withUnsafeGuaranteedRef { child in
                            let isNew = child.walkID != walkID
                            if isNew { child.enterWalk(walkID) }
                            child.dependencies += 1
                            return isNew
                        }
                        if isNew { nodes.append(child) }
                    }
                }
            }
            return nodes
        }
        // Only nodes on a path to a target run: a post-order decides. The stack holds positions
        // in `nodes` and the next edge.
        var stack: [(index: Int, next: Int)] = []
        stack.reserveCapacity(16)
        func enter(_ node: Node) {
            node.enterWalk(walkID)
            stack.append((nodes.count, 0))
            nodes.append(Unmanaged.passUnretained(node))
        }
        enter(root.node)
        while let top = stack.last {
            let node = nodes[top.index].takeUnretainedValue()
            if top.next < node.edges.count {
                stack[stack.count - 1].next += 1
                guard let child = node.edges[top.next]?.node else { continue }
                if child.walkID != walkID { enter(child) }
                child.dependencies += 1
                continue
            }
            stack.removeLast()
            // Post-order: every child is settled.
            let isTarget = targets.contains { $0?.node === node }
            let leadsToTarget = node.edges.contains { edge in
                guard let child = edge?.node else { return false }
                return child.isNeeded || targets.contains { $0?.node === child }
            }
            if case .accumulateInto = mode, isTarget { node.isNeeded = true }
            if leadsToTarget { node.isNeeded = true }
        }
        return nodes
    }

    /// Runs `body` with the node `node` refers to, without retaining it: every node a walk
    /// reaches is kept alive by its root's graph (edges change only as a node dies) for as long
    /// as the walk runs.
    @inline(__always)
    private static func withUnretained(_ node: Unmanaged<Node>, _ body: (Node) throws(TensorError) -> Void) throws(TensorError) {
        let error: TensorError? = node._withUnsafeGuaranteedRef { node in
            do throws(TensorError) {
                try body(node)
                return nil
            } catch {
                return error
            }
        }
        if let error { throw error }
    }

    /// torch's `validate_outputs`: `grad` summed to the shape and cast to the dtype the slot of
    /// `edge` expects. `producer` is the node whose output `index` it is (nil for the seed).
    private func validated(_ grad: consuming Tensor, for edge: UnretainedEdge, index: Int,
                           producer: Node?) throws(TensorError) -> Tensor {
        let (sameShape, dtype) = edge.withNode { node in
            node.outputs.reading(edge.inputNr) { expected in (expected.shape == grad.shape, expected.dtype) }
        }
        var grad = grad
        if !sameShape {
            let shape = edge.withNode { $0.outputs[edge.inputNr].shape }
            guard let reduced = try? grad.sumTo(shape) else {
                let message = "invalid gradient at index \(index) - got \(Shape.format(grad.shape)) but expected shape compatible with \(Shape.format(shape))"
                throw .evaluation(producer.map { "Function \($0.name) returned an \(message)" } ?? message)
            }
            grad = reduced
        }
        if grad.dtype != dtype { grad = try grad.cast(to: dtype) }
        return grad
    }

    /// Adds a validated gradient into the input buffer slot of `edge`: torch's
    /// `InputBuffer::add`. A buffered gradient only the buffer holds, dense and alone on its
    /// storage (torch's `can_accumulate_inplace`), takes the new one in place, unless
    /// create_graph must record the sum.
    private func add(_ grad: consuming Tensor, to edge: UnretainedEdge) throws(TensorError) {
        var moving: Tensor? = consume grad   // moved into the buffer, not copied
        try Self.withUnretained(edge.node) { (node) throws(TensorError) in
            let nr = edge.inputNr
            if node.buffer.isEmpty {
                if node.outputCount == 1 {
                    node.buffer = SmallArray(moving.take())
                    return
                }
                node.buffer = SmallArray(repeating: nil, count: node.outputCount)
            }
            let grad = moving.take()!
            guard var existing = node.buffer[nr] else {
                node.buffer[nr] = grad
                return
            }
            node.buffer[nr] = nil
            if !createGraph && isKnownUniquelyReferenced(&existing) && existing.isDenseSoleOwner() {
                try existing.addInPlaceUnchecked(grad)
            } else {
                existing = try existing.add(grad)
            }
            node.buffer[nr] = existing
        }
    }

    /// Runs one node as torch's `evaluate_function` does: its rule computes the gradient of
    /// every input, each is validated against its edge, the node's own incoming gradients and
    /// (without retain_graph) its saved tensors are dropped, and only then are the results
    /// added to the next nodes' buffers, so that a buffered gradient nothing else holds any
    /// more takes them in place exactly where torch's would.
    private func execute(_ node: Node) throws(TensorError) {
        var grads = SmallArray<Tensor?>()
        swap(&grads, &node.buffer)
        if !grads.containsSome() {
            if !retainGraph { node.release() }
            return
        }
        try node.checkSavedVersions()
        context.runsBackwardFormulas = true
        let gradMode = context.isGradEnabled
        context.isGradEnabled = createGraph
        defer {
            context.runsBackwardFormulas = false
            context.isGradEnabled = gradMode
        }
        guard node.variable == nil else {
            // AccumulateGrad: moved out of the buffer so that a gradient nothing else holds can
            // be stolen.
            var grad = grads[0]!
            grads.removeAll()
            try accumulate(&grad, into: node.variable!)
            if !retainGraph { node.release() }
            return
        }
        if let formulas = node.derivative.formulas, let k = Self.onlyEdge(of: node) {
            // One input needs a gradient (most nodes): the same steps without an array.
            let edge = node.edges.unretained(at: k)!
            var grad: Tensor
            do {
                let incoming = grads.removeLast()!   // a formula node has one output
                grad = try Self.engineError { try formulas[k](node, incoming) }
            }   // the incoming gradient dies here
            grad = try validated(consume grad, for: edge, index: k, producer: node)
            if !retainGraph { node.release() }
            try add(consume grad, to: edge)
            return
        }
        var outputs = try Self.gradients(of: node, from: consume grads)   // the incoming gradients die there
        for i in 0..<min(node.edges.count, outputs.count) {
            guard let edge = node.edges.unretained(at: i), let grad = outputs[i] else { continue }
            outputs[i] = try validated(grad, for: edge, index: i, producer: node)
        }
        if !retainGraph { node.release() }
        for i in 0..<min(node.edges.count, outputs.count) {
            guard let edge = node.edges.unretained(at: i), let grad = outputs[i] else { continue }
            outputs[i] = nil   // the buffer is to hold the only reference
            try add(grad, to: edge)
        }
    }

    /// The position of a node's only edge, when it has exactly one (unary ops, ops with a
    /// number, binary ops with one input needing a gradient).
    private static func onlyEdge(of node: Node) -> Int? {
        var only: Int?
        for i in 0..<node.edges.count where !node.edges.isNil(at: i) {
            if only != nil { return nil }
            only = i
        }
        return only
    }

    /// The gradients a node's rule computes for its inputs from `grads`, the gradients of its
    /// outputs (consumed: they are released when this returns); nil where an input has no edge
    /// or the rule gives none.
    private static func gradients(of node: Node, from grads: consuming SmallArray<Tensor?>) throws(TensorError) -> SmallArray<Tensor?> {
        var outputs = SmallArray<Tensor?>()
        if let formulas = node.derivative.formulas {
            let grad = grads[0]!
            for i in 0..<node.edges.count {
                outputs.append(node.edges[i] == nil ? nil : try engineError { try formulas[i](node, grad) })
            }
        } else if let formula = node.derivative.joint {
            let all = Array(grads)
            let results = try engineError { try formula(node, all) }
            for result in results { outputs.append(result) }
        }
        return outputs
    }

    /// Runs a formula, whose errors are the engine's own.
    private static func engineError<T>(_ body: () throws -> T) throws(TensorError) -> T {
        do {
            return try body()
        } catch let error as TensorError {
            throw error
        } catch {
            throw .evaluation("\(error)")
        }
    }

    /// torch's `AccumulateGrad`: the first gradient is stolen when nothing else holds it and it
    /// is laid out as the leaf is (torch's gradient layout contract), else copied into the
    /// leaf's layout (`clone_obey_contract`); later ones are added in place, or out of place
    /// under `create_graph`.
    private func accumulate(_ grad: inout Tensor, into leaf: Tensor) throws(TensorError) {
        if let existing = leaf.grad {
            if createGraph {
                leaf.grad = try existing.add(grad)
            } else {
                try existing.addInPlaceUnchecked(grad)
            }
        } else if !createGraph && isKnownUniquelyReferenced(&grad) && Self.obeysLayoutContract(grad, of: leaf) {
            // torch stores `new_grad.detach()`: the same elements and version counter
            leaf.grad = grad.viewBase == nil && !grad.requiresGrad ? grad : grad.detach()
        } else {
            leaf.grad = try Self.cloneObeyingContract(grad, of: leaf)
        }
    }

    /// torch's `obeys_layout_contract`: a gradient may become a dense leaf's `.grad` as it is
    /// when its strides are the leaf's (size-1 dimensions aside, unless broadcast), any other
    /// leaf's when it is contiguous.
    private static func obeysLayoutContract(_ grad: Tensor, of leaf: Tensor) -> Bool {
        guard leaf.isNonOverlappingAndDense else { return grad.isContiguous }
        for d in 0..<grad.rank {
            if grad.shape[d] != 1 ? grad.strides[d] != leaf.strides[d] : grad.strides[d] == 0 { return false }
        }
        return true
    }

    /// torch's `clone_obey_contract`: a new tensor with a dense leaf's sizes and strides, the
    /// gradient copied in (`copy_`: recorded as CopyBackwards under create_graph, version 1),
    /// or a row-major clone for any other leaf.
    private static func cloneObeyingContract(_ grad: Tensor, of leaf: Tensor) throws(TensorError) -> Tensor {
        guard leaf.isNonOverlappingAndDense else { return try grad.clone(contiguous: true) }
        let out = try Tensor.uninitialized(leaf.shape, leaf.dtype, leaf.context, strides: leaf.strides, rowMajor: false)
        try out.copy_(grad)
        return out
    }

    /// retain_grad: a non-leaf output of `node` keeps the gradient arriving for it.
    private func fireRetainGradHooks(_ node: Node) throws(TensorError) {
        guard !node.retainedOutputs.isEmpty, !node.buffer.isEmpty else { return }
        for entry in node.retainedOutputs {
            guard let tensor = entry.tensor.tensor, tensor.retainsGrad, tensor.recordedHistory === node,
                  let grad = node.buffer[entry.nr] else { continue }
            try context.withGradMode(createGraph) { () throws(TensorError) in
                if let existing = tensor.grad {
                    tensor.grad = try existing.add(grad)
                } else {
                    tensor.grad = try grad.clone(contiguous: true)   // torch's hook: a row-major clone
                }
            }
        }
    }
}

/// The nodes ready to run, later sequence numbers first (`AccumulateGrad` first of all),
/// unretained (see `BackwardWalk.withUnretained`).
private struct ReadyQueue {
    /// Inline for the two ready nodes most walks never exceed.
    private var heap = SmallArray<Unmanaged<Node>>()

    mutating func push(_ node: Unmanaged<Node>) {
        heap.append(node)
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if Self.sequenceNumber(heap[parent]) >= Self.sequenceNumber(heap[i]) { break }
            heap.swapAt(parent, i)
            i = parent
        }
    }

    mutating func pop() -> Unmanaged<Node>? {
        if heap.count <= 1 { return heap.isEmpty ? nil : heap.removeLast() }
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count && Self.sequenceNumber(heap[l]) > Self.sequenceNumber(heap[m]) { m = l }
                if r < heap.count && Self.sequenceNumber(heap[r]) > Self.sequenceNumber(heap[m]) { m = r }
                if m == i { break }
                heap.swapAt(i, m)
                i = m
            }
        }
        return top
    }

    private static func sequenceNumber(_ node: Unmanaged<Node>) -> Int {
        node._withUnsafeGuaranteedRef { $0.sequenceNumber }
    }
}

extension Node {
    /// Resets the walk bookkeeping as a walk first reaches this node.
    fileprivate func enterWalk(_ id: Int) {
        walkID = id
        dependencies = 0
        isNeeded = false
        if !buffer.isEmpty { buffer.removeAll() }
    }
}
