/// The non-tensor values a backward rule reads, recorded by the forward op.
///
/// One struct serves every rule, as each rule uses a few of the fields and documents which.
/// The numbers and flags most ops record are stored inline; the arrays and payload fewer ops
/// need live in a box made on first write, which keeps the nodes of pointwise ops small.
struct Attributes {
    /// `keepdim` of a reduction.
    var keepDim = false
    /// A reduction called without `dim` (torch's `dim=None`), whose formulas broadcast the
    /// 0-d gradient instead of restoring reduced dimensions.
    var noDim = false
    /// The op's Python number: `other` of `x * 2`, an exponent, a base, `p` of a norm.
    var scalar: Scalar = .int(0)
    /// `alpha` of add/sub, or a second number (clamp's max, softplus's threshold).
    var scalar2: Scalar = .int(1)
    /// Where the saved outputs start in `Node.saved`.
    var resultSlot = 0
    private var extras: Extras?

    /// Dimensions: reduced dims, a permutation, the dim of cat/split/softmax/select.
    var dims: [Int] {
        get { extras?.dims ?? [] }
        set { box().dims = newValue }
    }
    /// Shapes of the forward inputs where the rule must sum or reshape back to them.
    var shapes: [[Int]] {
        get { extras?.shapes ?? [] }
        set { box().shapes = newValue }
    }
    /// Integers: split sizes, an index, a reduction mode, a class to ignore.
    var integers: [Int] {
        get { extras?.integers ?? [] }
        set { box().integers = newValue }
    }
    /// A payload too rich for the fields above (an indexing plan, a view's placement).
    var payload: AnyObject? {
        get { extras?.payload }
        set { if newValue != nil || extras != nil { box().payload = newValue } }
    }

    /// The box, made on first write and copied on write when shared (value semantics).
    private mutating func box() -> Extras {
        if extras == nil {
            extras = Extras()
        } else if !isKnownUniquelyReferenced(&extras) {
            extras = extras!.copy()
        }
        return extras!
    }

    private final class Extras {
        var dims: [Int] = []
        var shapes: [[Int]] = []
        var integers: [Int] = []
        var payload: AnyObject?

        func copy() -> Extras {
            let copy = Extras()
            (copy.dims, copy.shapes, copy.integers, copy.payload) = (dims, shapes, integers, payload)
            return copy
        }
    }
}
