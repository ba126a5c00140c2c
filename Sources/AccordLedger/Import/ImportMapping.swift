import AccordCSV

/// How the columns of a file written by another tool (a KoboToolbox or ODK
/// Central export, an ACLED extract) become the columns an import reads.
///
/// A mapping says, for Accord's import columns (*fields*): which column of the
/// file fills each one (`columns`, ``map(_:)``), which hold one value
/// for every row (`set`, ``set(_:)``), how the file's values translate
/// (`values`: a table per field, e.g. ACLED's `time_precision` 1, 2, 3 to day,
/// week, month), which rows to keep (`where`, ``filter(_:)``: exact
/// match on the file's column; several values of one column are alternatives,
/// several columns must all match), and whether columns nothing reads are
/// ignored (`ignore_unknown`) or refused. A file column
/// named like an import column fills that field unless the mapping fills it
/// otherwise. The file form is JSON (docs: README, "Field data").
public struct ImportMapping: Sendable {
    /// Field ← the file's column (a CSV header name or a JSONL key).
    var columns: [ImportColumn: String] = [:]
    /// Field ← one value for every row.
    var constants: [ImportColumn: String] = [:]
    /// Field → (the file's value → the value imported); values not in the table pass unchanged.
    var values: [ImportColumn: [String: String]] = [:]
    /// The file's column → the values a row must hold there, in the order given.
    var filters: [(column: String, values: [String])] = []
    /// Columns that nothing reads are ignored instead of refused.
    public var ignoreUnknown = false
    /// The CSV delimiter; nil to detect it from the header.
    public var delimiter: UInt8?
    /// The file's format, when the mapping names it.
    public var format: ImportFormat?
    /// Columns filtered by ``filter(_:)`` (which replace a mapping file's filter on them).
    private var commandLineFilters: Set<String> = []

    /// An empty mapping: the file's columns are read by Accord's own names.
    public init() {}

    /// Whether the mapping changes anything beyond the default reading of a file.
    var isEmpty: Bool { columns.isEmpty && constants.isEmpty && values.isEmpty && filters.isEmpty }

    /// The fields the mapping fills, from a column or a constant.
    var filledFields: Set<ImportColumn> { Set(columns.keys).union(constants.keys) }

    /// The top-level keys of a mapping file.
    static let fileKeys = ["about", "format", "delimiter", "columns", "set", "values", "where", "ignore_unknown"]

    // MARK: - Command-line pieces

    /// `FIELD=COLUMN`: the field is filled from that column (replacing
    /// what a mapping file said for the field).
    /// - Throws: ``LedgerError`` `.invalid`.
    public mutating func map(_ assignment: String) throws {
        let (name, column) = try ImportMapping.split(assignment, option: .map, what: "FIELD=COLUMN")
        let field = try ImportMapping.field(name, context: .map)
        constants[field] = nil
        columns[field] = column
    }

    /// `FIELD=VALUE`: the field holds this value in every row (replacing
    /// what a mapping file said for the field).
    /// - Throws: ``LedgerError`` `.invalid`.
    public mutating func set(_ assignment: String) throws {
        let (name, value) = try ImportMapping.split(assignment, option: .set, what: "FIELD=VALUE")
        let field = try ImportMapping.field(name, context: .set)
        columns[field] = nil
        constants[field] = value
    }

    /// `COLUMN=VALUE`: keep only rows whose column holds this value
    /// (repeat it for alternatives; the first filter on a column replaces
    /// what a mapping file said for that column).
    /// - Throws: ``LedgerError`` `.invalid`.
    public mutating func filter(_ assignment: String) throws {
        let (column, value) = try ImportMapping.split(assignment, option: .filter, what: "COLUMN=VALUE", allowEmptyValue: true)
        if commandLineFilters.insert(column).inserted {
            filters.removeAll { $0.column == column }
        }
        if let index = filters.firstIndex(where: { $0.column == column }) {
            filters[index].values.append(value)
        } else {
            filters.append((column, [value]))
        }
    }

    /// A delimiter (``Field/delimiter``): one ASCII character (not a quote or a line end), or
    /// `comma`, `semicolon`, `tab` (also `\t`).
    /// - Throws: ``LedgerError`` `.invalid`.
    public static func delimiter(parsing text: String, field: Phrase = "\(option: .delimiter)") throws -> UInt8 {
        switch text.lowercased() {
        case "comma", ",": return UInt8(ascii: ",")
        case "semicolon", ";": return UInt8(ascii: ";")
        case "tab", "\\t", "\t": return UInt8(ascii: "\t")
        case "pipe", "|": return UInt8(ascii: "|")
        default: break
        }
        let bytes = Array(text.utf8)
        guard bytes.count == 1, CSVReader.Options.isValidDelimiter(bytes[0]), bytes[0] != UInt8(ascii: " ") else {
            throw LedgerError.invalid(.delimiter, "\(field): '\(TextRules.printable(text, limit: 20))' is not a delimiter; "
                                       + "give comma, semicolon, tab or another single character (not a quote or a line end)")
        }
        return bytes[0]
    }

