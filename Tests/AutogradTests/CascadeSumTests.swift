import Testing
@testable import Autograd

/// Floating sums add in torch's order (Kernels+Sum.swift), so they round as torch's do: every
/// expected value below is torch 2.15's answer on this machine kind, bit for bit, and a plain
/// running sum misses many of them (by up to a few units in the last place, which tolerances
/// would let through).
@Suite("Sums in torch's order")
struct CascadeSumTests {
    /// Values over ten orders of magnitude, spelled so that Python computes the same doubles.
    static func values(_ n: Int) -> [Double] {
        (0..<n).map { i in
            Double((i * 7919 + 13) % 2003 - 1001) / [1.0, 10, 100, 1000, 10000][i % 5] * [1.0, 1000, 1_000_000][i % 3]
        }
    }

    static func tensor(_ shape: [Int], _ dtype: DType = .float32) throws -> Tensor {
        try Tensor.make(values(shape.reduce(1, *)), shape: shape, dtype: dtype, context: context(dtype))
    }

    /// torch's answers: `torch.tensor(values(n), dtype=...).reshape(shape)`, then the op named.
    static let torch: [String: [Double]] = [
        "contiguous1000": [1036782208.0],
        "rows0": [464.0, 303200.0, 15940000.0, 2.1589999198913574, 72.10000610351562, 1285999872.0, -15.20001220703125, 4130.0, -1025000.0, 0.15429997444152832, -1898000.0, 67000000.0, -27.71000099182129, -203.0, -164100.0, -1076.0, -251400.0, -19490000.0, -1.384000301361084, 118.39998626708984, -254000384.0, 231.39999389648438, 8760.0, 3444000.0, 0.2006000131368637, 2571000.0, 113300000.0, 16.979999542236328, 260.0, 82500.0, -613.0, -4800.0, -14860000.0, -0.9210000038146973, -35.5999755859375, -1794000128.0, -122.90001678466797, -26670.0, -2102000.0, -0.15369999408721924, -972000.0, -40700000.0, 1.580000877380371, 723.0, 329100.0],
        "rows1keep": [-548378176.0, 857368128.0, 462413280.0, -112611304.0, -709646720.0, 696097600.0, 319169504.0, -275883040.0, -870915712.0, 735126528.0, 139871744.0, -434952512.0, -1032186240.0, 575858880.0, 634045.5, -596401408.0, 809543168.0, 412585248.0, -162439456.0, -757472128.0, 648272128.0, 253317488.0, -321506784.0, -918740672.0, 687301696.0, 112076640.0, -482956000.0, 922988608.0, 526030720.0, -48993764.0, -644046336.0, -1241282304.0, 366763072.0, -208461824.0, -805294976.0, 800747264.0, 205492304.0],
        "transposedAll": [-640511104.0],
        "transposedDim0": [-548378176.0, 857368128.0, 462413280.0, -112611304.0, -709646720.0, 696097600.0, 319169504.0, -275883040.0, -870915712.0, 735126528.0, 139871744.0, -434952512.0, -1032186240.0, 575858880.0, 634045.5, -596401408.0, 809543168.0, 412585248.0, -162439456.0, -757472128.0, 648272128.0, 253317488.0, -321506784.0, -918740672.0, 687301696.0, 112076640.0, -482956000.0, 922988608.0, 526030720.0, -48993764.0, -644046336.0, -1241282304.0, 366763072.0, -208461824.0, -805294976.0, 800747264.0, 205492304.0],
        "double3d": [1058886111.0000999, -931140609.3012, -1677985083.7828999, -193348528.27639997, -362270989.0919, -98671966.42790002, 320604253.44949996, 1245100480.9141002, 943629186.2183001, 1017143721.6857, -808354909.9732001, -316438717.5985, 178751497.9968, 101888346.66629998, 679661212.0883999, 1591984138.7751, -652358034.0762, -1151679785.9829001, 110209021.79830003, -84144964.04190001, 454450052.3471, 601207755.9745001, -229571391.58589995, -753810664.1067, -707548180.5643001, -455326582.1982, -235936958.13350004, 707077802.7667999, 407468926.94130003, 957989135.5323999, -1860687735.7529, -371552228.5512, -827657458.5834999, 13186582.043300003, 194183364.0081, 987347780.1221, 841753257.4935001, 298756936.2141, -450253114.03199995, -433225852.9149, 95998745.57679999, 44666544.391499996, 1234801224.5668, 712849207.2163, -766702766.7176, -1307379838.5779, -92769453.0262, -299331153.8135, 318564839.28830004, 472309389.0581],
        "expanded": [-39520.0, 3688000.0, 331600000.0, 29.440000534057617, 2571.999755859375],
        "middle": [-531925120.0, -20241680.0, 3059125.0, 633239.125, 96274.734375, 933539328.0, -73995232.0, -2316230.5, 97704.5, 42520.98046875, 398004768.0, 72551008.0, -7691605.5, -439831.03125, -11032.47265625, -139532768.0, 18997556.0, 6963020.0, 1025631.4375, -64786.02734375, -677068224.0, -34756000.0, 1607674.0, 488093.875, 81760.2265625, 788394240.0, -88509744.0, -3767701.75, -47440.6875, 28206.767578125, 250856672.0, 58036496.0, 10886943.0, -584976.1875, -25546.986328125, -284675904.0, 4483054.0, 5511567.5, -1122513.75, -79300.5390625],
        "mean": [-33498326.0, 2970616.75, 47517248.0, -44221308.0, 7507812.5, 17887052.0, -21277452.0, 21751520.0, -1418385.375, -8922209.0, 19003012.0, -45489956.0, -15291720.0, 36004824.0, 10560892.0, -4536961.5, 1063342.5]
    ]

