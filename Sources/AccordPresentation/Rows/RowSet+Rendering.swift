import AccordLedger

extension RowSet {
    /// Writes the rows in `format` (`raw`: see ``RowWriter/init(format:columns:output:header:raw:)``).
    public func render(_ format: OutputFormat, header: Bool = true, raw: Bool = false, to output: TextOutput) {
        let writer = RowWriter(format: format, columns: columns, output: output, header: header, raw: raw)
        for row in rows { writer.write(row) }
        writer.finish()
    }
}
