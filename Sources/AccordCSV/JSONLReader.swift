/// A streaming reader of JSONL (JSON Lines): one flat JSON object per line.
///
/// ```swift
/// let reader = try JSONLReader(path: "batch.jsonl")
/// while let record = try reader.next() {
///     if case .number(let text)? = record["quantity"] { … }
/// }
/// ```
///
/// Each line is parsed strictly by RFC 8259 into its members, in order. A value may be a string,
/// a number (kept as written, see ``JSONLValue/number(_:)``), `true`, `false` or `null`; an
/// object or array is an error naming its key. Lines end in LF or CRLF; blank lines (only
/// whitespace) are skipped but counted; a UTF-8 byte order mark on line 1 is skipped.
///
/// Every ``JSONLError`` spoils one line: the next call to ``next()`` goes on with the next line.
/// Memory stays flat: one chunk of input and at most ``Options/maxLineLength`` bytes of a line
/// that spans chunks. The reader is not `Sendable`; use it from one task at a time.
public final class JSONLReader {
    /// Limits for a ``JSONLReader``.
    public struct Options: Sendable, Equatable {
        /// The longest line accepted, in bytes without its line end. Defaults to 1 MiB. A longer
        /// line is reported as ``JSONLError/Kind/lineTooLong`` without holding it in memory.
        public var maxLineLength: Int
        /// Whether the reader keeps the bytes of each line for ``JSONLReader/rawLine``.
        /// Defaults to `false`.
        public var keepsRawLines: Bool

        /// Creates options.
        public init(maxLineLength: Int = 1 << 20, keepsRawLines: Bool = false) {
            self.maxLineLength = maxLineLength
            self.keepsRawLines = keepsRawLines
        }
    }

    /// Where the bytes come from; ask it for progress (``ByteSource/fractionRead``).
    public let source: ByteSource
    /// The options the reader was made with.
    public let options: Options

    private var lines: LineReader
    private var fields: [(key: String, value: JSONLValue)] = []
    private var scratch: [UInt8] = []
    private var previousKeys: [String] = []
    private var finished = false

    /// The bytes of the line last returned (or last reported by a ``JSONLError``) exactly as the
    /// input held them, with its CR when it ended in CRLF but without its LF (and without a byte
    /// order mark on line 1); `nil` unless ``Options/keepsRawLines`` is set, or when the line was
    /// longer than ``Options/maxLineLength``.
    public private(set) var rawLine: [UInt8]?

    /// Creates a reader over a byte source.
    public init(source: ByteSource, options: Options = Options()) {
        self.source = source
        self.options = options
        lines = LineReader(source: source, maxLength: options.maxLineLength)
        fields.reserveCapacity(32)
    }

    /// Opens a file (or standard input for `"-"`) and reads it as JSONL.
    ///
    /// - Throws: ``ByteSourceError`` when the file cannot be opened.
    public convenience init(path: String, options: Options = Options(), chunkSize: Int = ByteSource.defaultChunkSize) throws {
        self.init(source: try ByteSource(path: path, chunkSize: chunkSize), options: options)
    }

    deinit {
        lines.deallocate()
    }

    /// The number of input bytes the reader has gone past, for a progress display.
    public var bytesConsumed: Int {
        source.bytesRead - lines.bytesBuffered
    }

    /// Reads the next record, skipping blank lines.
    ///
    /// - Returns: The record, or `nil` at the end of the input (and after an I/O error).
    /// - Throws: ``JSONLError`` for a bad line, after which the reader goes on with the next line;
    ///   ``ByteSourceError`` when reading fails, which ends the reader.
    public func next() throws -> JSONLRecord? {
        while !finished {
            let next: (number: Int, content: LineReader.Content)?
            do {
                next = try lines.next()
            } catch {
                finished = true
                throw error
            }
            guard let (number, content) = next else {
                finished = true
                return nil
            }
            guard case .bytes(let bytes) = content else {
                rawLine = nil
                throw JSONLError(kind: .lineTooLong, line: number, column: nil, key: nil,
                                 message: "line longer than \(options.maxLineLength) bytes (the limit)")
            }
            if options.keepsRawLines {
                var line = Array(bytes)
                if lines.lastLineEndedWithCR { line.append(UInt8(ascii: "\r")) }
                rawLine = line
            }
            var parser = JSONObjectParser(bytes: bytes, line: number)
            if try parser.parse(into: &fields, previousKeys: &previousKeys, scratch: &scratch) {
                return JSONLRecord(line: number, fields: fields)
            }
        }
        return nil
    }

    /// Reads all the remaining records into memory; for tests and small files.
    ///
    /// - Throws: The first error, as ``next()`` does.
    public func readAll() throws -> [JSONLRecord] {
        var records: [JSONLRecord] = []
        while let record = try next() { records.append(record) }
        return records
    }
}