    private static func split(_ assignment: String, option: Field, what: String,
                              allowEmptyValue: Bool = false) throws -> (String, String) {
        let parts = assignment.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else {
            throw LedgerError.invalid(option, "\(option: option) '\(TextRules.printable(assignment, limit: 60))' is not \(what)")
        }
        guard allowEmptyValue || !parts[1].isEmpty else {
            throw LedgerError.invalid(option, "\(option: option) \(TextRules.printable(String(parts[0]), limit: 40))= gives no value; "
                                       + "give \(what)")
        }
        return (String(parts[0]), String(parts[1]))
    }

    /// The import column a mapping fills: any column an import reads
    /// (not those an export adds, which the import ignores).
    static func field(_ name: String, context: Field) throws -> ImportColumn {
        try field(name, context: "\(option: context)", field: context)
    }

    /// As ``field(_:context:)``, for a key of a mapping file (`context`: "FILE: columns").
    static func field(_ name: String, context: Phrase, field: Field = .mapping) throws -> ImportColumn {
        guard let column = ImportColumn.named(name), !column.isReadOnly else {
            let names = ImportColumn.allCases.filter { !$0.isReadOnly }.map(\.name).joined(separator: ", ")
            throw LedgerError.invalid(field, "\(context): '\(TextRules.printable(name, limit: 40))' is not an import column; "
                                      + "the columns are \(names)")
        }
        return column
    }

    // MARK: - Mapping files

    /// The largest mapping file a front end reads (1 MiB): a mapping is a few
    /// lines of JSON, so a larger file is not one.
    public static let fileLimit = 1 << 20

    /// A mapping from the bytes of a mapping file (JSON), which the front end
    /// read; `name` is how messages name it (the file's path).
    /// - Throws: ``LedgerError`` `invalid(.mapping)` naming the file, and the
    ///   key or the line and column, of what is wrong.
    public init(json bytes: [UInt8], name: String) throws {
        let document: JSONDocument
        do {
            document = try JSONDocument.parse(bytes)
        } catch let error as JSONLError {
            throw LedgerError.invalid(.mapping, "\(name):\(error.line): column \(error.column ?? 1): \(error.message) (a mapping is a JSON object)")
        }
        try self.init(document: document, name: name)
    }

    /// A mapping from its JSON form.
    /// - Throws: ``LedgerError`` `.invalid`.
    init(document: JSONDocument, name: String) throws {
        func fail(_ message: String) -> LedgerError { LedgerError.invalid(.mapping, "\(name): \(message)") }
        guard let members = document.members else {
            throw fail("a mapping is a JSON object ({\"columns\": {…}, …}), not \(document.kindName)")
        }
        for member in members where !ImportMapping.fileKeys.contains(member.key) {
            throw fail("unknown key '\(TextRules.printable(member.key, limit: 40))'; a mapping has "
                       + ImportMapping.fileKeys.joined(separator: ", "))
        }
        func object(_ key: String) throws -> [JSONDocument.Member] {
            guard let value = document[key] else { return [] }
            guard let members = value.members else { throw fail("\(key) must be an object, not \(value.kindName)") }
            return members
        }
        func text(_ value: JSONDocument, _ place: String) throws -> String {
            switch value {
            case .string(let text): return text
            case .number(let literal): return literal
            case .bool(let flag): return flag ? "true" : "false"
            default: throw fail("\(place) must be a string, not \(value.kindName)")
            }
        }
        for member in try object("columns") {
            let field = try ImportMapping.field(member.key, context: "\(name): columns")
            let column = try text(member.value, "columns: \(member.key)")
            guard !column.isEmpty else { throw fail("columns: \(member.key) names no column") }
            columns[field] = column
        }
        for member in try object("set") {
            let field = try ImportMapping.field(member.key, context: "\(name): set")
            if columns[field] != nil { throw fail("\(member.key) is in both columns and set; give one") }
            constants[field] = try text(member.value, "set: \(member.key)")
        }
        for member in try object("values") {
            let field = try ImportMapping.field(member.key, context: "\(name): values")
            guard let table = member.value.members else {
                throw fail("values: \(member.key) must be an object of the file's values and what they become")
            }
            var translation: [String: String] = [:]
            for entry in table { translation[entry.key] = try text(entry.value, "values: \(member.key): \(entry.key)") }
            values[field] = translation
        }
        for member in try object("where") {
            let wanted: [String]
            if case .array(let elements) = member.value {
                wanted = try elements.map { try text($0, "where: \(member.key)") }
                if wanted.isEmpty { throw fail("where: \(member.key) lists no value") }
            } else {
                wanted = [try text(member.value, "where: \(member.key)")]
            }
            filters.append((member.key, wanted))
        }
        if let value = document["ignore_unknown"] {
            guard case .bool(let flag) = value else { throw fail("ignore_unknown must be true or false") }
            ignoreUnknown = flag
        }
        if let value = document["delimiter"] {
            delimiter = try ImportMapping.delimiter(parsing: try text(value, "delimiter"), field: "\(name): delimiter")
        }
        if let value = document["format"] {
            let word = try text(value, "format")
            guard let parsed = ImportFormat(rawValue: word.lowercased()) else {
                throw fail("format '\(TextRules.printable(word, limit: 20))' is not csv or jsonl")
            }
            format = parsed
        }
        if let about = document["about"], about.kindName != "a string" {
            throw fail("about must be a string, not \(about.kindName)")
        }
    }
}
