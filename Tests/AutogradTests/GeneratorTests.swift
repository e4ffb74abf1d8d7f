import Foundation
import Testing
@testable import Autograd

/// The seeded generator behind randn and rand: reproducible, and distributed as it should be.
/// Bounds are at least 5 standard errors wide for the sample size, so a correct generator
/// fails them about once in millions of seeds; a wrong table or tail fails them at once.
@Suite("Random generator")
struct GeneratorTests {
    static let count = 1_000_000

    @Test("the same seed gives the same numbers")
    func reproducible() {
        var a = Generator(seed: 42), b = Generator(seed: 42), c = Generator(seed: 43)
        let first = (0..<100).map { _ in a.nextNormal() }
        #expect(first == (0..<100).map { _ in b.nextNormal() })
        #expect(first != (0..<100).map { _ in c.nextNormal() })
    }

    @Test("normals: mean, variance, quantiles and both tails of N(0, 1)", arguments: [1, 2, 3] as [UInt64])
    func normal(seed: UInt64) {
        var g = Generator(seed: seed)
        var sum = 0.0, squares = 0.0
        var below = [Int](repeating: 0, count: 5)
        let cuts = [-1.5, -0.5, 0.0, 0.5, 1.5]
        var beyond3 = 0, above35 = 0, below35 = 0, above4 = 0
        for _ in 0..<Self.count {
            let x = g.nextNormal()
            sum += x
            squares += x * x
            for (k, cut) in cuts.enumerated() where x < cut { below[k] += 1 }
            if abs(x) > 3 { beyond3 += 1 }
            if x > 3.5 { above35 += 1 }
            if x < -3.5 { below35 += 1 }
            if x > 4 { above4 += 1 }
        }
        let n = Double(Self.count)
        let mean = sum / n, variance = squares / n - mean * mean
        #expect(abs(mean) < 0.005, "mean \(mean)")
        #expect(abs(variance - 1) < 0.01, "variance \(variance)")
        for (k, cut) in cuts.enumerated() {
            let expected = Self.cdf(cut), observed = Double(below[k]) / n
            #expect(abs(observed - expected) < 0.0025, "P(x < \(cut)) = \(observed), expected \(expected)")
        }
        // beyond the base layer's edge (3.44) samples come from the tail method
        #expect(abs(Double(beyond3) / n - 2 * Self.cdf(-3)) < 0.0003, "P(|x| > 3) = \(Double(beyond3) / n)")
        for (name, observed) in [("x > 3.5", above35), ("x < -3.5", below35)] {
            #expect(abs(Double(observed) / n - Self.cdf(-3.5)) < 0.00008, "P(\(name)) = \(Double(observed) / n)")
        }
        #expect(abs(Double(above4) / n - Self.cdf(-4)) < 0.00003, "P(x > 4) = \(Double(above4) / n)")
    }

    @Test("uniforms: in [0, 1) with the right mean and deciles")
    func uniform() {
        var g = Generator(seed: 5)
        var sum = 0.0
        var deciles = [Int](repeating: 0, count: 10), outside = 0
        for _ in 0..<Self.count {
            let u = g.nextUniform()
            guard u >= 0 && u < 1 else { outside += 1; continue }
            sum += u
            deciles[Int(u * 10)] += 1
        }
        #expect(outside == 0)
        #expect(abs(sum / Double(Self.count) - 0.5) < 0.002)
        for d in deciles { #expect(abs(Double(d) / Double(Self.count) - 0.1) < 0.0015) }
    }

    /// The standard normal CDF.
    static func cdf(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }
}
