import AccordCSV

/// The formats an import reads.
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
        case bad(line: Int, message: Phrase)
        /// A row that a `where` filter leaves out.
        case skipped
    }

    let format: ImportFormat
    /// The name used in messages, as the front end gave it (a file's path, `stdin`, `body`).
    let name: String
    let mapping: ImportMapping
    private let source: ByteSource
    private var csv: CSVReader?
    private var jsonl: JSONLReader?
    /// The header as written (CSV).
    private(set) var headerNames: [String] = []
    /// The header record's bytes as read (CSV, when raw records are kept).
    private(set) var headerRaw: [UInt8]?
    /// The fields every row has (CSV), and the constant ones (both formats).
    private(set) var header: [ImportColumn] = []
    /// The current row; valid until the next call to ``next()``.
    private(set) var row = ImportRow()
    private var finished = false

    /// CSV: which field of a record fills each column.
    private var plan: [(column: ImportColumn, index: Int)] = []
    /// CSV: the filters, by field index.
    private var filterPlan: [(index: Int, values: Set<String>)] = []
    /// JSONL: the keys of the previous line and what each feeds.
    private var previousKeys: [String] = []
    private var previousRoles: [KeyRole] = []
    /// Translation tables by column raw value.
    private let tables: [[String: String]?]
    /// The file's columns the mapping reads, and the fields each fills.
    private let mappedColumns: [String: [ImportColumn]]
    private let filters: [String: Set<String>]

    /// What a JSONL key feeds.
    private enum KeyRole {
        case fields([ImportColumn])
        case filter
        case ignored
        case unknown
    }

    /// Reads `source`, naming it `name` in messages.
    init(source: ByteSource, name: String, format: ImportFormat, mapping: ImportMapping = ImportMapping(), keepsRaw: Bool = false) {
        self.format = format
        self.mapping = mapping
        self.name = name
        self.source = source
        switch format {
        case .csv:
            let options = CSVReader.Options(delimiter: mapping.delimiter ?? UInt8(ascii: ","), detectsDelimiter: mapping.delimiter == nil,
                                            keepsRawRecords: keepsRaw)
            csv = CSVReader(source: source, options: options)
        case .jsonl:
            jsonl = JSONLReader(source: source, options: JSONLReader.Options(keepsRawLines: keepsRaw))
        }
        var tables = [[String: String]?](repeating: nil, count: ImportColumn.count)
        for (column, table) in mapping.values { tables[column.rawValue] = table }
        self.tables = tables
        var mapped: [String: [ImportColumn]] = [:]
        for (column, name) in mapping.columns.sorted(by: { $0.key.rawValue < $1.key.rawValue }) { mapped[name, default: []].append(column) }
        mappedColumns = mapped
        filters = Dictionary(mapping.filters.map { ($0.column, Set($0.values)) }, uniquingKeysWith: { $0.union($1) })
    }

    /// Bytes parsed so far, and the size when known (regular files).
    var bytesConsumed: Int { csv?.bytesConsumed ?? jsonl?.bytesConsumed ?? 0 }
    var totalBytes: Int? { source.totalBytes }

    /// The current record's bytes exactly as read (the line of a JSONL file
    /// without its LF), when raw records are kept and it was not too long.
    var rawRecord: [UInt8]? { csv?.rawRecord ?? jsonl?.rawLine }
    /// Whether the file started with a UTF-8 byte order mark.
    var hadByteOrderMark: Bool { csv?.hadByteOrderMark ?? false }
    /// The CSV delimiter in use (detected or given).
    var delimiter: UInt8? { csv?.delimiter }

    /// Reads the CSV header and checks its columns against the mapping (JSONL has none).
    /// - Throws: ``LedgerError`` `.badInput` for an empty file, an unreadable
    ///   header, unknown or repeated columns, a mapped column that is missing.
    func start() throws {
        for (column, value) in mapping.constants { row.values[column.rawValue] = value }
        guard let csv else {
            header = mapping.constants.keys.sorted { $0.rawValue < $1.rawValue }
            row.columns = header
            return
        }
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
        headerRaw = csv.rawRecord
        let line = record.line
        // Exact names first, then trimmed: form tools write names exactly; people add spaces.
        var exact: [String: Int] = [:]
        var trimmed: [String: Int] = [:]
        for (index, raw) in record.fields.enumerated() {
            if exact[raw] == nil { exact[raw] = index }
            let key = TextRules.trimmed(raw)
            if trimmed[key] == nil { trimmed[key] = index }
        }
        func locate(_ column: String, for use: String) throws -> Int {
            if let index = exact[column] ?? trimmed[TextRules.trimmed(column)] {
                if record.fields.filter({ $0 == record.fields[index] }).count > 1 {
                    throw LedgerError.invalid(nil, "\(name):\(line): the column '\(TextRules.printable(column, limit: 60))' (\(use)) "
                                               + "appears twice in the header")
                }
                return index
            }
            throw LedgerError.invalid(.mapping, "\(name):\(line): no column '\(TextRules.printable(column, limit: 60))' (\(use)); "
                                       + "the header has \(ImportReader.listed(record.fields))")
        }
        var used = Set<Int>()
        var columns: [(ImportColumn, Int)] = []
        for (column, source) in mapping.columns.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let index = try locate(source, for: "mapped to \(column.name)")
            columns.append((column, index))
            used.insert(index)
        }
        var filtered = Set<Int>()
        for filter in mapping.filters {
            let index = try locate(filter.column, for: "in a where filter")
            filterPlan.append((index, Set(filter.values)))
            filtered.insert(index)
        }
        let filled = mapping.filledFields
        var unknown: [String] = []
        var seen = Set(columns.map(\.0))
        for (index, raw) in record.fields.enumerated() where !used.contains(index) {
            let trimmedName = TextRules.trimmed(raw)
            guard let column = ImportColumn.named(trimmedName) ?? ImportColumn.named(trimmedName.lowercased()) else {
                if filtered.contains(index) { continue }
                unknown.append(trimmedName.isEmpty ? "(an empty name)" : "'\(TextRules.printable(trimmedName, limit: 40))'")
                continue
            }
            // A column the mapping fills otherwise is not read.
            if filled.contains(column) { continue }
            guard seen.insert(column).inserted else {
                throw LedgerError.invalid(nil, "\(name):\(line): the column \(column.name) appears twice in the header")
            }
            columns.append((column, index))
        }
        if !unknown.isEmpty && !mapping.ignoreUnknown {
            let them = unknown.count == 1 ? "it" : "them"
            let hint: Phrase = mapping.isEmpty
                ? "the columns are \(ImportColumn.allNames.joined(separator: ", ")) (map a file's own columns with "
                    + "\(option: .map) FIELD=COLUMN or \(option: .mapping) FILE, or pass \(option: .ignoreUnknown))"
                : "map \(them) with \(option: .map) FIELD=COLUMN, or pass \(option: .ignoreUnknown) to leave \(them) out"
            throw LedgerError.invalid(nil, "\(name):\(line): unknown column\(unknown.count == 1 ? "" : "s") "
                                       + "\(ImportReader.shortList(unknown)); \(hint)")
        }
        plan = columns.sorted { $0.1 < $1.1 }
        header = plan.map(\.column) + mapping.constants.keys.sorted { $0.rawValue < $1.rawValue }
        row.columns = header
    }

    /// "'a', 'b' and 3 more".
    static func shortList(_ names: [String], limit: Int = 12) -> String {
        names.count <= limit ? names.joined(separator: ", ")
            : names.prefix(limit).joined(separator: ", ") + " and \(names.count - limit) more"
    }

    private static func listed(_ header: [String]) -> String {
        shortList(header.map { "'\(TextRules.printable($0, limit: 40))'" })
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
            return .bad(line: error.recordLine, message: Phrase(verbatim: csvMessage(error)))
        } catch let error as JSONLError {
            return .bad(line: error.line, message: Phrase(verbatim: jsonlMessage(error)))
        } catch let error as ByteSourceError {
            finished = true
            throw LedgerError(.io, "\(error); nothing was written")
        }
        return nil
    }

    /// A value as the mapping translates it.
    @inline(__always)
    private func translated(_ value: String, _ column: ImportColumn) -> String {
        guard let table = tables[column.rawValue] else { return value }
        return table[value] ?? table[TextRules.trimmed(value)] ?? value
    }

    private func nextCSV(_ csv: CSVReader) throws -> Item? {
        guard let record = try csv.next() else {
            finished = true
            return nil
        }
        row.line = record.line
        guard record.fields.count == headerNames.count else {
            let delimiter = csv.delimiter == UInt8(ascii: "\t") ? "tabs" : "'\(Character(Unicode.Scalar(csv.delimiter)))'"
            return .bad(line: record.line, message: "the row has \(record.fields.count) field\(record.fields.count == 1 ? "" : "s") "
                        + "but the header has \(headerNames.count); quote fields that hold \(delimiter)")
        }
        for filter in filterPlan where !filter.values.contains(FormulaEscaping.restored(record.fields[filter.index])) {
            return .skipped
        }
        for (column, index) in plan {
            // Undo the ' an export puts before a cell a spreadsheet would run as a formula.
            row.values[column.rawValue] = translated(FormulaEscaping.restored(record.fields[index]), column)
        }
        return .row
    }

    private func nextJSONL(_ jsonl: JSONLReader) throws -> Item? {
        guard let record = try jsonl.next() else {
            finished = true
            return nil
        }
        row.line = record.line
        for column in row.columns { row.values[column.rawValue] = nil }
        row.columns.removeAll(keepingCapacity: true)
        for (column, value) in mapping.constants {
            row.values[column.rawValue] = value
            row.columns.append(column)
        }
        let sameKeys = record.fields.count == previousKeys.count
            && zip(record.fields, previousKeys).allSatisfy { $0.key == $1 }
        if !sameKeys {
            previousKeys = record.fields.map(\.key)
            previousRoles = previousKeys.map(role)
        }
        var unknown: [String] = []
        var present: [String: String] = [:]
        for (index, member) in record.fields.enumerated() {
            let text: String
            switch member.value {
            case .string(let value): text = value
            case .number(let literal): text = literal
            case .bool(let flag): text = flag ? "true" : "false"
            case .null: text = ""
            }
            switch previousRoles[index] {
            case .fields(let columns):
                for column in columns {
                    let value = translated(text, column)
                    if let earlier = row.values[column.rawValue] {
                        // The same column under both spellings (source_kind and sourceKind).
                        if earlier != value {
                            return .bad(line: record.line, message: "\(column.name): the line gives it twice with different values "
                                        + "('\(TextRules.printable(earlier, limit: 30))' and '\(TextRules.printable(value, limit: 30))')")
                        }
                        continue
                    }
                    row.values[column.rawValue] = value
                    row.columns.append(column)
                }
                if filters[member.key] != nil { present[member.key] = text }
            case .filter:
                present[member.key] = text
            case .ignored:
                continue
            case .unknown:
                unknown.append("'\(TextRules.printable(member.key, limit: 40))'")
            }
        }
        for (key, values) in filters where !values.contains(present[key] ?? "") {
            return .skipped
        }
        if !unknown.isEmpty {
            let them = unknown.count == 1 ? "it" : "them"
            let hint: Phrase = mapping.isEmpty
                ? "the keys are \(ImportColumn.allNames.joined(separator: ", ")) (or pass \(option: .ignoreUnknown))"
                : "map \(them) with \(option: .map) FIELD=KEY, or pass \(option: .ignoreUnknown)"
            return .bad(line: record.line, message: "unknown key\(unknown.count == 1 ? "" : "s") \(ImportReader.shortList(unknown)); \(hint)")
        }
        return .row
    }

    /// What a JSONL key feeds, given the mapping.
    private func role(_ key: String) -> KeyRole {
        if let columns = mappedColumns[key] { return .fields(columns) }
        if let column = ImportColumn.named(key), !mapping.filledFields.contains(column) { return .fields([column]) }
        if filters[key] != nil { return .filter }
        if ImportColumn.named(key) != nil || mapping.ignoreUnknown { return .ignored }
        return .unknown
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
