/// Finds the first byte of interest in a buffer, eight bytes at a time (SWAR: SIMD within a
/// register), so that the common case of a plain field costs a few operations per eight bytes.
struct ByteScanner {
    /// The bytes to look for, each repeated in all eight lanes; unused slots repeat NUL.
    private let first: UInt64
    private let second: UInt64
    private let third: UInt64
    private let fourth: UInt64
    private let bytes: (UInt8, UInt8, UInt8, UInt8)

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// A scanner that stops at NUL and at up to four other bytes.
    init(stoppingAt bytes: [UInt8]) {
        precondition(bytes.count <= 4)
        let lanes = bytes.map { UInt64($0) &* Self.ones } + Array(repeating: 0, count: 4 - bytes.count)
        first = lanes[0]
        second = lanes[1]
        third = lanes[2]
        fourth = lanes[3]
        let padded = bytes + Array(repeating: 0, count: 4 - bytes.count)
        self.bytes = (padded[0], padded[1], padded[2], padded[3])
    }

    /// A word with the high bit set in the lane of each zero byte of `word`. Bits above the first
    /// zero byte may be set spuriously (a borrow), so only the lowest set bit is exact.
    @inline(__always)
    private static func zeroLanes(_ word: UInt64) -> UInt64 {
        (word &- ones) & ~word & highBits
    }

    /// The index of the first byte at or after `start` that is NUL or one of the scanner's bytes,
    /// or `buffer.count` when there is none.
    @inline(__always)
    func firstStop(in buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = buffer.baseAddress else { return start }
        let raw = UnsafeRawPointer(base)
        let count = buffer.count
        var index = start
        while index + 8 <= count {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            let found = Self.zeroLanes(word) | Self.zeroLanes(word ^ first) | Self.zeroLanes(word ^ second)
                | Self.zeroLanes(word ^ third) | Self.zeroLanes(word ^ fourth)
            if found != 0 {
                return index + found.trailingZeroBitCount >> 3
            }
            index += 8
        }
        while index < count {
            let byte = base[index]
            if byte == 0 || byte == bytes.0 || byte == bytes.1 || byte == bytes.2 || byte == bytes.3 {
                return index
            }
            index += 1
        }
        return count
    }

    /// The index of the first byte at or after `start` that is a quote, a backslash or a control
    /// character (below 0x20), which is where a JSON string's plain run ends; `buffer.count` when
    /// there is none.
    @inline(__always)
    static func firstJSONStringStop(in buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = buffer.baseAddress else { return start }
        let raw = UnsafeRawPointer(base)
        let count = buffer.count
        let quotes = UInt64(UInt8(ascii: "\"")) &* ones
        let backslashes = UInt64(UInt8(ascii: "\\")) &* ones
        var index = start
        while index + 8 <= count {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            // Bytes below 0x20: like `zeroLanes`, exact in the lowest lane that is set.
            let control = (word &- 0x2020_2020_2020_2020) & ~word & highBits
            let found = control | zeroLanes(word ^ quotes) | zeroLanes(word ^ backslashes)
            if found != 0 {
                return index + found.trailingZeroBitCount >> 3
            }
            index += 8
        }
        while index < count {
            let byte = base[index]
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return index }
            index += 1
        }
        return count
    }
}
