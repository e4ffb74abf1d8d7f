import Testing
@testable import Autograd

/// Floating sums add in torch's order (Kernels+Sum.swift), and variances follow torch's two
/// algorithms (Kernels+Variance.swift), so they round as torch's do: every
/// expected value below is torch 2.15's answer on this machine kind, bit for bit, and a plain
/// running sum misses many of them (by up to a few units in the last place, which tolerances
/// would let through).
@Suite("Sums and variances in torch's order")
struct ReductionOrderTests {
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

    /// torch's `var`/`std` of the same tensors.
    static let torchVariances: [String: [Double]] = [
        "varAll": [2.272490603885363e+16],
        "stdAllTransposed": [150702544.0],
        "varDim0": [371728.8125, 3562912768.0, 34666423779328.0, 0.3378251791000366, 3300.447509765625, 3.248989171393495e+17, 3189.65087890625, 31751248.0, 313425264640.0, 0.0031342527363449335, 313425264640.0, 3189651019923456.0, 31.896509170532227, 330044.75, 3378251776.0, 346664.25, 3562912768.0, 36882356371456.0, 0.3771784007549286, 3800.836669921875, 3.813558499284091e+17, 3717.2880859375, 36882356.0, 346664239104.0, 0.0034336501266807318, 330044768256.0, 3285921369686016.0, 31.896509170532227, 319359.09375, 3134252800.0, 315665.875, 3134252800.0, 31751248281600.0, 0.3189651072025299, 3285.92138671875, 3.3004476899629466e+17, 3433.650146484375, 34666424.0, 363677712384.0, 0.0037172881420701742, 380387426304.0, 3800836677304320.0, 38.03874206542969, 371728.8125, 3562912768.0],
        "stdDim1Keep": [156382064.0, 169525632.0, 153401376.0, 150169040.0, 160101904.0, 146642384.0, 132223680.0, 132681088.0, 147584352.0, 159374720.0, 150171504.0, 154162320.0, 170401536.0, 155488768.0, 149744528.0, 157274624.0, 150675024.0, 133890848.0, 131412736.0, 143791776.0, 162875792.0, 150932112.0, 152390736.0, 166504480.0, 158016288.0, 149808512.0, 154868864.0, 155074704.0, 136051872.0, 130692672.0, 140418032.0, 162501792.0, 152170160.0, 151082736.0, 162963280.0, 160955296.0, 150374000.0],
        "var3d": [2.697015330777463e+16, 4.228173114226755e+16, 7.161429026771393e+16, 5353256572546633.0, 4019974441344492.0, 8273229668202637.0, 5653813653842095.0, 4.649538170264129e+16, 4.455964817963612e+16, 4.7929231103072776e+16, 2.2373177707579076e+16, 9376204543547312.0, 2417579110582144.0, 2107981999225608.8, 2.6658478834157624e+16, 5.801425840383572e+16, 2.2521595167217764e+16, 3.664857121918628e+16, 894222148087106.4, 214709083389398.9, 1.5577354742856148e+16, 1.7052680732783262e+16, 5.801445408028559e+16, 3.338527560612294e+16, 3.0487301093090036e+16, 5253099454721601.0, 1617919196284210.5, 1.4785811266657364e+16, 9903201184846058.0, 4.784524083917408e+16, 9.091096391045568e+16, 9021696066402506.0, 1.2730358766719962e+16, 2776382789058657.5, 2666921500681082.0, 3.4737623212248932e+16, 3.4870498402502184e+16, 5.856670086189297e+16, 1.648614107411715e+16, 1.4392834823326728e+16, 703552494415356.0, 508743486699080.6, 3.8982995607333144e+16, 2.3942923884580972e+16, 3.031257258249258e+16, 5.104574614117569e+16, 1771687260508773.8, 1445894213245771.5, 1.036960901181785e+16, 1.1376723439998248e+16],
        "varAllDouble": [2.2429838557809828e+16],
        "stdAllDoubleTransposed": [149765945.9216608]
    ]

    static func expectExact(_ result: Tensor, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = torch[name] ?? torchVariances[name]!
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

    @Test("var and std of everything: the dtype's mean, then squares summed in double through memory")
    func variancesOfAll() throws {
        Self.expectExact(try Self.tensor([37, 45]).variance(), "varAll")
        Self.expectExact(try Self.tensor([37, 45]).t().standardDeviation(correction: 0), "stdAllTransposed")
        Self.expectExact(try Self.tensor([3, 50, 7], .float64).variance(), "varAllDouble")
        Self.expectExact(try Self.tensor([50, 21], .float64).t().standardDeviation(), "stdAllDoubleTransposed")
    }

    @Test("var and std over dims: Welford's update in double in torch's iteration order")
    func variancesOverDims() throws {
        Self.expectExact(try Self.tensor([37, 45]).variance(dims: [0]), "varDim0")
        Self.expectExact(try Self.tensor([37, 45]).standardDeviation(dims: [1], keepDim: true), "stdDim1Keep")
        Self.expectExact(try Self.tensor([3, 50, 7], .float64).variance(dims: [0, 2], correction: 2), "var3d")
    }
}
