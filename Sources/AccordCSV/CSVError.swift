/// A problem in CSV input, with the physical line where it was found.
///
/// ``description`` reads well after a `FILE:LINE: ` prefix, for example
/// `batch.csv:12: field 3: invalid UTF-8 (byte 0xE9 at byte 5 of the field); save the file as UTF-8`.
///
/// Most errors spoil one record only: the reader has already skipped to the end of that record,
/// and the next call to ``CSVReader/next()`` goes on with the record after it, so that an importer
/// can list every bad row. Check ``isRecoverable``: after an unterminated quote or an unsupported
/// encoding the reader is finished.
public struct CSVError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// The input ends inside a quoted field. Ends the reader.
        case unterminatedQuote
        /// A quote inside a field that does not start with one, such as `ab"c`.
        case strayQuote
        /// Something other than a delimiter or a line end after a closing quote, such as `"ab"c`.
        case textAfterClosingQuote
        /// A field that is not well-formed UTF-8.
        case invalidUTF8
        /// A NUL byte, which text never contains (a UTF-16 file without a byte order mark has many).
        case nulByte
        /// A field longer than ``CSVReader/Options/maxFieldLength``.
        case fieldTooLong
        /// A record with more fields than ``CSVReader/Options/maxFieldCount``.
        case tooManyFields
        /// The input starts with a UTF-16 byte order mark. Ends the reader.
        case unsupportedEncoding
    }

    /// What went wrong.
    public var kind: Kind
    /// The 1-based physical line where the problem was found; for an unterminated quote, the line
    /// where the quote was opened.
    public var line: Int
    /// The 1-based physical line where the record containing the problem starts.
    public var recordLine: Int
    /// The 1-based index of the field within its record, when the problem is in one field.
    public var field: Int?
    /// A sentence saying what is wrong, without the file name or line.
    public var message: String

    /// Creates an error; the reader makes these, tests and importers may too.
    public init(kind: Kind, line: Int, recordLine: Int, field: Int?, message: String) {
        self.kind = kind
        self.line = line
        self.recordLine = recordLine
        self.field = field
        self.message = message
    }

    /// Whether the reader can go on with the next record after this error.
    public var isRecoverable: Bool {
        kind != .unterminatedQuote && kind != .unsupportedEncoding
    }

    /// The message prefixed by the field, such as `field 3: invalid UTF-8 …`.
    public var description: String {
        if let field { return "field \(field): \(message)" }
        return message
    }
}
