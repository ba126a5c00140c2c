/// Whole JSON documents (objects and arrays nested), read with the line
/// parser's value, string and whitespace rules: what `JSONDocument.parse`
/// uses for import mappings, bundles and receipts.
extension JSONObjectParser {
    /// The deepest nesting ``parseDocument(scratch:)`` accepts.
    static let maxDepth = 64

    /// Parses the bytes as one JSON document of any shape (objects and arrays nested), for small
    /// files such as an import mapping. Errors carry the byte offset as their column; the caller
    /// turns it into a line and a column.
    /// - Throws: ``JSONLError``.
    mutating func parseDocument(scratch: inout [UInt8]) throws -> JSONDocument {
        skipWhitespace()
        let value = try parseAny(depth: 0, key: nil, scratch: &scratch)
        skipWhitespace()
        guard index == bytes.count else {
            throw error(.trailingCharacters, key: nil, "unexpected \(describeHere()) after the end of the document")
        }
        return value
    }

    private mutating func parseAny(depth: Int, key: String?, scratch: inout [UInt8]) throws -> JSONDocument {
        let name = key ?? "the document"
        guard depth < Self.maxDepth else {
            throw error(.nestedValue, key: key, "nested more than \(Self.maxDepth) levels deep")
        }
        guard let byte = peek() else {
            throw error(.syntax, key: key, "expected a value for \(name.debugDescription), found the end of the file")
        }
        switch byte {
        case UInt8(ascii: "{"):
            index += 1
            skipWhitespace()
            var members: [JSONDocument.Member] = []
            var seen: Set<String>?
            if peek() == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                guard peek() == Self.quote else {
                    throw error(.syntax, key: key, "expected a key in double quotes, found \(describeHere())")
                }
                let member = try parseString(scratch: &scratch, key: nil)
                if Self.isDuplicate(member, in: members, seen: &seen) {
                    throw error(.duplicateKey, key: member, "duplicate key \(member.debugDescription)")
                }
                skipWhitespace()
                guard peek() == UInt8(ascii: ":") else {
                    throw error(.syntax, key: member, "expected ':' after the key \(member.debugDescription), found \(describeHere())")
                }
                index += 1
                skipWhitespace()
                members.append(JSONDocument.Member(key: member, value: try parseAny(depth: depth + 1, key: member, scratch: &scratch)))
                skipWhitespace()
                if peek() == UInt8(ascii: ",") {
                    index += 1
                    skipWhitespace()
                    continue
                }
                guard peek() == UInt8(ascii: "}") else {
                    throw error(.syntax, key: member, "expected ',' or '}' after the value of \(member.debugDescription), found \(describeHere())")
                }
                index += 1
                return .object(members)
            }
        case UInt8(ascii: "["):
            index += 1
            skipWhitespace()
            var elements: [JSONDocument] = []
            if peek() == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                elements.append(try parseAny(depth: depth + 1, key: key, scratch: &scratch))
                skipWhitespace()
                if peek() == UInt8(ascii: ",") {
                    index += 1
                    skipWhitespace()
                    continue
                }
                guard peek() == UInt8(ascii: "]") else {
                    throw error(.syntax, key: key, "expected ',' or ']' in the list of \(name.debugDescription), found \(describeHere())")
                }
                index += 1
                return .array(elements)
            }
        default:
            switch try parseValue(key: name, scratch: &scratch) {
            case .string(let text): return .string(text)
            case .number(let literal): return .number(literal)
            case .bool(let flag): return .bool(flag)
            case .null: return .null
            }
        }
    }

    /// Whether `key` is already a key of `members`, as `String ==` compares
    /// (canonically equivalent keys count as one: stricter than the line
    /// parser, which compares bytes). Past 16 members a set, which hashes as
    /// `==` compares, takes over from the linear search, so an object of many
    /// members is not checked in quadratic time.
    private static func isDuplicate(_ key: String, in members: [JSONDocument.Member], seen: inout Set<String>?) -> Bool {
        if members.count < 16 {
            return members.contains { $0.key == key }
        }
        if seen == nil { seen = Set(members.map(\.key)) }
        return seen?.insert(key).inserted == false
    }
}
