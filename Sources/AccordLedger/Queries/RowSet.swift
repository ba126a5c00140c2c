/// Rows ready to print, with their column names.
public struct RowSet: Sendable {
    public var columns: [Column]
    public var rows: [[Cell]]

    public init(columns: [String], rows: [[Cell]] = []) {
        self.columns = columns.map(Column.init)
        self.rows = rows
    }

    /// Writes the rows in `format` (`raw`: see ``RowWriter/init(format:columns:output:header:raw:)``).
    public func render(_ format: OutputFormat, header: Bool = true, raw: Bool = false, to output: TextOutput) {
        let writer = RowWriter(format: format, columns: columns, output: output, header: header, raw: raw)
        for row in rows { writer.write(row) }
        writer.finish()
    }
}
