/// Fast checks on raw bytes before they become a `String`.
enum UTF8Validation {
    /// Whether every byte is below 0x80, testing eight bytes at a time.
    @inline(__always)
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        let count = bytes.count
        var index = 0
        var any: UInt64 = 0
        while index + 8 <= count {
            any |= raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        var tail: UInt8 = 0
        while index < count {
            tail |= base[index]
            index += 1
        }
        return any & 0x8080_8080_8080_8080 == 0 && tail & 0x80 == 0
    }

    /// The offset of the first byte that does not start a well-formed UTF-8 sequence, or `nil`
    /// when all the bytes are well-formed (Unicode, table 3-7: no overlong forms, no surrogates,
    /// nothing above U+10FFFF).
    static func firstInvalidOffset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let count = bytes.count
        var index = 0
        @inline(__always) func continuation(_ offset: Int, _ lower: UInt8 = 0x80, _ upper: UInt8 = 0xBF) -> Bool {
            offset < count && (lower...upper).contains(bytes[offset])
        }
        while index < count {
            let lead = bytes[index]
            switch lead {
            case 0x00...0x7F:
                index += 1
            case 0xC2...0xDF:
                guard continuation(index + 1) else { return index }
                index += 2
            case 0xE0...0xEF:
                let lower: UInt8 = lead == 0xE0 ? 0xA0 : 0x80
                let upper: UInt8 = lead == 0xED ? 0x9F : 0xBF
                guard continuation(index + 1, lower, upper), continuation(index + 2) else { return index }
                index += 3
            case 0xF0...0xF4:
                let lower: UInt8 = lead == 0xF0 ? 0x90 : 0x80
                let upper: UInt8 = lead == 0xF4 ? 0x8F : 0xBF
                guard continuation(index + 1, lower, upper), continuation(index + 2), continuation(index + 3) else {
                    return index
                }
                index += 4
            default:
                return index
            }
        }
        return nil
    }

    /// Decodes bytes already known to be well-formed UTF-8, or returns the offset of the first
    /// bad byte.
    @inline(__always)
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<String, InvalidOffset> {
        if bytes.isEmpty { return .success("") }
        if !isASCII(bytes), let offset = firstInvalidOffset(bytes) {
            return .failure(InvalidOffset(offset: offset, byte: bytes[offset]))
        }
        return .success(String(decoding: bytes, as: UTF8.self))
    }

    /// Where a byte sequence stops being UTF-8.
    struct InvalidOffset: Error {
        /// Zero-based offset in the bytes.
        var offset: Int
        /// The byte found there.
        var byte: UInt8
    }
}

extension UInt8 {
    /// `0x41`-style spelling for messages.
    var hexLiteral: String {
        let digits = Array("0123456789ABCDEF")
        return "0x" + String(digits[Int(self >> 4)]) + String(digits[Int(self & 0x0F)])
    }
}
