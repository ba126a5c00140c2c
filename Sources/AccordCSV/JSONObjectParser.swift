/// A strict RFC 8259 parser for one line of JSONL: a flat object whose values are strings,
/// numbers, booleans or null.
///
/// It works on the raw bytes of the line and builds each `String` once: a string without escapes
/// is validated and decoded in place; one with escapes is unescaped into a reused buffer.
struct JSONObjectParser {
    let bytes: UnsafeBufferPointer<UInt8>
    private let line: Int
    var index = 0

    static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")

    init(bytes: UnsafeBufferPointer<UInt8>, line: Int) {
        self.bytes = bytes
        self.line = line
    }

    /// Parses the line into `fields` (emptied first).
    ///
    /// `previousKeys` are the keys of the last good line, in order. A key written byte for byte
    /// as the one at the same place there reuses its `String`, and while every key so far does,
    /// no duplicate check is needed (that line's keys were unique). The parser updates them.
    ///
    /// - Returns: `false` for a blank line (only JSON whitespace), which holds no record.
    /// - Throws: ``JSONLError``.
    mutating func parse(
        into fields: inout [(key: String, value: JSONLValue)], previousKeys: inout [String], scratch: inout [UInt8]
    ) throws -> Bool {
        fields.removeAll(keepingCapacity: true)
        skipWhitespace()
        guard index < bytes.count else { return false }
        guard bytes[index] == UInt8(ascii: "{") else {
            throw error(.notAnObject, key: nil, "expected a JSON object ({…}), found \(describeHere())")
        }
        index += 1
        skipWhitespace()
        var keysAsBefore = true
        if peek() == UInt8(ascii: "}") {
            index += 1
        } else {
            var seen: Set<[UInt8]>?
            while true {
                guard peek() == Self.quote else {
                    let after = fields.last.map { " after the value of \($0.key.debugDescription)" } ?? ""
                    throw error(.syntax, key: nil, "expected a key in double quotes\(after), found \(describeHere())")
                }
                let keyColumn = index + 1
                let key: String
                let (range, escaped) = try scanString(key: nil)
                let position = fields.count
                if keysAsBefore, !escaped, position < previousKeys.count,
                   previousKeys[position].hasUTF8(UnsafeBufferPointer(rebasing: bytes[range])) {
                    key = previousKeys[position]
                } else {
                    keysAsBefore = false
                    key = try makeString(range, escaped: escaped, scratch: &scratch, key: nil)
                }
                if !keysAsBefore, isDuplicate(key, in: fields, seen: &seen) {
                    throw JSONLError(kind: .duplicateKey, line: line, column: keyColumn, key: key,
                                     message: "duplicate key \(key.debugDescription)")
                }
                skipWhitespace()
                guard peek() == UInt8(ascii: ":") else {
                    throw error(.syntax, key: key, "expected ':' after the key \(key.debugDescription), found \(describeHere())")
                }
                index += 1
                skipWhitespace()
                let value = try parseValue(key: key, scratch: &scratch)
                fields.append((key, value))
                skipWhitespace()
                switch peek() {
                case UInt8(ascii: ","):
                    index += 1
                    skipWhitespace()
                    continue
                case UInt8(ascii: "}"):
                    index += 1
                default:
                    throw error(.syntax, key: key,
                                "expected ',' or '}' after the value of \(key.debugDescription), found \(describeHere())")
                }
                break
            }
        }
        skipWhitespace()
        guard index == bytes.count else {
            throw error(.trailingCharacters, key: nil, "unexpected \(describeHere()) after the end of the object")
        }
        if !keysAsBefore || fields.count != previousKeys.count {
            previousKeys = fields.map(\.key)
        }
        return true
    }

    // MARK: - Values

