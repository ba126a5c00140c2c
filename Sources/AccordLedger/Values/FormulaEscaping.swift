/// Cells a spreadsheet would run as a formula (OWASP "CSV injection"),
/// made inert for CSV and TSV output and restored exactly on import.
///
/// A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
/// return gets a leading `'`, unless it is a plain number
/// (`^[+-]?[0-9]+(\.[0-9]+)?$`, such as a negative longitude). So that the
/// change can be undone, a cell that already starts with one or more `'`
/// followed by one of those characters also gets one more `'`.
/// ``restored(_:)`` removes one `'` from a cell matching `^'+[=+\-@\t\r]`,
/// and only from such a cell: `restored(neutralised(x)) == x` for every `x`.
package enum FormulaEscaping {
    /// `text` as a spreadsheet shows it without evaluating it.
    package static func neutralised(_ text: String) -> String {
        guard let first = text.utf8.first, first == quote || isTrigger(first) else { return text }
        let quotes = text.utf8.prefix { $0 == quote }.count
        guard let next = text.utf8.dropFirst(quotes).first, isTrigger(next) else { return text }
        if quotes == 0 && isPlainNumber(text) { return text }
        return "'" + text
    }

    /// `text` with the `'` that ``neutralised(_:)`` adds taken off again.
    package static func restored(_ text: String) -> String {
        guard text.utf8.first == quote else { return text }
        let quotes = text.utf8.prefix { $0 == quote }.count
        guard let next = text.utf8.dropFirst(quotes).first, isTrigger(next) else { return text }
        return String(Substring(text.utf8.dropFirst()))
    }

    private static let quote = UInt8(ascii: "'")

    /// `=`, `+`, `-`, `@`, tab, carriage return.
    private static func isTrigger(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "=") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "@")
            || byte == 0x09 || byte == 0x0d
    }

    /// `^[+-]?[0-9]+(\.[0-9]+)?$`
    static func isPlainNumber(_ text: String) -> Bool {
        var bytes = text.utf8[...]
        if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        let whole = bytes.prefix(while: isDigit)
        guard !whole.isEmpty else { return false }
        bytes = bytes.dropFirst(whole.count)
        guard let dot = bytes.first else { return true }
        guard dot == UInt8(ascii: ".") else { return false }
        let fraction = bytes.dropFirst()
        return !fraction.isEmpty && fraction.allSatisfy(isDigit)
    }
}
