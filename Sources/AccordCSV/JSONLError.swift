/// A problem in one line of JSONL input.
///
/// ``description`` reads well after a `FILE:LINE: ` prefix, for example
/// `batch.jsonl:7: column 31: invalid escape '\x' in the value of "note"`.
///
/// Each error spoils its line only: the next call to ``JSONLReader/next()`` goes on with the
/// next line, so that an importer can list every bad line.
public struct JSONLError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// The line holds a JSON value that is not an object.
        case notAnObject
        /// A member's value is an object or an array.
        case nestedValue
        /// Something follows the object on its line.
        case trailingCharacters
        /// The same key appears twice in one object.
        case duplicateKey
        /// Bytes that are not well-formed UTF-8.
        case invalidUTF8
        /// A backslash escape that JSON does not define, or a bad `\u` escape.
        case invalidEscape
        /// A `\u` escape of a UTF-16 surrogate that is not part of a pair.
        case unpairedSurrogate
        /// `\u0000`, or another control character, which the ledger does not store in text.
        case controlCharacter
        /// A number that does not follow JSON's grammar (`01`, `1.`, `+1`, `.5`).
        case invalidNumber
        /// Any other departure from JSON's grammar: a missing colon, comma, quote or brace.
        case syntax
        /// A line longer than ``JSONLReader/Options/maxLineLength``.
        case lineTooLong
    }

    /// What went wrong.
    public var kind: Kind
    /// The 1-based line number.
    public var line: Int
    /// The 1-based byte column in the line where the problem was found, when there is one.
    public var column: Int?
    /// The key of the member where the problem was found, when there is one.
    public var key: String?
    /// A sentence saying what is wrong, without the file name, line or column.
    public var message: String

    /// Creates an error; the reader makes these, tests and importers may too.
    public init(kind: Kind, line: Int, column: Int?, key: String?, message: String) {
        self.kind = kind
        self.line = line
        self.column = column
        self.key = key
        self.message = message
    }

    /// The message prefixed by the column, such as `column 31: invalid escape …`.
    public var description: String {
        if let column { return "column \(column): \(message)" }
        return message
    }
}
