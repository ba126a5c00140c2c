import AccordCSV

/// The formats `accord import` reads.
public enum ImportFormat: String, Sendable, CaseIterable {
    /// RFC 4180 CSV with a header row.
    case csv
    /// JSON Lines: one flat object per line.
    case jsonl

    /// The format a file name implies: `.jsonl` and `.ndjson` are JSON Lines, anything else CSV.
    /// - Throws: ``LedgerError`` `.badInput` for `.json`, which holds one document, not lines.
    public init(path: String) throws {
        let lowered = path.lowercased()
        if lowered.hasSuffix(".jsonl") || lowered.hasSuffix(".ndjson") {
            self = .jsonl
        } else if lowered.hasSuffix(".json") {
            throw LedgerError.invalid(nil, "\(path) looks like one JSON document", hint: .importJSONLines)
        } else {
            self = .csv
        }
    }
}

/// One row read from an import file: its values by column, and where it was.
struct ImportRow {
    /// The 1-based line the row starts on.
    var line = 0
    /// Indexed by ``ImportColumn/rawValue``; nil when the row has no such column.
    var values = [String?](repeating: nil, count: ImportColumn.count)
    /// The columns the row has, in file order.
    var columns: [ImportColumn] = []

    subscript(_ column: ImportColumn) -> String? { values[column.rawValue] }

    /// The value when it holds something other than spaces, else nil.
    func given(_ column: ImportColumn) -> String? {
        guard let value = values[column.rawValue], !value.isBlank else { return nil }
        return value
    }
}

/// Reads an import file row by row, CSV or JSONL, mapping its columns.
///
/// File-level problems (no header, unknown or repeated columns) are thrown
/// as ``LedgerError`` `.badInput` by ``start()``; a bad row is returned as
/// ``Item/bad(line:message:)`` so the importer can list every one.
final class ImportReader {
    enum Item {
        case row
        case bad(line: Int, message: String)
    }

    let format: ImportFormat
    /// The name used in messages: the path, or "stdin".
    let name: String
    private let source: ByteSource
    private var csv: CSVReader?
    private var jsonl: JSONLReader?
    /// The header's columns, in file order (CSV).
    private(set) var header: [ImportColumn] = []
    /// The header as written (CSV), for the rejects file.
    private(set) var headerNames: [String] = []
    /// The current row; valid until the next call to ``next()``.
    private(set) var row = ImportRow()
    /// The current record's raw fields (CSV) or members (JSONL), for the rejects file.
    private(set) var rawFields: [String] = []
    private(set) var rawMembers: [(key: String, value: JSONLValue)] = []
    private var finished = false
    private var previousKeys: [String] = []
    private var previousColumns: [ImportColumn?] = []

    /// Opens `path` (`-` for standard input).
    /// - Throws: ``LedgerError`` `.badInput` when it cannot be opened.
    init(path: String, format: ImportFormat) throws {
        self.format = format
        name = path == "-" ? "stdin" : path
        do {
            source = try ByteSource(path: path)
        } catch let error as ByteSourceError {
            throw LedgerError.invalid(nil, "\(error)")
        }
        switch format {
        case .csv: csv = CSVReader(source: source)
        case .jsonl: jsonl = JSONLReader(source: source)
        }
    }

    /// Bytes parsed so far, and the size when known (regular files).
    var bytesConsumed: Int { csv?.bytesConsumed ?? jsonl?.bytesConsumed ?? 0 }
    var totalBytes: Int? { source.totalBytes }

    /// Reads the CSV header and checks its columns (JSONL has none).
    /// - Throws: ``LedgerError`` `.badInput` for an empty file, an unreadable
    ///   header, unknown or repeated columns.
    func start() throws {
        guard let csv else { return }
        let record: CSVRecord?
        do {
            record = try csv.next()
        } catch let error as CSVError {
            // A JSON Lines file with a .csv name fails here; say so rather than only why CSV cannot read it.
            let hint: Hint? = error.kind == .strayQuote && error.field == 1 ? .mayBeJSONLines : nil
            throw LedgerError.invalid(nil, "\(name):\(error.line): the header row is unreadable: \(error)", hint: hint)
        } catch let error as ByteSourceError {
            throw LedgerError.invalid(nil, "\(error)")
        }
        guard let record else {
            throw LedgerError.invalid(nil, "\(name): the file is empty: no header row; the first line names the columns, "
                                       + "e.g. id,commitment,quantity,observed,source")
        }
        headerNames = record.fields
        var unknown: [String] = []
        var seen: Set<ImportColumn> = []
        var columns: [ImportColumn] = []
        for raw in record.fields {
            let trimmed = TextRules.trimmed(raw)
            guard let column = ImportColumn.named(trimmed) ?? ImportColumn.named(trimmed.lowercased()) else {
                unknown.append(trimmed.isEmpty ? "(an empty name)" : "'\(TextRules.printable(trimmed, limit: 40))'")
                continue
            }
            guard seen.insert(column).inserted else {
                throw LedgerError.invalid(nil, "\(name):\(record.line): the column \(column.name) appears twice in the header")
            }
            columns.append(column)
        }
        if !unknown.isEmpty {
            throw LedgerError.invalid(nil, "\(name):\(record.line): unknown column\(unknown.count == 1 ? "" : "s") "
                                      + "\(unknown.joined(separator: ", ")); the columns are \(ImportColumn.allNames.joined(separator: ", "))")
        }
        header = columns
        row.columns = columns
    }

