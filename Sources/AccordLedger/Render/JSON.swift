/// A JSON value whose objects keep their keys in the order given, so output
/// is byte-for-byte reproducible.
public enum JSON: Sendable, Equatable {
    case string(String)
    case int(Int64)
    case number(Double)
    /// An exact decimal, written as a JSON number with its scale's places (12.50).
    case decimal(Quantity)
    case bool(Bool)
    case null
    case array([JSON])
    case object([(String, JSON)])

    public static func == (lhs: JSON, rhs: JSON) -> Bool { lhs.serialized() == rhs.serialized() }

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

    public init(_ value: String?) { self = value.map { .string($0) } ?? .null }
    public init(_ value: Int64?) { self = value.map { .int($0) } ?? .null }
    public init(_ value: Int?) { self = value.map { .int(Int64($0)) } ?? .null }
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
        out.append(10)
        for _ in 0..<(indent * 2) { out.append(32) }
    }

    /// Writes a JSON string literal (RFC 8259) as UTF-8 bytes.
    static func quote(_ text: String, into out: inout [UInt8]) {
        var text = text
        text.withUTF8 { utf8 in
            out.append(UInt8(ascii: "\""))
            if !utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5c || $0 == 0x7f || $0 == 0xE2 }) {
                out.append(contentsOf: utf8)
            } else {
                var escaped = ""
                quote(String(decoding: utf8, as: UTF8.self), into: &escaped)
                out.append(contentsOf: escaped.utf8.dropFirst().dropLast())
            }
            out.append(UInt8(ascii: "\""))
        }
    }

    /// Writes a JSON string literal (RFC 8259), escaping quotes, backslashes and controls.
    static func quote(_ text: String, into out: inout String) {
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

/// Writes JSON as it goes, in exactly the layout of ``JSON/write(to:pretty:indent:)``
/// (two-space indentation when pretty), without building a tree first: a
/// report of ten thousand commitments is written, not assembled and torn down.
public struct JSONWriter {
    private var bytes: [UInt8] = []
    private let output: TextOutput
    private let pretty: Bool
    private var depth = 0
    /// Whether the innermost open container has no item yet.
    private var empty = true

    public init(to output: TextOutput, pretty: Bool) {
        self.output = output
        self.pretty = pretty
        bytes.reserveCapacity(1 << 16)
    }

    /// An object (at the top, as an array element, or after ``key(_:)``).
    public mutating func object(_ body: (inout JSONWriter) -> Void) {
        container(UInt8(ascii: "{"), UInt8(ascii: "}"), body)
    }

    /// An array (at the top, as an array element, or after ``key(_:)``).
    public mutating func array(_ body: (inout JSONWriter) -> Void) {
        container(UInt8(ascii: "["), UInt8(ascii: "]"), body)
    }

    /// A member's key, inside an object; its value follows.
    public mutating func key(_ name: String) {
        item()
        JSON.quote(name, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
        if pretty { bytes.append(UInt8(ascii: " ")) }
    }

    /// A member whose value is small (a scalar, or a short array).
    public mutating func member(_ name: String, _ value: JSON) {
        key(name)
        value.write(to: &bytes, pretty: pretty, indent: depth)
    }

    /// A member whose value is an object.
    public mutating func member(_ name: String, object body: (inout JSONWriter) -> Void) {
        key(name)
        object(body)
    }

    /// A member whose value is an array.
    public mutating func member(_ name: String, array body: (inout JSONWriter) -> Void) {
        key(name)
        array(body)
    }

    /// An array element that is an object.
    public mutating func element(object body: (inout JSONWriter) -> Void) {
        item()
        object(body)
    }

    /// Ends the document with a newline and hands everything to the output.
    public mutating func finish() {
        bytes.append(10)
        output.write(bytes: bytes)
        bytes.removeAll(keepingCapacity: true)
    }

    private mutating func item() {
        if !empty { bytes.append(UInt8(ascii: ",")) }
        empty = false
        if pretty {
            bytes.append(10)
            for _ in 0..<(depth * 2) { bytes.append(32) }
        }
        if bytes.count >= 1 << 16 {
            output.write(bytes: bytes)
            bytes.removeAll(keepingCapacity: true)
        }
    }

    private mutating func container(_ open: UInt8, _ close: UInt8, _ body: (inout JSONWriter) -> Void) {
        let outer = empty
        bytes.append(open)
        depth += 1
        empty = true
        body(&self)
        depth -= 1
        if !empty && pretty {
            bytes.append(10)
            for _ in 0..<(depth * 2) { bytes.append(32) }
        }
        bytes.append(close)
        empty = outer
    }
}
