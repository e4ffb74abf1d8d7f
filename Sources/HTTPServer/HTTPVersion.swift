/// An HTTP protocol version as sent on the request line (`HTTP/1.1` → major 1, minor 1).
public struct HTTPVersion: Sendable, Hashable, CustomStringConvertible {
    /// The digit before the dot.
    public var major: Int
    /// The digit after the dot.
    public var minor: Int

    /// A version from its two digits.
    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// HTTP/1.0: connections close after each exchange unless `Connection: keep-alive` is sent.
    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    /// HTTP/1.1: persistent connections by default; `Host` is mandatory.
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)

    /// `HTTP/1.1` style.
    public var description: String { "HTTP/\(major).\(minor)" }
}
