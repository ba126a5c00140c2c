import AccordCSV
import AccordLedger

/// The output formats of commands that print rows.
public enum OutputFormat: String, Sendable, CaseIterable {
    /// Aligned text table, JSON array, JSON Lines, CSV, TSV, Markdown table.
    case table, json, ndjson, csv, tsv, markdown
}

/// Writes rows in one of the ``OutputFormat``s. Every format but `table`
/// (which must see all rows to align them) streams each row as it comes.
public final class RowWriter {
    /// The format rows are written in.
    public let format: OutputFormat
    /// The columns, in order: their headers and how each cell is shown.
    public let columns: [Column]
    let output: TextOutput
    let header: Bool
    /// CSV and TSV text cells exactly as recorded, without ``FormulaEscaping``.
    let raw: Bool
    private var tableRows: [[Cell]] = []
    /// `"name":` for each column (its camelCase name, then its old snake_case
    /// one when that differs: ``JSONKeys``), for JSON output.
    private var keys: [[String]] = []
    private var count = 0

    /// - Parameter raw: CSV and TSV text cells exactly as recorded; by default
    ///   a cell a spreadsheet would run as a formula is neutralised (``FormulaEscaping``).
    public init(format: OutputFormat, columns: [Column], output: TextOutput, header: Bool = true, raw: Bool = false) {
        self.format = format
        self.columns = columns
        self.output = output
        self.header = header
        self.raw = raw
    }

    /// Whether the header (or the JSON array's opening) is out: written with
    /// the first row, or at ``finish()``, so that a read refused before its
    /// first row prints nothing at all.
    private var started = false

    private func start() {
        guard !started else { return }
        started = true
        switch format {
        case .csv where header: output.line(columns.map { RowWriter.csvField($0.name) }.joined(separator: ",") + "\r")
        case .tsv where header: output.line(columns.map { RowWriter.tsvField($0.name) }.joined(separator: "\t"))
        case .markdown:
            output.line("| " + columns.map { RowWriter.markdownField($0.name) }.joined(separator: " | ") + " |")
            output.line("|" + columns.map { _ in " --- |" }.joined())
        case .json: output.write("[")
        default: break
        }
    }

    /// Writes one row (one cell per column); a table's rows wait for ``finish()`` to be aligned.
    public func write(_ cells: [Cell]) {
        start()
        switch format {
        case .table:
            tableRows.append(cells)
        case .csv:
            output.line(cells.map { RowWriter.csvField(spreadsheetText($0)) }.joined(separator: ",") + "\r")
        case .tsv:
            output.line(cells.map { RowWriter.tsvField(spreadsheetText($0)) }.joined(separator: "\t"))
        case .markdown:
            output.line("| " + cells.map { RowWriter.markdownField($0.display) }.joined(separator: " | ") + " |")
        case .json:
            output.write(count == 0 ? "\n" : ",\n")
            output.write(objectText(cells))
        case .ndjson:
            output.line(objectText(cells))
        }
        count += 1
    }

    /// A cell's text for CSV or TSV: text neutralised unless ``raw``; numbers as they are.
    private func spreadsheetText(_ cell: Cell) -> String {
        guard !raw, case .text(let text) = cell else { return cell.plain }
        return FormulaEscaping.neutralised(text)
    }

    /// Finishes the output (prints the aligned table, closes the JSON array).
    public func finish() {
        start()
        switch format {
        case .table:
            RowWriter.renderTable(columns: columns, rows: tableRows, header: header, into: output)
        case .json:
            output.line(count == 0 ? "]" : "\n]")
        default:
            break
        }
        output.flush()
    }

    /// `{"name":value,…}`, exactly as `JSON.object` serializes it, written
    /// straight into one string (exports write millions of rows).
    private func objectText(_ cells: [Cell]) -> String {
        if keys.isEmpty {
            keys = columns.map { column in
                JSONKeys.keys(column.name).map { name in
                    var key = ""
                    JSON.quote(name, into: &key)
                    return key + ":"
                }
            }
        }
        guard !cells.isEmpty else { return "{}" }
        var text = "{"
        var first = true
        for (index, cell) in zip(cells.indices, cells) where index < keys.count {
            var value = ""
            switch cell {
            case .text(let string): JSON.quote(string, into: &value)
            case .int(let number): value = String(number)
            case .number(let number), .rate(let number): value = Cell.format(number)
            case .decimal(let quantity): value = quantity.description
            case .bool(let flag): value = flag ? "true" : "false"
            case .null: value = "null"
            }
            for key in keys[index] {
                if !first { text += "," }
                first = false
                text += key
                text += value
            }
        }
        return text + "}"
    }

    /// Aligned columns: text left, numbers right, two spaces apart.
    static func renderTable(columns: [Column], rows: [[Cell]], header: Bool, into output: TextOutput) {
        var widths = columns.map { header ? $0.name.count : 0 }
        // A column is right-aligned when it holds numbers and nothing else but nulls.
        var numbers = columns.map { _ in 0 }
        var others = columns.map { _ in 0 }
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.display.count)
                if case .null = cell { continue }
                if cell.isNumeric { numbers[index] += 1 } else { others[index] += 1 }
            }
        }
        let numeric = zip(numbers, others).map { $0 > 0 && $1 == 0 }
        func render(_ values: [String]) -> String {
            var parts: [String] = []
            for (index, value) in values.enumerated() {
                let padding = String(repeating: " ", count: max(0, widths[index] - value.count))
                let last = index == values.count - 1
                if numeric[index] && !rows.isEmpty {
                    parts.append(padding + value)
                } else {
                    parts.append(last ? value : value + padding)
                }
            }
            return parts.joined(separator: "  ")
        }
        if header { output.line(render(columns.map { $0.name.uppercased() })) }
        for row in rows { output.line(render(row.map(\.display))) }
    }

    /// RFC 4180 quoting (``CSVField/quoted(_:)``).
    static func csvField(_ text: String) -> String { CSVField.quoted(text) }

    /// TSV: tab, newline, carriage return and backslash are escaped as \t \n \r \\.
    static func tsvField(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 9 || $0 == 10 || $0 == 13 || $0 == UInt8(ascii: "\\") }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\\": out += "\\\\"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A Markdown table cell: ``MarkdownText`` with line breaks as `<br>`.
    static func markdownField(_ text: String) -> String {
        MarkdownText.escaped(text, lineBreak: "<br>")
    }
}
