import AccordLedger
import Foundation

/// A JSON value as a request body holds it; numbers keep the text they were
/// written with (`12.50` stays `12.50`), so the engine parses quantities itself.
indirect enum JSONBody: Equatable, Sendable {
    case string(String)
    case number(String)
    case bool(Bool)
    case null
    case array([JSONBody])
    case object([(String, JSONBody)])

    static func == (lhs: JSONBody, rhs: JSONBody) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)), (.number(let a), .number(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.null, .null): true
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    /// Parses `bytes` as one JSON value (RFC 8259), nesting at most 16 deep.
    /// - Throws: ``Problem`` `.malformed` saying where it went wrong.
    static func parse(_ bytes: [UInt8]) throws -> JSONBody {
        var parser = Parser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.offset == bytes.count else { throw parser.fail("unexpected text after the JSON value") }
        return value
    }

    private struct Parser {
        let bytes: [UInt8]
        var offset = 0

        func fail(_ what: String) -> Problem {
            Problem(.malformed, "the body is not valid JSON: \(what) at byte \(offset)")
        }

        mutating func skipWhitespace() {
            while offset < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[offset]) { offset += 1 }
        }

        mutating func value(depth: Int) throws -> JSONBody {
            guard depth < 16 else { throw fail("nested too deeply") }
            guard offset < bytes.count else { throw fail("the body ends early") }
            switch bytes[offset] {
            case UInt8(ascii: "{"):
                offset += 1
                var members: [(String, JSONBody)] = []
                skipWhitespace()
                if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") {
                    offset += 1
                    return .object(members)
                }
                while true {
                    skipWhitespace()
                    guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
                    let key = try string()
                    if members.contains(where: { $0.0 == key }) { throw fail("member \"\(key)\" given twice") }
                    skipWhitespace()
                    guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                    offset += 1
                    skipWhitespace()
                    members.append((key, try value(depth: depth + 1)))
                    skipWhitespace()
                    guard offset < bytes.count else { throw fail("the body ends early") }
                    if bytes[offset] == UInt8(ascii: ",") {
                        offset += 1
                        continue
                    }
                    guard bytes[offset] == UInt8(ascii: "}") else { throw fail("expected ',' or '}'") }
                    offset += 1
                    return .object(members)
                }
            case UInt8(ascii: "["):
                offset += 1
                var items: [JSONBody] = []
                skipWhitespace()
                if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") {
                    offset += 1
                    return .array(items)
                }
                while true {
                    skipWhitespace()
                    items.append(try value(depth: depth + 1))
                    skipWhitespace()
                    guard offset < bytes.count else { throw fail("the body ends early") }
                    if bytes[offset] == UInt8(ascii: ",") {
                        offset += 1
                        continue
                    }
                    guard bytes[offset] == UInt8(ascii: "]") else { throw fail("expected ',' or ']'") }
                    offset += 1
                    return .array(items)
                }
            case UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            default:
                return .number(try number())
            }
        }

        mutating func literal(_ word: String) throws {
            let expected = Array(word.utf8)
            guard offset + expected.count <= bytes.count, Array(bytes[offset..<offset + expected.count]) == expected else {
                throw fail("unexpected text")
            }
            offset += expected.count
        }

        mutating func number() throws -> String {
            let start = offset
            func digits() -> Int {
                let from = offset
                while offset < bytes.count, (0x30...0x39).contains(bytes[offset]) { offset += 1 }
                return offset - from
            }
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "-") { offset += 1 }
            let integer = offset
            guard digits() > 0 else { throw fail("unexpected text") }
            if bytes[integer] == 0x30, offset - integer > 1 { throw fail("a number with a leading zero") }
            if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
                offset += 1
                guard digits() > 0 else { throw fail("a number without digits after its point") }
            }
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "e") || bytes[offset] == UInt8(ascii: "E") {
                offset += 1
                if offset < bytes.count, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-") { offset += 1 }
                guard digits() > 0 else { throw fail("a number without exponent digits") }
            }
            return String(decoding: bytes[start..<offset], as: UTF8.self)
        }

        mutating func string() throws -> String {
            offset += 1
            var out: [UInt8] = []
            while offset < bytes.count {
                let byte = bytes[offset]
                switch byte {
                case UInt8(ascii: "\""):
                    offset += 1
                    guard let text = String(validating: out, as: UTF8.self) else { throw fail("a string that is not UTF-8") }
                    return text
                case UInt8(ascii: "\\"):
                    offset += 1
                    guard offset < bytes.count else { throw fail("the body ends early") }
                    let escape = bytes[offset]
                    offset += 1
                    switch escape {
                    case UInt8(ascii: "\""): out.append(0x22)
                    case UInt8(ascii: "\\"): out.append(0x5C)
                    case UInt8(ascii: "/"): out.append(0x2F)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800...0xDBFF).contains(scalar) {
                            guard offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u")
                            else { throw fail("a lone surrogate") }
                            offset += 2
                            let low = try hex4()
                            guard (0xDC00...0xDFFF).contains(low) else { throw fail("a lone surrogate") }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else if (0xDC00...0xDFFF).contains(scalar) {
                            throw fail("a lone surrogate")
                        }
                        guard let unicode = Unicode.Scalar(scalar) else { throw fail("an invalid escape") }
                        out.append(contentsOf: Array(String(Character(unicode)).utf8))
                    default:
                        throw fail("an invalid escape")
                    }
                default:
                    guard byte >= 0x20 else { throw fail("a control character in a string") }
                    out.append(byte)
                    offset += 1
                }
            }
            throw fail("an unterminated string")
        }

        mutating func hex4() throws -> UInt32 {
            guard offset + 4 <= bytes.count else { throw fail("the body ends early") }
            var value: UInt32 = 0
            for byte in bytes[offset..<offset + 4] {
                let digit: UInt8
                switch byte {
                case 0x30...0x39: digit = byte - 0x30
                case 0x41...0x46: digit = byte - 0x41 + 10
                case 0x61...0x66: digit = byte - 0x61 + 10
                default: throw fail("an invalid \\u escape")
                }
                value = value << 4 | UInt32(digit)
            }
            offset += 4
            return value
        }
    }
}

