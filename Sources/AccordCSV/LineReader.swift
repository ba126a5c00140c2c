#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a ``ByteSource`` into LF-terminated lines without holding more than one line, and never
/// more than the line length limit.
///
/// A line that lies inside one chunk is handed out in place; one that spans chunks is gathered
/// in `spill`, a buffer that grows up to the limit. The owner calls ``deallocate()``.
struct LineReader {
    /// What a line holds.
    enum Content {
        /// The bytes of the line, without its LF or CRLF; valid until the next call to `next()`.
        case bytes(UnsafeBufferPointer<UInt8>)
        /// The line was longer than the limit; its bytes were dropped as they were read.
        case tooLong
    }

    let source: ByteSource
    let maxLength: Int

    private var chunk = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    private var position = 0
    private var spill = UnsafeMutableBufferPointer<UInt8>(start: nil, count: 0)
    private var spillCount = 0
    private var atEnd = false
    /// The number of the last line handed out.
    private(set) var line = 0
    /// Whether the last line handed out ended in CRLF (its CR is not in its bytes).
    private(set) var lastLineEndedWithCR = false

    init(source: ByteSource, maxLength: Int) {
        self.source = source
        self.maxLength = min(max(0, maxLength), Int.max - 1)
    }

    mutating func deallocate() {
        spill.deallocate()
        spill = UnsafeMutableBufferPointer(start: nil, count: 0)
    }

    /// Bytes read from the source but not yet handed out.
    var bytesBuffered: Int { chunk.count - position }

    /// The next line, or `nil` at the end of the input. A final line without an LF counts.
    mutating func next() throws -> (number: Int, content: Content)? {
        guard !atEnd else { return nil }
        var spilled = false
        var tooLong = false
        spillCount = 0
        while true {
            if position == chunk.count {
                chunk = try source.nextChunk()
                position = 0
                if chunk.isEmpty {
                    atEnd = true
                    guard spilled else { return nil }
                    line += 1
                    return (line, tooLong ? .tooLong : finish(UnsafeBufferPointer(rebasing: spill[0..<spillCount])))
                }
            }
            guard let base = chunk.baseAddress else { return nil }
            let rest = chunk.count - position
            guard let found = memchr(base + position, Int32(UInt8(ascii: "\n")), rest) else {
                // No line end in this chunk: keep what fits, at most the limit plus a CR.
                spilled = true
                if !tooLong {
                    tooLong = !append(UnsafeBufferPointer(start: base + position, count: rest))
                }
                position = chunk.count
                continue
            }
            let end = UnsafeRawPointer(found) - UnsafeRawPointer(base)
            let piece = UnsafeBufferPointer(start: base + position, count: end - position)
            position = end + 1
            line += 1
            if tooLong { return (line, .tooLong) }
            if spilled {
                guard append(piece) else { return (line, .tooLong) }
                return (line, finish(UnsafeBufferPointer(rebasing: spill[0..<spillCount])))
            }
            return (line, finish(piece))
        }
    }

    /// Drops a CR before the LF, a byte order mark on line 1, and checks the limit.
    private mutating func finish(_ bytes: UnsafeBufferPointer<UInt8>) -> Content {
        var content = bytes[...]
        lastLineEndedWithCR = content.last == UInt8(ascii: "\r")
        if lastLineEndedWithCR { content = content.dropLast() }
        if line == 1, content.starts(with: [0xEF, 0xBB, 0xBF]) { content = content.dropFirst(3) }
        guard content.count <= maxLength else { return .tooLong }
        return .bytes(UnsafeBufferPointer(rebasing: content))
    }

    /// Appends to `spill`, growing it; `false` when that would pass the limit (plus one byte
    /// for a CR).
    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let needed = spillCount + bytes.count
        guard needed <= maxLength + 1 else { return false }
        guard let from = bytes.baseAddress, !bytes.isEmpty else { return true }
        if needed > spill.count {
            let grown = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: min(maxLength + 1, max(needed, spill.count * 2, 4096)))
            if let old = spill.baseAddress, let new = grown.baseAddress {
                new.update(from: old, count: spillCount)
            }
            spill.deallocate()
            spill = grown
        }
        if let to = spill.baseAddress {
            (to + spillCount).update(from: from, count: bytes.count)
        }
        spillCount = needed
        return true
    }
}