    mutating func parseValue(key: String, scratch: inout [UInt8]) throws -> JSONLValue {
        guard let byte = peek() else {
            throw error(.syntax, key: key, "expected a value for \(key.debugDescription), found the end of the line")
        }
        switch byte {
        case Self.quote:
            return .string(try parseString(scratch: &scratch, key: key))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumber(key: key))
        case UInt8(ascii: "t"):
            try expectLiteral("true", key: key)
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false", key: key)
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null", key: key)
            return .null
        case UInt8(ascii: "{"):
            throw error(.nestedValue, key: key,
                        "the value of \(key.debugDescription) is an object; values must be strings, numbers, true, false or null")
        case UInt8(ascii: "["):
            throw error(.nestedValue, key: key,
                        "the value of \(key.debugDescription) is an array; values must be strings, numbers, true, false or null")
        default:
            throw error(.syntax, key: key, "expected a value for \(key.debugDescription), found \(describeHere())")
        }
    }

    private mutating func expectLiteral(_ word: StaticString, key: String) throws {
        let literal = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        let end = index + literal.count
        guard end <= bytes.count, bytes[index..<end].elementsEqual(literal), !isWordByte(at: end) else {
            throw error(.syntax, key: key, "expected a value for \(key.debugDescription), found \(describeWord())")
        }
        index = end
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, kept as written.
    private mutating func parseNumber(key: String) throws -> String {
        let start = index
        func digits() -> Int {
            let first = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return index - first
        }
        var valid = true
        if peek() == UInt8(ascii: "-") { index += 1 }
        if peek() == UInt8(ascii: "0") {
            index += 1
        } else if digits() == 0 {
            valid = false
        }
        if valid, peek() == UInt8(ascii: ".") {
            index += 1
            valid = digits() > 0
        }
        if valid, peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            valid = digits() > 0
        }
        guard valid, !isWordByte(at: index), peek() != UInt8(ascii: ".") else {
            index = start
            throw error(.invalidNumber, key: key, "invalid number \(describeWord()) for \(key.debugDescription)")
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    // MARK: - Strings

    /// Parses a string starting at its opening quote. `key` names the member for messages; `nil`
    /// while parsing a key.
    mutating func parseString(scratch: inout [UInt8], key: String?) throws -> String {
        let (range, escaped) = try scanString(key: key)
        return try makeString(range, escaped: escaped, scratch: &scratch, key: key)
    }

    /// Finds the end of the string whose opening quote is at `index` and moves past its closing
    /// quote. Returns where the raw bytes between the quotes are and whether they hold an escape.
    private mutating func scanString(key: String?) throws -> (range: Range<Int>, escaped: Bool) {
        let open = index
        index += 1
        let start = index
        var escaped = false
        while true {
            index = ByteScanner.firstJSONStringStop(in: bytes, from: index)
            guard index < bytes.count else {
                index = open
                throw error(.syntax, key: key, "string opened at column \(open + 1) is not closed")
            }
            let byte = bytes[index]
            if byte == Self.quote { break }
            if byte == Self.backslash {
                escaped = true
                index += 2
                continue
            }
            if byte < 0x20 {
                throw error(.controlCharacter, key: key,
                            "unescaped control character \(byte.hexLiteral) in \(Self.place(key)); write it as an escape such as \\n or \\t")
            }
            index += 1
        }
        let end = index
        index += 1
        return (start..<end, escaped)
    }

    /// Checks the raw bytes of a string (as `scanString` found them) and decodes them once,
    /// resolving escapes.
    private mutating func makeString(
        _ range: Range<Int>, escaped: Bool, scratch: inout [UInt8], key: String?
    ) throws -> String {
        let raw = UnsafeBufferPointer(rebasing: bytes[range])
        if !UTF8Validation.isASCII(raw), let offset = UTF8Validation.firstInvalidOffset(raw) {
            index = range.lowerBound + offset
            throw error(.invalidUTF8, key: key,
                        "invalid UTF-8 (byte \(raw[offset].hexLiteral)) in \(Self.place(key)); save the file as UTF-8")
        }
        guard escaped else { return String(decoding: raw, as: UTF8.self) }
        let resume = index
        scratch.removeAll(keepingCapacity: true)
        try unescape(from: range.lowerBound, to: range.upperBound, into: &scratch, key: key)
        index = resume
        return String(decoding: scratch, as: UTF8.self)
    }

    /// Writes the UTF-8 of `bytes[start..<end]` with its escapes resolved into `output`.
    private mutating func unescape(from start: Int, to end: Int, into output: inout [UInt8], key: String?) throws {
        var position = start
        while position < end {
            var run = position
            while run < end, bytes[run] != Self.backslash { run += 1 }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[position..<run]))
            guard run < end else { return }
            position = run
            index = position  // for the column of an error
            let escape = bytes[position + 1]  // the scan above put the closing quote after it
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(escape)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                position = try appendUnicodeEscape(at: position, end: end, into: &output, key: key)
                continue
            default:
                index = position + 1
                let shown = describeWord(limit: 1, quoted: false)
                index = position
                throw error(.invalidEscape, key: key, "invalid escape '\\\(shown)' in \(Self.place(key))")
            }
            position += 2
        }
    }

    /// Resolves `\uXXXX`, or a surrogate pair `\uD83D\uDE00`, at `position`; returns the
    /// position after it.
    private mutating func appendUnicodeEscape(at position: Int, end: Int, into output: inout [UInt8], key: String?) throws -> Int {
        guard let unit = hex4(at: position + 2, end: end) else {
            throw error(.invalidEscape, key: key, "\\u must be followed by four hexadecimal digits in \(Self.place(key))")
        }
        var scalarValue = UInt32(unit)
        var next = position + 6
        switch unit {
        case 0xD800...0xDBFF:
            guard next + 1 < end, bytes[next] == Self.backslash, bytes[next + 1] == UInt8(ascii: "u"),
                  let low = hex4(at: next + 2, end: end), (0xDC00...0xDFFF).contains(low) else {
                throw error(.unpairedSurrogate, key: key,
                            "unpaired surrogate \\u\(Self.hex(unit)) in \(Self.place(key)) (a high surrogate must be followed by a low one)")
            }
            scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            next += 6
        case 0xDC00...0xDFFF:
            throw error(.unpairedSurrogate, key: key,
                        "unpaired surrogate \\u\(Self.hex(unit)) in \(Self.place(key)) (a low surrogate without a high one)")
        case 0:
            throw error(.controlCharacter, key: key, "\\u0000 (NUL) in \(Self.place(key)); text may not contain NUL")
        default:
            break
        }
        guard let scalar = Unicode.Scalar(scalarValue) else {
            throw error(.invalidEscape, key: key, "invalid \\u escape in \(Self.place(key))")
        }
        UTF8.encode(scalar) { output.append($0) }
        return next
    }

    private func hex4(at start: Int, end: Int) -> UInt16? {
        guard start + 4 <= end else { return nil }
        var value: UInt16 = 0
        for offset in 0..<4 {
            let byte = bytes[start + offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    private static func hex(_ unit: UInt16) -> String {
        let text = String(unit, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }

    // MARK: - Keys

    /// Whether `key` is already among `fields`, comparing bytes (no Unicode normalisation). Past
    /// 16 keys a set takes over from the linear search.
    private func isDuplicate(_ key: String, in fields: [(key: String, value: JSONLValue)], seen: inout Set<[UInt8]>?) -> Bool {
        if fields.count < 16 {
            return fields.contains { $0.key.hasUTF8(of: key) }
        }
        if seen == nil { seen = Set(fields.map { Array($0.key.utf8) }) }
        return seen?.insert(Array(key.utf8)).inserted == false
    }

    // MARK: - Helpers

    @inline(__always)
    func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"): index += 1
            default: return
            }
        }
    }

    private func isWordByte(at position: Int) -> Bool {
        guard position < bytes.count else { return false }
        let byte = bytes[position]
        return byte >= 0x80 || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) || byte == UInt8(ascii: "+")
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }

    private static func place(_ key: String?) -> String {
        key.map { "the value of \($0.debugDescription)" } ?? "a key"
    }

    /// The character at `index` for a message: `'x'`, or `the end of the line`.
    func describeHere() -> String {
        guard index < bytes.count else { return "the end of the line" }
        return describeWord(limit: 1)
    }

    /// Up to `limit` characters from `index`, stopping at a delimiter, for a message.
    private func describeWord(limit: Int = 24, quoted: Bool = true) -> String {
        guard index < bytes.count else { return "the end of the line" }
        var end = index
        var characters = 0
        while end < bytes.count, characters < limit {
            let byte = bytes[end]
            if characters > 0, byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: " ") { break }
            end += 1
            while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }  // the rest of a UTF-8 sequence
            characters += 1
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<end]), as: UTF8.self)
        let shown = text.unicodeScalars.map { $0.value < 0x20 ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined()
        return quoted ? "'\(shown)'" : shown
    }

    func error(_ kind: JSONLError.Kind, key: String?, _ message: String) -> JSONLError {
        JSONLError(kind: kind, line: line, column: index + 1, key: key, message: message)
    }
}
