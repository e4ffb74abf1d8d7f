/// The non-tensor values a backward rule reads, recorded by the forward op.
///
/// One struct serves every rule, as each rule uses a few of the fields and documents which;
/// unused fields cost nothing to carry (empty arrays do not allocate).
struct Attributes {
    /// Dimensions: reduced dims, a permutation, the dim of cat/split/softmax/select.
    var dims: [Int] = []
    /// `keepdim` of a reduction.
    var keepDim = false
    /// A reduction called without `dim` (torch's `dim=None`), whose formulas broadcast the
    /// 0-d gradient instead of restoring reduced dimensions.
    var noDim = false
    /// The op's Python number: `other` of `x * 2`, an exponent, a base, `p` of a norm.
    var scalar: Scalar = .int(0)
    /// `alpha` of add/sub, or a second number (clamp's max, softplus's threshold).
    var scalar2: Scalar = .int(1)
    /// Shapes of the forward inputs where the rule must sum or reshape back to them.
    var shapes: [[Int]] = []
    /// Integers: split sizes, an index, a reduction mode, a class to ignore.
    var integers: [Int] = []
    /// Where the saved outputs start in `Node.saved`.
    var resultSlot = 0
    /// A payload too rich for the fields above (an indexing plan).
    var payload: AnyObject?
}
