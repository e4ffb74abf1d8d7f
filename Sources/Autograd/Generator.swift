import RealModule

/// The seeded random generator behind `randn` and `rand`: xoshiro256** seeded through
/// SplitMix64. The same seed gives the same numbers on every run and machine; matching torch's
/// Mersenne Twister bit for bit is not a goal.
public struct Generator: Sendable {
    private var s0, s1, s2, s3: UInt64

    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// A uniform double in [0, 1) with 53 random bits.
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A standard normal double: Marsaglia and Tsang's ziggurat, in Doornik's ZIGNOR form (128
    /// layers; "An Improved Ziggurat Method to Generate Normal Random Samples", 2005). One
    /// 64-bit draw gives the sign and position (its top 53 bits) and the layer (its low 7 bits);
    /// 99 % of samples need nothing more than a table lookup and a comparison.
    public mutating func nextNormal() -> Double {
        Ziggurat.shared.withTables { x, ratio in normal(x, ratio) }
    }

    /// Fills `count` elements at `p` with standard normals (the numbers `nextNormal()` would
    /// give, in order), each passed through `convert`.
    public mutating func fillNormals<T>(_ p: UnsafeMutablePointer<T>, count: Int, _ convert: (Double) -> T) {
        Ziggurat.shared.withTables { x, ratio in
            for i in 0..<count { p[i] = convert(normal(x, ratio)) }
        }
    }

    @inline(__always)
    private mutating func normal(_ x: UnsafePointer<Double>, _ ratio: UnsafePointer<Double>) -> Double {
        while true {
            let bits = next()
            let u = Double(bits >> 11) * 0x1.0p-52 - 1     // in [-1, 1)
            let i = Int(bits & 0x7F)
            if abs(u) < ratio[i] { return u * x[i] }
            if i == 0 { return tail(negative: u < 0) }
            // the wedge between layers i and i + 1: accept under the density
            let v = u * x[i]
            let f0 = Double.exp(-0.5 * (x[i] * x[i] - v * v))
            let f1 = Double.exp(-0.5 * (x[i + 1] * x[i + 1] - v * v))
            if f1 + nextUniform() * (f0 - f1) < 1 { return v }
        }
    }

    /// A sample beyond the base layer's edge `r` (Marsaglia's tail method).
    private mutating func tail(negative: Bool) -> Double {
        let r = Ziggurat.r
        var x = 0.0, y = 0.0
        repeat {
            x = Double.log(1 - nextUniform()) / r
            y = Double.log(1 - nextUniform())
        } while -2 * y < x * x
        return negative ? x - r : r - x
    }
}

/// ZIGNOR's tables: the layer edges `x` (129) and the ratio of each layer's edge to the next
/// one's, below which a point is inside the layer under the density for sure.
private struct Ziggurat: Sendable {
    static let layers = 128
    /// The base layer's edge and the area of each layer.
    static let r = 3.442619855899, v = 9.91256303526217e-3
    static let shared = Ziggurat()

    let x: [Double]
    let ratio: [Double]

    private init() {
        var x = [Double](repeating: 0, count: Self.layers + 1)
        var f = Double.exp(-0.5 * Self.r * Self.r)
        x[0] = Self.v / f
        x[1] = Self.r
        for i in 2..<Self.layers {
            x[i] = (-2 * Double.log(Self.v / x[i - 1] + f)).squareRoot()
            f = Double.exp(-0.5 * x[i] * x[i])
        }
        x[Self.layers] = 0
        self.x = x
        ratio = (0..<Self.layers).map { x[$0 + 1] / x[$0] }
    }

    /// Calls `body` with the edges (129) and ratios (128).
    @inline(__always)
    func withTables<R>(_ body: (UnsafePointer<Double>, UnsafePointer<Double>) -> R) -> R {
        x.withUnsafeBufferPointer { x in ratio.withUnsafeBufferPointer { ratio in body(x.baseAddress!, ratio.baseAddress!) } }
    }
}
