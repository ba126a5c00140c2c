/// A whole JSON document (RFC 8259) of any shape, for small files such as an import mapping.
///
/// Strings are checked as JSONL strings are (well-formed UTF-8, no unescaped control
/// characters, paired surrogates); numbers are kept as written; objects keep their members in
/// order and refuse a repeated key.
///
/// Not `indirect`: its arrays already hold the nesting, and a box for every value cost an
/// allocation each (a receipts document holds hundreds of thousands of values).
public enum JSONDocument: Equatable, Sendable {
    /// One member of an object.
    public struct Member: Equatable, Sendable {
        /// The member's name, unescaped.
        public var key: String
        /// The member's value.
        public var value: JSONDocument

        /// A member named `key` holding `value`.
        public init(key: String, value: JSONDocument) {
            self.key = key
            self.value = value
        }
    }

    /// An object: its members in document order (no key twice).
    case object([Member])
    /// An array: its elements in order.
    case array([JSONDocument])
    /// A string, unescaped.
    case string(String)
    /// A number exactly as written.
    case number(String)
    /// `true` or `false`.
    case bool(Bool)
    /// `null`.
    case null

    /// Parses `bytes` (a UTF-8 byte order mark at the start is skipped).
    /// - Throws: ``JSONLError`` whose `line` and `column` say where the problem is.
    public static func parse(_ bytes: [UInt8]) throws -> JSONDocument {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        let offset = bytes.count - body.count
        return try body.withUnsafeBufferPointer { buffer in
            var parser = JSONObjectParser(bytes: buffer, line: 1)
            var scratch: [UInt8] = []
            do {
                return try parser.parseDocument(scratch: &scratch)
            } catch var error as JSONLError {
                // The parser counts bytes from the start; say which line and column.
                let position = min(max((error.column ?? 1) - 1, 0), buffer.count)
                var line = 1
                var lineStart = 0
                for index in 0..<position where buffer[index] == UInt8(ascii: "\n") {
                    line += 1
                    lineStart = index + 1
                }
                error.line = line
                error.column = position - lineStart + 1 + (line == 1 ? offset : 0)
                throw error
            }
        }
    }

    /// The members, when the value is an object.
    public var members: [Member]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The value of `key`, when the value is an object that has it.
    public subscript(key: String) -> JSONDocument? {
        members?.first { $0.key == key }?.value
    }

    /// A name for the kind of value, for messages: "an object", "a string" …
    public var kindName: String {
        switch self {
        case .object: "an object"
        case .array: "a list"
        case .string: "a string"
        case .number: "a number"
        case .bool: "true or false"
        case .null: "null"
        }
    }
}
