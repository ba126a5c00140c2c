import AccordCSV

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes the rows an import rejected, as they were given plus an `error`
/// column (CSV) or key (JSONL), so they can be fixed and imported again.
/// A CSV rejects file is opened in a spreadsheet to be fixed: its cells are
/// neutralised like an export's (``FormulaEscaping``), which the import undoes.
final class RejectsWriter {
    let path: String
    let format: ImportFormat
    private let output: TextOutput
    private let descriptor: Int32
    private var headerCount = 0
    /// Where the `error` value goes in a CSV row.
    private var errorIndex = 0

    /// Creates (or empties) the file and writes the CSV header.
    /// - Throws: ``LedgerError`` `.failure` when the file cannot be created,
    ///   `.badInput` when `path` is a link or not a regular file.
    init(path: String, format: ImportFormat, headerNames: [String]) throws {
        self.path = path
        self.format = format
        if let why = AtomicFile.kindRefusal(path) {
            throw LedgerError.invalid(nil, "the rejects file \(path) \(why)")
        }
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else {
            throw LedgerError.writing(path, doing: "cannot create the rejects file", code: errno)
        }
        output = TextOutput(fileDescriptor: descriptor)
        if format == .csv {
            var names = headerNames
            if let index = names.firstIndex(where: { TextRules.trimmed($0).lowercased() == "error" }) {
                errorIndex = index
            } else {
                errorIndex = names.count
                names.append("error")
            }
            headerCount = names.count
            output.line(names.map(RejectsWriter.csvCell).joined(separator: ",") + "\r")
        }
    }

    /// Writes a rejected CSV row (`fields` empty when the reader could not split it).
    func write(fields: [String], line: Int, message: String) {
        var cells = fields
        if cells.count < headerCount { cells += Array(repeating: "", count: headerCount - cells.count) }
        if cells.count > headerCount { cells = Array(cells.prefix(headerCount)) }
        cells[errorIndex] = "line \(line): \(message)"
        output.line(cells.map(RejectsWriter.csvCell).joined(separator: ",") + "\r")
    }

    /// A field as the import read it (its formula-escaping undone), neutralised again and quoted.
    private static func csvCell(_ field: String) -> String {
        RowWriter.csvField(FormulaEscaping.neutralised(FormulaEscaping.restored(field)))
    }

    /// Writes a rejected JSONL row (`members` empty when the line could not be parsed).
    func write(members: [(key: String, value: JSONLValue)], line: Int, message: String) {
        var text = "{"
        var first = true
        for member in members where member.key != "error" {
            if !first { text += "," }
            first = false
            JSON.quote(member.key, into: &text)
            text += ":"
            switch member.value {
            case .string(let value): JSON.quote(value, into: &text)
            case .number(let literal): text += literal
            case .bool(let flag): text += flag ? "true" : "false"
            case .null: text += "null"
            }
        }
        if !first { text += "," }
        JSON.quote("error", into: &text)
        text += ":"
        JSON.quote("line \(line): \(message)", into: &text)
        output.line(text + "}")
    }

    /// Flushes and closes the file.
    /// - Throws: ``LedgerError`` `.failure` when it could not be written.
    func close() throws {
        output.flush()
        let failed = output.failed
        let closed = closeDescriptor(descriptor)
        if failed || closed != 0 {
            throw LedgerError.writing(path, doing: "writing the rejects file", code: errno)
        }
    }
}

/// `close(2)`, outside the class whose `close()` method would shadow it.
private func closeDescriptor(_ descriptor: Int32) -> Int32 {
    close(descriptor)
}
