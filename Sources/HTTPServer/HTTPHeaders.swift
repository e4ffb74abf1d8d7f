/// An ordered list of header fields, kept exactly as received or added.
///
/// Unlike a dictionary, duplicates are all kept in order, so a repeated field can never
/// silently replace an earlier one (RFC 9110 §5.3). Lookups compare names ASCII
/// case-insensitively (RFC 9110 §5.1); names keep the case they were given.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral, Equatable {
    /// One field line: its name as written and its value with surrounding whitespace removed.
    public typealias Element = (name: String, value: String)

    private var fields: [Element]

    /// An empty header list.
    public init() { fields = [] }

    /// An empty header list with room for `capacity` fields.
    init(capacity: Int) {
        fields = []
        fields.reserveCapacity(capacity)
    }

    /// Headers from `(name, value)` pairs, in order, duplicates kept.
    public init(_ pairs: [(String, String)]) {
        fields = pairs.map { (name: $0.0, value: $0.1) }
    }

    /// Headers from a literal such as `["Content-Type": "application/json"]`, in written order.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// The number of field lines, duplicates included.
    public var count: Int { fields.count }

    /// Whether there are no field lines.
    public var isEmpty: Bool { fields.isEmpty }

    /// The value of the first field named `name`, or nil. Use `values(for:)` when a field may repeat.
    public subscript(name: String) -> String? {
        fields.first { Self.namesMatch($0.name, name) }?.value
    }

    /// Every value of the fields named `name`, in order of appearance.
    public func values(for name: String) -> [String] {
        fields.compactMap { Self.namesMatch($0.name, name) ? $0.value : nil }
    }

    /// Whether a field named `name` is present.
    public func contains(_ name: String) -> Bool {
        fields.contains { Self.namesMatch($0.name, name) }
    }

    /// Appends a field line, keeping any existing ones with the same name.
    public mutating func add(name: String, value: String) {
        fields.append((name: name, value: value))
    }

    /// Replaces the first field named `name` and removes the others; appends when absent.
    public mutating func replaceOrAdd(name: String, value: String) {
        guard let first = fields.firstIndex(where: { Self.namesMatch($0.name, name) }) else {
            fields.append((name: name, value: value))
            return
        }
        fields[first].value = value
        var index = fields.count - 1
        while index > first {
            if Self.namesMatch(fields[index].name, name) { fields.remove(at: index) }
            index -= 1
        }
    }

    /// Removes every field named `name`.
    public mutating func remove(name: String) {
        fields.removeAll { Self.namesMatch($0.name, name) }
    }

    /// Whether any field named `name` lists `token` among its comma-separated elements,
    /// compared case-insensitively (as for `Connection: keep-alive, Upgrade`, RFC 9110 §5.6.1).
    public func containsToken(_ token: String, in name: String) -> Bool {
        fields.contains { Self.namesMatch($0.name, name) && Self.list($0.value, containsToken: token) }
    }

    /// Whether the comma-separated `list` has `token` among its elements, ignoring case and OWS.
    static func list(_ list: String, containsToken token: String) -> Bool {
        list.split(separator: ",").contains { namesMatch($0.trimmingHTTPWhitespace(), token) }
    }

    /// Iterates the field lines in order, duplicates included.
    public func makeIterator() -> IndexingIterator<[Element]> { fields.makeIterator() }

    /// Equal when the same field lines appear in the same order (names compared exactly).
    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    /// ASCII case-insensitive equality without allocating lowercased copies.
    static func namesMatch<A: StringProtocol, B: StringProtocol>(_ a: A, _ b: B) -> Bool {
        let a = a.utf8, b = b.utf8
        guard a.count == b.count else { return false }
        // Native strings are contiguous UTF-8: compare the bytes directly.
        if let result = a.withContiguousStorageIfAvailable({ x in
            b.withContiguousStorageIfAvailable { y in asciiCaseInsensitiveEqual(x, y) }
        }), let result {
            return result
        }
        return asciiCaseInsensitiveEqual(Array(a), Array(b))
    }

    private static func asciiCaseInsensitiveEqual<C: Collection<UInt8>>(_ a: C, _ b: C) -> Bool where C.Index == Int {
        for index in a.indices {
            let x = a[index], y = b[b.startIndex + (index - a.startIndex)]
            guard x != y else { continue }
            let folded = x | 0x20
            guard folded == y | 0x20, folded >= UInt8(ascii: "a"), folded <= UInt8(ascii: "z") else { return false }
        }
        return true
    }
}

/// The media type of a `Content-Type` value (RFC 9110 §8.3.1): lowercased, without its
/// parameters and the optional whitespace around it — `application/json` for
/// `Application/JSON ; charset=utf-8`, empty for an empty value or one of parameters only.
public func mediaType(of contentType: String) -> String {
    (contentType.split(separator: ";", omittingEmptySubsequences: false).first ?? "").trimmingHTTPWhitespace().lowercased()
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs (HTTP's OWS, RFC 9110 §5.6.3).
    func trimmingHTTPWhitespace() -> SubSequence {
        let isOWS: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isOWS($0) }) else { return self[endIndex...] }
        let end = lastIndex(where: { !isOWS($0) })!
        return self[start...end]
    }
}
