/// A streaming reader of RFC 4180 CSV (or TSV) records.
///
/// ```swift
/// let reader = try CSVReader(path: "batch.csv")
/// while let record = try reader.next() {
///     print(record.line, record.fields)
/// }
/// ```
///
/// What it accepts:
/// - fields separated by ``Options/delimiter``; fields in double quotes may hold delimiters,
///   line breaks and doubled quotes (`""` for one `"`);
/// - records ending in LF, CRLF or a lone CR, the last one with or without a line end;
/// - a UTF-8 byte order mark at the very start, which is skipped;
/// - empty lines, which are skipped unless ``Options/skipsBlankLines`` is `false`.
///
/// Lines are counted the way editors count them: LF, CRLF and a lone CR each end one line,
/// inside quoted fields too. Empty input, or input that is only a byte order mark, has no record.
///
/// Errors are ``CSVError`` values (and ``ByteSourceError`` for I/O). After an error whose
/// ``CSVError/isRecoverable`` is `true`, the reader has skipped the rest of the bad record and
/// ``next()`` goes on with the following one; after any other error ``next()`` returns `nil`.
///
/// Memory stays flat: one chunk of input, the current record's fields, and at most
/// ``Options/maxFieldLength`` bytes for a field that spans chunks or holds doubled quotes.
/// The reader is not `Sendable`; use it from one task at a time.
public final class CSVReader {
    /// Where the bytes come from; ask it for progress (``ByteSource/fractionRead``).
    public let source: ByteSource
    /// The options the reader was made with.
    public let options: Options

    /// The state machine. A struct, so that its hot loops work on `inout self` without the
    /// dynamic exclusivity checks that a class's stored properties would need on every access.
    private var parser: CSVParser

    /// Creates a reader over a byte source.
    ///
    /// - Precondition: `options.delimiter` passes ``Options/isValidDelimiter(_:)``.
    public init(source: ByteSource, options: Options = .csv) {
        precondition(Options.isValidDelimiter(options.delimiter), "invalid CSV delimiter \(options.delimiter)")
        precondition(options.maxRawRecordLength >= 0, "negative maxRawRecordLength")
        self.source = source
        self.options = options
        parser = CSVParser(source: source, options: options)
    }

    /// Opens a file (or standard input for `"-"`) and reads it as CSV.
    ///
    /// - Throws: ``ByteSourceError`` when the file cannot be opened.
    public convenience init(path: String, options: Options = .csv, chunkSize: Int = ByteSource.defaultChunkSize) throws {
        self.init(source: try ByteSource(path: path, chunkSize: chunkSize), options: options)
    }

    deinit {
        parser.releaseHead()
    }

    /// The number of input bytes the reader has gone past, for a progress display.
    public var bytesConsumed: Int {
        source.bytesRead - parser.bytesBuffered
    }

    /// The 1-based physical line the reader has reached: where the next record starts, unless
    /// blank lines come first.
    public var currentLine: Int { parser.line }

    /// The delimiter in use: ``Options/delimiter``, or the one detected from the header when
    /// ``Options/detectsDelimiter`` is set (known once the first record has been read).
    public var delimiter: UInt8 { parser.options.delimiter }

    /// Whether the input started with a UTF-8 byte order mark (which is not part of any record).
    public var hadByteOrderMark: Bool { parser.sawByteOrderMark }

    /// The bytes of the record last returned (or last reported by a ``CSVError``) exactly as the
    /// input held them, its line end included when it had one; `nil` unless
    /// ``Options/keepsRawRecords`` is set, or when the record was longer than
    /// ``Options/maxRawRecordLength``. Blank lines skipped before a record and a byte order mark
    /// are not part of it; with blank lines kept, the raw records of an input without a byte
    /// order mark put back together give the input exactly.
    public var rawRecord: [UInt8]? {
        guard options.keepsRawRecords, !parser.rawOverflow else { return nil }
        return parser.raw
    }

    /// Reads the next record.
    ///
    /// - Returns: The record, or `nil` at the end of the input (and after a fatal error).
    /// - Throws: ``CSVError`` for malformed input; the reader goes on after it when
    ///   ``CSVError/isRecoverable``. ``ByteSourceError`` when reading fails, which ends the reader.
    public func next() throws -> CSVRecord? {
        try parser.next()
    }

    /// Reads all the remaining records into memory; for tests and small files.
    ///
    /// - Throws: The first error, as ``next()`` does.
    public func readAll() throws -> [CSVRecord] {
        var records: [CSVRecord] = []
        while let record = try next() { records.append(record) }
        return records
    }
}