/// The members of a request's JSON object, read by name with the type each
/// field takes; unknown members are refused, so a misspelt field is never
/// silently ignored.
struct RequestFields {
    private let members: [String: JSONBody]

    /// - Throws: ``Problem`` `.malformed` for a body that is not a JSON
    ///   object; `.invalid` naming a member not in `allowed`.
    init(_ bytes: [UInt8], allowed: Set<String>) throws {
        guard case .object(let pairs) = try JSONBody.parse(bytes) else {
            throw Problem(.malformed, "the body must be a JSON object")
        }
        for (key, _) in pairs where !allowed.contains(key) {
            throw Problem(.invalid, "unknown field '\(TextRules.printable(key, limit: 40))'; the fields are \(allowed.sorted().joined(separator: ", "))",
                          pointer: "/" + RequestFields.escapePointer(key))
        }
        members = Dictionary(pairs, uniquingKeysWith: { first, _ in first })
    }

    static func escapePointer(_ key: String) -> String {
        var out = ""
        for character in key {
            switch character {
            case "~": out += "~0"
            case "/": out += "~1"
            default: out.append(character)
            }
        }
        return out
    }

    /// A text field; numbers are accepted as written when `numbers` says so.
    func string(_ name: String, numbers: Bool = false) throws -> String? {
        switch members[name] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case .number(let text)? where numbers: return text
        default: throw Problem(.invalid, "\(name) must be \(numbers ? "a number or a string" : "a string")", pointer: "/" + name)
        }
    }

    func required(_ name: String, numbers: Bool = false) throws -> String {
        guard let value = try string(name, numbers: numbers) else {
            throw Problem(.invalid, "\(name) is required", pointer: "/" + name)
        }
        return value
    }

    func bool(_ name: String) throws -> Bool {
        switch members[name] {
        case nil, .null?: return false
        case .bool(let value)?: return value
        default: throw Problem(.invalid, "\(name) must be true or false", pointer: "/" + name)
        }
    }

    func strings(_ name: String) throws -> [String]? {
        switch members[name] {
        case nil, .null?: return nil
        case .array(let items)?:
            return try items.enumerated().map { index, item in
                guard case .string(let text) = item else {
                    throw Problem(.invalid, "\(name) must be a list of strings", pointer: "/\(name)/\(index)")
                }
                return text
            }
        default: throw Problem(.invalid, "\(name) must be a list of strings", pointer: "/" + name)
        }
    }

    /// The JSON pointer of the member (or list item) whose text is `value`:
    /// where an id the ledger does not know was given; nil when none is.
    func pointer(holding value: String) -> String? {
        func holds(_ item: JSONBody) -> Bool {
            switch item {
            case .string(let text), .number(let text):
                text == value || text.trimmingCharacters(in: .whitespaces) == value
            default: false
            }
        }
        for name in members.keys.sorted() {
            guard let member = members[name] else { continue }
            let escaped = "/" + RequestFields.escapePointer(name)
            if holds(member) { return escaped }
            if case .array(let items) = member, let index = items.firstIndex(where: holds) { return "\(escaped)/\(index)" }
        }
        return nil
    }
}
