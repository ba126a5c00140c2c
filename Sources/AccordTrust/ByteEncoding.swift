/// Strict, allocation-light hex and base64 codecs shared by the module.
///
/// Base64 is the standard alphabet of RFC 4648 §4 with mandatory padding. Decoding is
/// canonical: it rejects characters outside the alphabet, missing or misplaced padding,
/// and non-zero bits in the final partial group, so every byte string has exactly one
/// accepted encoding.
public enum ByteEncoding {
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
    private static let base64Alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let padding = UInt8(ascii: "=")

    /// Maps an ASCII byte to its base64 value, or 0xFF for bytes outside the alphabet.
    private static let base64Values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, symbol) in base64Alphabet.enumerated() {
            table[Int(symbol)] = UInt8(value)
        }
        return table
    }()

    // MARK: Hex

    /// Lowercase hexadecimal encoding.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes hexadecimal text (either case); nil on odd length or a non-hex character.
    static func decodeHex(_ text: some StringProtocol) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = hexValue(utf8[index]), let low = hexValue(utf8[index + 1]) else {
                return nil
            }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    /// Parses exactly eight lowercase hex digits as a big-endian `UInt32`.
    static func parseLowercaseHex32(_ text: some StringProtocol) -> UInt32? {
        let utf8 = Array(text.utf8)
        guard utf8.count == 8 else { return nil }
        var value: UInt32 = 0
        for byte in utf8 {
            guard let digit = hexValue(byte), byte < UInt8(ascii: "A") || byte > UInt8(ascii: "F")
            else { return nil }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// Eight lowercase hex digits for `value`, zero-padded.
    public static func hex32(_ value: UInt32) -> String {
        hex([UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16),
             UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)])
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    // MARK: Base64

    /// Standard padded base64 encoding.
    public static func base64(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity((input.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= input.count {
            let group = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8
                | UInt32(input[index + 2])
            appendSymbols(group, count: 4, to: &out)
            index += 3
        }
        switch input.count - index {
        case 1:
            appendSymbols(UInt32(input[index]) << 16, count: 2, to: &out)
            out.append(padding)
            out.append(padding)
        case 2:
            appendSymbols(UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8, count: 3, to: &out)
            out.append(padding)
        default:
            break
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func appendSymbols(_ group: UInt32, count: Int, to out: inout [UInt8]) {
        for position in 0..<count {
            let shift = UInt32(18 - 6 * position)
            out.append(base64Alphabet[Int((group >> shift) & 0x3F)])
        }
    }

    /// Strict canonical base64 decoding; nil for any deviation from the canonical encoding.
    public static func decodeBase64(_ text: some StringProtocol) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        return utf8.withUnsafeBufferPointer { decodeBase64(utf8: $0) }
    }

    /// Strict canonical base64 decoding of a string read in place (not generic: the generic
    /// function is not specialized in other modules, and a receipts document is mostly base64).
    public static func decodeBase64(_ text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { decodeBase64(utf8: $0) }
    }

    private static func decodeBase64(utf8: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard utf8.count % 4 == 0 else { return nil }
        return base64Values.withUnsafeBufferPointer { decodeBase64(utf8: utf8, values: $0) }
    }

    /// `values`: ``base64Values``, read without a bounds check or a lazy initialization's check per byte.
    private static func decodeBase64(utf8: UnsafeBufferPointer<UInt8>, values: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 4 * 3)
        var index = 0
        while index < utf8.count {
            let isLastGroup = index + 4 == utf8.count
            var group: UInt32 = 0
            var symbols = 0
            for offset in 0..<4 {
                let byte = utf8[index + offset]
                if byte == padding {
                    // Padding may only fill the tail of the final group, after at least two symbols.
                    guard isLastGroup, offset >= 2 else { return nil }
                    for rest in (index + offset)..<utf8.count where utf8[rest] != padding {
                        return nil
                    }
                    break
                }
                let value = values[Int(byte)]
                guard value != 0xFF else { return nil }
                group = group << 6 | UInt32(value)
                symbols += 1
            }
            switch symbols {
            case 4:
                out.append(UInt8(truncatingIfNeeded: group >> 16))
                out.append(UInt8(truncatingIfNeeded: group >> 8))
                out.append(UInt8(truncatingIfNeeded: group))
            case 3:
                guard group & 0x3 == 0 else { return nil }  // non-canonical trailing bits
                out.append(UInt8(truncatingIfNeeded: group >> 10))
                out.append(UInt8(truncatingIfNeeded: group >> 2))
            case 2:
                guard group & 0xF == 0 else { return nil }  // non-canonical trailing bits
                out.append(UInt8(truncatingIfNeeded: group >> 4))
            default:
                return nil
            }
            index += 4
        }
        return out
    }
}