    static func expectExact(_ result: Tensor, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = torch[name]!
        let actual = result.doubles()
        #expect(actual.count == expected.count, sourceLocation: sourceLocation)
        let wrong = zip(actual, expected).enumerated().filter { result.dtype == .float32 ? Float($1.0) != Float($1.1) : $1.0 != $1.1 }
        #expect(wrong.isEmpty, "\(name): \(wrong.count) of \(expected.count) differ from torch, first \(wrong.first.map { "\($0.element.0) for \($0.element.1)" } ?? "")",
                sourceLocation: sourceLocation)
    }

    @Test("a contiguous float32 sum: vectors of 8 lanes, four rows of them in levels")
    func contiguous() throws { Self.expectExact(try Self.tensor([1000]).sum(), "contiguous1000") }

    @Test("over the outer dimension (columns in vectors) and the inner one (rows), keepdim")
    func rowsAndColumns() throws {
        let x = try Self.tensor([37, 45])
        Self.expectExact(try x.sum(dims: [0]), "rows0")
        Self.expectExact(try x.sum(dims: [1], keepDim: true), "rows1keep")
    }

    @Test("a transposed tensor is summed in memory order, as torch's iterator reorders it")
    func transposed() throws {
        let x = try Self.tensor([37, 45]).t()
        Self.expectExact(try x.sum(), "transposedAll")
        Self.expectExact(try x.sum(dims: [0]), "transposedDim0")
    }

    @Test("float64 over two of three dimensions: 2-d slices accumulated into the output")
    func double3d() throws { Self.expectExact(try Self.tensor([3, 50, 7], .float64).sum(dims: [0, 2]), "double3d") }

    @Test("an expanded input (stride 0) and a middle dimension")
    func expandedAndMiddle() throws {
        Self.expectExact(try Self.tensor([5]).expand([40, 5]).sum(dims: [0]), "expanded")
        Self.expectExact(try Self.tensor([8, 9, 5]).sum(dims: [1]), "middle")
    }

    @Test("mean divides torch's sum")
    func mean() throws { Self.expectExact(try Self.tensor([33, 17]).mean(dims: [0]), "mean") }

    @Test("a sum of -0.0 is +0.0 (torch adds into a zeroed output); an empty sum is 0")
    func zeros() throws {
        let c = context()
        #expect(try c.tensor([-0.0]).sum().doubles()[0].sign == .plus)
        #expect(try c.tensor([-0.0, -0.0]).sum(dims: [0]).doubles()[0].sign == .plus)
        #expect(try Tensor.zeros([0, 3], dtype: .float32, context: c).sum(dims: [0]).doubles() == [0, 0, 0])
    }
}