    /// Reads the next row into ``row``, or returns nil at the end of the input.
    /// - Throws: ``LedgerError`` `.failure` when reading the input fails.
    func next() throws -> Item? {
        guard !finished else { return nil }
        do {
            if let csv { return try nextCSV(csv) }
            if let jsonl { return try nextJSONL(jsonl) }
        } catch let error as CSVError {
            if !error.isRecoverable { finished = true }
            rawFields = []
            return .bad(line: error.recordLine, message: csvMessage(error))
        } catch let error as JSONLError {
            rawMembers = []
            return .bad(line: error.line, message: jsonlMessage(error))
        } catch let error as ByteSourceError {
            finished = true
            throw LedgerError(.io, "\(error); nothing was written")
        }
        return nil
    }

    private func nextCSV(_ csv: CSVReader) throws -> Item? {
        guard let record = try csv.next() else {
            finished = true
            return nil
        }
        rawFields = record.fields
        row.line = record.line
        guard record.fields.count == header.count else {
            return .bad(line: record.line, message: "the row has \(record.fields.count) field\(record.fields.count == 1 ? "" : "s") "
                        + "but the header has \(header.count); quote fields that hold commas")
        }
        for (index, column) in header.enumerated() {
            // Undo the ' an export puts before a cell a spreadsheet would run as a formula.
            row.values[column.rawValue] = FormulaEscaping.restored(record.fields[index])
        }
        return .row
    }

    private func nextJSONL(_ jsonl: JSONLReader) throws -> Item? {
        guard let record = try jsonl.next() else {
            finished = true
            return nil
        }
        rawMembers = record.fields
        row.line = record.line
        for column in row.columns { row.values[column.rawValue] = nil }
        row.columns.removeAll(keepingCapacity: true)
        let sameKeys = record.fields.count == previousKeys.count
            && zip(record.fields, previousKeys).allSatisfy { $0.key == $1 }
        if !sameKeys {
            previousKeys = record.fields.map(\.key)
            previousColumns = previousKeys.map { ImportColumn.named($0) }
        }
        var unknown: [String] = []
        for (index, member) in record.fields.enumerated() {
            guard let column = previousColumns[index] else {
                unknown.append("'\(TextRules.printable(member.key, limit: 40))'")
                continue
            }
            row.columns.append(column)
            switch member.value {
            case .string(let text): row.values[column.rawValue] = text
            case .number(let literal): row.values[column.rawValue] = literal
            case .bool(let flag): row.values[column.rawValue] = flag ? "true" : "false"
            case .null: row.values[column.rawValue] = ""
            }
        }
        if !unknown.isEmpty {
            return .bad(line: record.line, message: "unknown key\(unknown.count == 1 ? "" : "s") \(unknown.joined(separator: ", ")); "
                        + "the keys are " + ImportColumn.allNames.joined(separator: ", "))
        }
        return .row
    }

    private func csvMessage(_ error: CSVError) -> String {
        var message = error.message
        if let field = error.field {
            let column = field <= headerNames.count ? TextRules.trimmed(headerNames[field - 1]) : "field \(field)"
            message = "\(column): \(message)"
        }
        if error.line != error.recordLine {
            message += " (on line \(error.line))"
        }
        return message
    }

    private func jsonlMessage(_ error: JSONLError) -> String {
        var message = error.message
        if let key = error.key, !message.contains("\"\(key)\"") {
            message = "\(key): \(message)"
        }
        if let column = error.column { message += " (column \(column))" }
        return message
    }
}

extension String {
    /// True when empty or only white space.
    var isBlank: Bool {
        for byte in utf8 {
            if byte == 0x20 || byte == 0x09 || byte == 0x0a || byte == 0x0d { continue }
            if byte < 0x80 { return false }
            return TextRules.trimmed(self).isEmpty
        }
        return true
    }
}
