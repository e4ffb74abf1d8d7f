import RealModule

/// The seeded random generator behind `randn` and `rand`: xoshiro256** seeded through
/// SplitMix64. The same seed gives the same numbers on every run and machine; matching torch's
/// Mersenne Twister bit for bit is not a goal.
public struct Generator: Sendable {
    private var s0, s1, s2, s3: UInt64
    /// The second normal of the last Box-Muller pair, handed out by the next call.
    private var spareNormal: Double?

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

    /// A standard normal double (Marsaglia's polar method: one logarithm per pair and no
    /// trigonometry; pairs are used in turn).
    public mutating func nextNormal() -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        var u = 0.0, v = 0.0, s = 0.0
        repeat {
            u = nextUniform() * 2 - 1
            v = nextUniform() * 2 - 1
            s = u * u + v * v
        } while s >= 1 || s == 0
        let scale = (-2 * Double.log(s) / s).squareRoot()
        spareNormal = v * scale
        return u * scale
    }
}
