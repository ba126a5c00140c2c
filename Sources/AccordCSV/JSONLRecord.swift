/// One line of a JSONL file: the members of its object, in the order written, and its line.
public struct JSONLRecord: Equatable, Sendable {
    /// The 1-based line number.
    public var line: Int
    /// The keys and values in the order they were written. Keys are unique.
    public var fields: [(key: String, value: JSONLValue)]

    /// Creates a record.
    public init(line: Int, fields: [(key: String, value: JSONLValue)]) {
        self.line = line
        self.fields = fields
    }

    /// The value for `key`, or `nil` when the object has no such key. Keys are compared byte for
    /// byte (no Unicode normalisation).
    public subscript(key: String) -> JSONLValue? {
        fields.first { $0.key.hasUTF8(of: key) }?.value
    }

    /// The keys in the order they were written.
    public var keys: [String] { fields.map(\.key) }

    /// Records are equal when their lines and their fields, in order, are equal.
    public static func == (lhs: JSONLRecord, rhs: JSONLRecord) -> Bool {
        lhs.line == rhs.line && lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
