/// The state machine behind ``CSVReader``: where it is in the input, and the record being read.
///
/// It is a struct so that its loops mutate `inout self` with static exclusivity; `CSVReader`
/// owns one, and the memory it points to (`byteClass`, `head`).
struct CSVParser {
    typealias Options = CSVReader.Options

    let source: ByteSource
    /// The options; the delimiter is set once, at the start, when it is detected.
    var options: Options
    /// Finds where an unquoted field may end: delimiter, quote, LF, CR or NUL.
    var unquotedScanner: ByteScanner
    /// Finds where a quoted field may end, or a line is counted: quote, LF, CR or NUL.
    let quotedScanner: ByteScanner

    // Input: the current chunk (owned by `source`, or by `head` at the very start).
    var chunk = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    var position = 0
    var head: UnsafeMutableBufferPointer<UInt8>?
    /// Whether the byte before `chunk` was a CR (so an LF at offset 0 ends no extra line).
    var previousChunkEndedWithCR = false

    // Where the parser is.
    var line = 1
    var started = false
    var finished = false
    /// A CR ended the last record; an LF right after it belongs to that line end.
    var skipsLineFeed = false

    // The record being read; the buffers are reused from record to record.
    var recordLine = 1
    var fields: [String] = []
    var scratch: [UInt8] = []
    var recordError: CSVError?
    /// Whether the input started with a UTF-8 byte order mark.
    var sawByteOrderMark = false

    // The raw bytes of the record being read (``Options/keepsRawRecords``).
    /// Whether a record is being captured: bytes from `rawStart` in the chunk belong to it.
    var capturing = false
    var rawStart = 0
    var raw: [UInt8] = []
    /// The record was longer than ``Options/maxRawRecordLength``: `raw` is incomplete.
    var rawOverflow = false

    static let quote = UInt8(ascii: "\"")
    static let lineFeed = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")

    init(source: ByteSource, options: Options) {
        self.source = source
        self.options = options
        unquotedScanner = ByteScanner(stoppingAt: [options.delimiter, Self.quote, Self.lineFeed, Self.carriageReturn])
        quotedScanner = ByteScanner(stoppingAt: [Self.quote, Self.lineFeed, Self.carriageReturn])
        fields.reserveCapacity(32)
    }

    /// Bytes read from the source but not yet parsed.
    var bytesBuffered: Int { chunk.count - position }

    mutating func releaseHead() {
        head?.deallocate()
        head = nil
    }

    mutating func next() throws -> CSVRecord? {
        guard !finished else { return nil }
        do {
            if !started { try start() }
            guard try skipToRecord() else {
                finished = true
                return nil
            }
            recordLine = line
            recordError = nil
            fields.removeAll(keepingCapacity: true)
            if options.keepsRawRecords { beginRaw() }
            try readFields()
            if capturing { try endRaw() }
        } catch {
            if capturing { try? endRaw() }
            finished = true
            throw error
        }
        if let error = recordError {
            recordError = nil
            throw error
        }
        return CSVRecord(line: recordLine, fields: fields)
    }

    // MARK: - Input

    /// Replaces the exhausted chunk with the next one; `false` at the end of the input.
    mutating func refill() throws -> Bool {
        if capturing {
            keepRaw(upTo: chunk.count)
            rawStart = 0
        }
        if !chunk.isEmpty { previousChunkEndedWithCR = chunk[chunk.count - 1] == Self.carriageReturn }
        releaseHead()
        chunk = try source.nextChunk()
        position = 0
        return !chunk.isEmpty
    }

    /// Reads the first bytes, skips a UTF-8 byte order mark and refuses UTF-16.
    private mutating func start() throws {
        started = true
        let first = try source.nextChunk()
        if first.isEmpty || first.count >= 3 {
            chunk = first
        } else {
            // Tiny chunks: gather three bytes to see a byte order mark split across them.
            var bytes = Array(first)
            while bytes.count < 3 {
                let more = try source.nextChunk()
                if more.isEmpty { break }
                bytes.append(contentsOf: more)
            }
            let owned = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
            _ = owned.initialize(from: bytes)
            head = owned
            chunk = UnsafeBufferPointer(owned)
        }
        if chunk.count >= 2, (chunk[0] == 0xFF && chunk[1] == 0xFE) || (chunk[0] == 0xFE && chunk[1] == 0xFF) {
            throw CSVError(
                kind: .unsupportedEncoding, line: 1, recordLine: 1, field: nil,
                message: "the file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8")
        }
        if chunk.count >= 3, chunk[0] == 0xEF, chunk[1] == 0xBB, chunk[2] == 0xBF {
            position = 3
            sawByteOrderMark = true
        }
        if options.detectsDelimiter {
            let delimiter = Options.detectDelimiter(in: UnsafeBufferPointer(rebasing: chunk[position...]), fallback: options.delimiter)
            options.delimiter = delimiter
            unquotedScanner = ByteScanner(stoppingAt: [delimiter, Self.quote, Self.lineFeed, Self.carriageReturn])
        }
    }

