/// One record of a CSV file: its fields, in order, and the line it starts on.
///
/// A record is a random-access collection of its fields:
///
/// ```swift
/// let id = record[0]
/// for field in record { … }
/// ```
public struct CSVRecord: RandomAccessCollection, Equatable, Hashable, Sendable {
    /// The 1-based physical line on which the record starts. A record with a quoted line break
    /// spans several lines; the next record's `line` counts them.
    public var line: Int
    /// The fields, decoded from well-formed UTF-8, quotes removed and doubled quotes undoubled.
    public var fields: [String]

    /// Creates a record.
    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }

    /// The index of the first field: 0.
    public var startIndex: Int { 0 }
    /// One past the index of the last field: the field count.
    public var endIndex: Int { fields.count }

    /// The field at `index`, counting from 0.
    public subscript(index: Int) -> String { fields[index] }
}
