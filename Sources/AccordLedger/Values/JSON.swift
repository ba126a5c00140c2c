/// A JSON value whose objects keep their keys in the order given, so output
/// is byte-for-byte reproducible.
public enum JSON: Sendable, Equatable {
    /// A string.
    case string(String)
    /// An integer.
    case int(Int64)
    /// A floating-point number, written as ``Cell`` writes it.
    case number(Double)
    /// An exact decimal, written as a JSON number with its scale's places (12.50).
    case decimal(Quantity)
    /// `true` or `false`.
    case bool(Bool)
    /// `null`.
    case null
    /// An array, in order.
    case array([JSON])
    /// An object: its members in the order written.
    case object([(String, JSON)])

    /// Whether both serialize to the same bytes.
    public static func == (lhs: JSON, rhs: JSON) -> Bool { lhs.serialized() == rhs.serialized() }

    /// The JSON value of a cell (a decimal stays exact).
    public init(_ cell: Cell) {
        switch cell {
        case .text(let value): self = .string(value)
        case .int(let value): self = .int(value)
        case .number(let value), .rate(let value): self = .number(value)
        case .decimal(let value): self = .decimal(value)
        case .bool(let value): self = .bool(value)
        case .null: self = .null
        }
    }

    /// A string, or null for nil.
    public init(_ value: String?) { self = value.map { .string($0) } ?? .null }
    /// An integer, or null for nil.
    public init(_ value: Int64?) { self = value.map { .int($0) } ?? .null }
    /// An integer, or null for nil.
    public init(_ value: Int?) { self = value.map { .int(Int64($0)) } ?? .null }
    /// A number, or null for nil.
    public init(_ value: Double?) { self = value.map { .number($0) } ?? .null }

    /// Compact JSON, or indented with two spaces.
    public func serialized(pretty: Bool = false) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(4096)
        write(to: &bytes, pretty: pretty, indent: 0)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the JSON text as UTF-8 bytes.
    public func write(to out: inout [UInt8], pretty: Bool, indent: Int = 0) {
        switch self {
        case .string(let value): JSON.quote(value, into: &out)
        case .int(let value): out.append(contentsOf: String(value).utf8)
        case .number(let value): out.append(contentsOf: Cell.format(value).utf8)
        case .decimal(let value): out.append(contentsOf: value.description.utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .null: out.append(contentsOf: "null".utf8)
        case .array(let items):
            guard !items.isEmpty else { out.append(contentsOf: "[]".utf8); return }
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                if pretty { JSON.newline(indent + 1, into: &out) }
                item.write(to: &out, pretty: pretty, indent: indent + 1)
            }
            if pretty { JSON.newline(indent, into: &out) }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            guard !members.isEmpty else { out.append(contentsOf: "{}".utf8); return }
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                if pretty { JSON.newline(indent + 1, into: &out) }
                JSON.quote(member.0, into: &out)
                out.append(UInt8(ascii: ":"))
                if pretty { out.append(UInt8(ascii: " ")) }
                member.1.write(to: &out, pretty: pretty, indent: indent + 1)
            }
            if pretty { JSON.newline(indent, into: &out) }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func newline(_ indent: Int, into out: inout [UInt8]) {
        out.append(contentsOf: lineBreak(indent: indent))
    }

    /// A line feed and two spaces per level, for levels up to 63 (a report nests 4).
    private static let lineBreaks = [10] + [UInt8](repeating: 32, count: 126)

    /// A line feed and the indentation of `indent` levels: a slice of one
    /// buffer, copied at once (a `repeatElement` is appended byte by byte).
    package static func lineBreak(indent: Int) -> ArraySlice<UInt8> {
        let count = 1 + 2 * max(indent, 0)
        return count <= lineBreaks.count ? lineBreaks[..<count] : ArraySlice([10] + [UInt8](repeating: 32, count: count - 1))
    }

    /// Writes a JSON string literal (RFC 8259) as UTF-8 bytes.
    package static func quote(_ text: String, into out: inout [UInt8]) {
        // Most text needs no escape (see the other `quote`): checked and copied
        // in place, without a copy of the string.
        let plain = text.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            for byte in utf8 where byte < 0x20 || byte == 0x22 || byte == 0x5c || byte == 0x7f || byte == 0xE2 { return false }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: utf8)
            out.append(UInt8(ascii: "\""))
            return true
        }
        guard plain != true else { return }
        var escaped = ""
        quote(text, into: &escaped)
        out.append(contentsOf: escaped.utf8)
    }

    /// Writes a JSON string literal (RFC 8259), escaping quotes, backslashes and controls.
    package static func quote(_ text: String, into out: inout String) {
        out += "\""
        // Most text needs no escape: no quote, backslash or control byte, and no
        // 0xE2 lead byte (U+2028 and U+2029 start with it).
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5c || $0 == 0x7f || $0 == 0xE2 }) {
            out += text
            out += "\""
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0x7f {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
