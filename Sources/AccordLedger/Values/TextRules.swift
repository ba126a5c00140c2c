/// Validation and normalisation of the text users give.
///
/// All text is stored as UTF-8 in Unicode Normalization Form C, so the same
/// words typed on two keyboards encode to the same canonical bytes.
package enum TextRules {
    /// An entry's seq as users type it: digits only (after trimming), at most
    /// 18 of them, so it always fits an Int64. Nil for anything else.
    static func seq(_ text: String) -> Int64? {
        let trimmed = trimmed(text)
        guard !trimmed.isEmpty, trimmed.utf8.count <= 18, trimmed.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int64(trimmed)
    }

    /// Identifiers of parties, agreements, commitments, guarantees and keys:
    /// 1–64 characters from letters, digits and `-_.:/`, starting with a letter or digit.
    static let identifierLimit = 64
    /// Names, titles, sources, places, units: one line.
    static let nameLimit = 500
    /// Notes, descriptions, reasons, commitment texts.
    static let textLimit = 20_000
    /// External ids (a form's row id).
    static let externalIDLimit = 200

    /// NFC form of `text` (the standard library's normaliser).
    static func nfc(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text }
        return String(decoding: text._nfcCodeUnits, as: UTF8.self)
    }

    /// An identifier, or an error naming the field.
    static func identifier(_ raw: String, field: Field) throws -> String {
        let text = raw
        guard !text.isEmpty else { throw LedgerError.invalid(field, "\(field) is empty; give an id such as UA or UA-release") }
        guard text.utf8.count <= identifierLimit else {
            throw LedgerError.invalid(field, "\(field) '\(TextRules.printable(text, limit: 40))' is longer than \(identifierLimit) characters")
        }
        func isAlnum(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
        }
        func isAllowed(_ byte: UInt8) -> Bool {
            isAlnum(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "/")
        }
        guard let first = text.utf8.first, isAlnum(first), text.utf8.allSatisfy(isAllowed) else {
            // Name a character that cannot be seen: the id may look right on screen.
            if let hidden = text.unicodeScalars.first(where: { isInvisible($0) || isBidiControl($0) }) {
                throw hiddenCharacter(hidden, field: field)
            }
            throw LedgerError.invalid(field, "\(field) '\(printable(text))' may hold only letters, digits and - _ . : / and must start with a letter or digit")
        }
        return text
    }

    /// One line of text (no control characters), trimmed of surrounding spaces.
    static func line(_ raw: String, field: Field, limit: Int = nameLimit, allowEmpty: Bool = false) throws -> String {
        let stripped = trimmed(raw)
        // Printable ASCII (most values) is already NFC and free of control characters.
        let plain = isPlainASCII(stripped)
        let text = plain ? stripped : nfc(stripped)
        if text.isEmpty && !allowEmpty { throw LedgerError.invalid(field, "\(field) is empty") }
        guard text.utf8.count <= limit else {
            throw LedgerError.invalid(field, "\(field) is \(text.utf8.count) bytes long; at most \(limit) are allowed")
        }
        if !plain {
            for scalar in text.unicodeScalars where scalar.value >= 0x7f || scalar.value < 0x20 {
                if isControl(scalar) {
                    throw LedgerError.invalid(field, "\(field) contains the control character U+\(hex4(scalar.value)); use plain text on one line")
                }
                if isInvisible(scalar) || isBidiControl(scalar) { throw hiddenCharacter(scalar, field: field) }
            }
        }
        return text
    }

    /// True when every byte is printable ASCII (no control character, nothing to normalise).
    static func isPlainASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7f }
    }

    /// Free text: may span lines (LF and tab allowed), no other control characters.
    static func text(_ raw: String, field: Field, limit: Int = textLimit) throws -> String {
        let text = nfc(trimmed(raw.replacingCRLF()))
        if text.isEmpty { throw LedgerError.invalid(field, "\(field) is empty") }
        guard text.utf8.count <= limit else {
            throw LedgerError.invalid(field, "\(field) is \(text.utf8.count) bytes long; at most \(limit) are allowed")
        }
        for scalar in text.unicodeScalars where scalar.value >= 0x7f || scalar.value < 0x20 {
            if scalar != "\n" && scalar != "\t" && isControl(scalar) {
                throw LedgerError.invalid(field, "\(field) contains the control character U+\(hex4(scalar.value))")
            }
            if isBidiOverride(scalar) { throw hiddenCharacter(scalar, field: field) }
        }
        return text
    }

    /// An optional line: nil stays nil; an empty string becomes nil.
    static func optionalLine(_ raw: String?, field: Field, limit: Int = nameLimit) throws -> String? {
        guard let raw, !trimmed(raw).isEmpty else { return nil }
        return try line(raw, field: field, limit: limit)
    }

    /// Optional free text: nil stays nil; an empty string becomes nil.
    static func optionalText(_ raw: String?, field: Field, limit: Int = textLimit) throws -> String? {
        guard let raw, !trimmed(raw).isEmpty else { return nil }
        return try text(raw, field: field, limit: limit)
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (scalar.value >= 0x7f && scalar.value < 0xa0)
            || scalar.value == 0x2028 || scalar.value == 0x2029
    }

    /// Characters that take no space and show nothing: zero-width spaces and
    /// joiners (U+200B–U+200F), the word joiner and invisible operators
    /// (U+2060–U+2064), the zero-width no-break space (U+FEFF), the Mongolian
    /// vowel separator (U+180E) and the soft hyphen (U+00AD). In a name, an id
    /// or a source they make two values that look the same differ.
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return (0x200B...0x200F).contains(v) || (0x2060...0x2064).contains(v) || v == 0xFEFF || v == 0x180E || v == 0xAD
    }

    /// Bidirectional controls: the Arabic letter mark (U+061C), the
    /// left-to-right and right-to-left marks (U+200E, U+200F), and the
    /// embeddings, overrides and isolates of ``isBidiOverride(_:)``.
    static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v == 0x061C || v == 0x200E || v == 0x200F || isBidiOverride(scalar)
    }

    /// Embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069):
    /// they reorder the text that follows on screen ("Trojan Source"), so
    /// even free text refuses them.
    static func isBidiOverride(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }

    /// The refusal of an invisible or bidirectional character, naming it.
    static func hiddenCharacter(_ scalar: Unicode.Scalar, field: Field) -> LedgerError {
        let kind = isBidiControl(scalar) ? "bidirectional control character" : "invisible character"
        let name = scalar.properties.name.map { " (\($0.lowercased()))" } ?? ""
        return LedgerError.invalid(field, "\(field) contains the \(kind) U+\(hex4(scalar.value))\(name); remove it")
    }

    package static func trimmed(_ text: String) -> String {
        // Most values start and end with a printable ASCII character: nothing to trim.
        if let first = text.utf8.first, let last = text.utf8.last,
           first > 0x20 && first < 0x80 && last > 0x20 && last < 0x80 {
            return text
        }
        let scalars = text.unicodeScalars
        guard let start = scalars.firstIndex(where: { !isSpace($0) }),
              let end = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(scalars[start...end])
    }

    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 { return scalar == " " || (scalar.value >= 0x09 && scalar.value <= 0x0d) }
        return scalar.properties.isWhitespace
    }

    /// Text safe to echo in an error message: control, invisible and
    /// bidirectional characters escaped, cut short.
    package static func printable(_ text: String, limit: Int = 60) -> String {
        var out = ""
        for scalar in text.unicodeScalars.prefix(limit) {
            if isControl(scalar) || isInvisible(scalar) || isBidiControl(scalar) {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return text.unicodeScalars.count > limit ? out + "…" : out
    }

    static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

extension String {
    /// CRLF and lone CR become LF.
    func replacingCRLF() -> String {
        guard utf8.contains(13) else { return self }
        var scalars = String.UnicodeScalarView()
        var previousCR = false
        for scalar in unicodeScalars {
            if scalar == "\r" {
                scalars.append("\n")
                previousCR = true
                continue
            }
            if scalar == "\n" && previousCR { previousCR = false; continue }
            previousCR = false
            scalars.append(scalar)
        }
        return String(scalars)
    }
}

extension Ledger {
    /// Checks an actor name (one line, at most 200 bytes).
    /// - Throws: ``LedgerError`` `.badInput`.
    public static func validateActor(_ raw: String) throws -> String {
        try TextRules.line(raw, field: .actor, limit: 200)
    }
}