    // MARK: - Raw records

    /// Starts keeping the bytes of the record that starts at `position`.
    private mutating func beginRaw() {
        raw.removeAll(keepingCapacity: raw.capacity <= 1 << 16)
        rawOverflow = false
        rawStart = position
        capturing = true
    }

    /// Keeps the record's bytes up to `position`, with the LF of a CRLF that ended it (reading
    /// the next chunk when the CR was the last byte of this one).
    private mutating func endRaw() throws {
        defer { capturing = false }
        if skipsLineFeed, position == chunk.count {
            guard try refill() else { return }
        }
        var end = position
        if skipsLineFeed, end < chunk.count, chunk[end] == Self.lineFeed { end += 1 }
        keepRaw(upTo: end)
    }

    /// Appends `chunk[rawStart..<end]` to `raw`, unless that passes the limit.
    private mutating func keepRaw(upTo end: Int) {
        guard !rawOverflow, end > rawStart else { return }
        guard raw.count + (end - rawStart) <= options.maxRawRecordLength else {
            rawOverflow = true
            raw.removeAll()
            return
        }
        raw.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[rawStart..<end]))
    }

    /// Consumes the LF of a CRLF and, when asked, blank lines; `false` at the end of the input.
    private mutating func skipToRecord() throws -> Bool {
        while true {
            if position == chunk.count, try !refill() { return false }
            let byte = chunk[position]
            if skipsLineFeed {
                skipsLineFeed = false
                if byte == Self.lineFeed {
                    position += 1
                    continue
                }
            }
            guard options.skipsBlankLines, byte == Self.lineFeed || byte == Self.carriageReturn else { return true }
            position += 1
            line += 1
            skipsLineFeed = byte == Self.carriageReturn
        }
    }

    // MARK: - Records

    /// How a field ended.
    enum FieldEnd {
        case delimiter, recordEnd, endOfInput
    }

    /// Reads the fields of one record into `fields`, noting the first problem in `recordError`.
    private mutating func readFields() throws {
        var index = 1
        while true {
            let end: FieldEnd
            if position == chunk.count, try !refill() {
                emit(UnsafeBufferPointer(start: nil, count: 0), field: index, line: line)
                return
            }
            if chunk[position] == Self.quote {
                position += 1
                end = try readQuotedField(index)
            } else {
                end = try readUnquotedField(index)
            }
            guard end == .delimiter else { return }
            index += 1
        }
    }

    /// Notes the first problem of the current record.
    mutating func fail(_ kind: CSVError.Kind, field: Int?, line: Int, _ message: String) {
        guard recordError == nil else { return }
        recordError = CSVError(kind: kind, line: line, recordLine: recordLine, field: field, message: message)
    }

    /// Appends a finished field to the record after checking its length and encoding.
    @inline(__always)
    mutating func emit(_ bytes: UnsafeBufferPointer<UInt8>, field: Int, line: Int) {
        guard recordError == nil else { return }
        guard bytes.count <= options.maxFieldLength else {
            fail(.fieldTooLong, field: field, line: line, tooLongMessage)
            return
        }
        guard fields.count < options.maxFieldCount else {
            fail(.tooManyFields, field: nil, line: line, "more than \(options.maxFieldCount) fields in one record")
            return
        }
        switch UTF8Validation.decode(bytes) {
        case .success(let string):
            fields.append(string)
        case .failure(let bad):
            fail(.invalidUTF8, field: field, line: line,
                 "invalid UTF-8 (byte \(bad.byte.hexLiteral) at byte \(bad.offset + 1) of the field); save the file as UTF-8")
        }
    }

    /// Emits the field gathered in `scratch`.
    mutating func emitScratch(field: Int, line: Int) {
        let bytes = scratch
        bytes.withUnsafeBufferPointer { emit($0, field: field, line: line) }
    }

    /// Adds bytes of a field that spans chunks (or holds doubled quotes) to `scratch`, refusing to
    /// hold more than the field length limit.
    mutating func spill(_ bytes: UnsafeBufferPointer<UInt8>, field: Int, line: Int) {
        guard recordError == nil, !bytes.isEmpty else { return }
        guard scratch.count + bytes.count <= options.maxFieldLength else {
            fail(.fieldTooLong, field: field, line: line, tooLongMessage)
            return
        }
        scratch.append(contentsOf: bytes)
    }

    /// Notes a field that is already longer than the limit, before a problem found further on.
    mutating func failIfTooLong(_ length: Int, field: Int, line: Int) {
        if length > options.maxFieldLength { fail(.fieldTooLong, field: field, line: line, tooLongMessage) }
    }

    var tooLongMessage: String {
        "longer than \(options.maxFieldLength) bytes (the limit)"
    }
}
