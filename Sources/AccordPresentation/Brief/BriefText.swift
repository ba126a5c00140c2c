import AccordLedger

/// Text helpers for the briefing: HTML escaping, number formats and shell quoting.
enum BriefText {
    /// `text` made safe for HTML element content and attribute values
    /// (`&`, `<`, `>`, `"` and `'` become references).
    static func html(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default:
                // Control characters never belong in a page; show them as a replacement.
                if scalar.value < 0x20 && scalar != "\n" && scalar != "\t" || (0x7f...0x9f).contains(scalar.value) {
                    result += "\u{FFFD}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    /// `text` safe inside a Markdown table cell or line (``MarkdownText``,
    /// line breaks as spaces): the same escaping as every row listing.
    static func markdown(_ text: String) -> String {
        MarkdownText.escaped(text, lineBreak: " ")
    }

    /// Running text for HTML: escaped, with each YYYY-MM-DD date kept on one line.
    static func prose(_ text: String) -> String {
        let scalars = Array(html(text).unicodeScalars)
        func isDigit(_ index: Int) -> Bool { index >= 0 && index < scalars.count && scalars[index].properties.numericType == .decimal && scalars[index].isASCII }
        var result = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            let isDate = !isDigit(index - 1) && index + 10 <= scalars.count
                && [0, 1, 2, 3, 5, 6, 8, 9].allSatisfy { isDigit(index + $0) }
                && scalars[index + 4] == "-" && scalars[index + 7] == "-" && !isDigit(index + 10)
            if isDate {
                result.append(contentsOf: "<span class=\"nowrap\">".unicodeScalars)
                result.append(contentsOf: scalars[index..<(index + 10)])
                result.append(contentsOf: "</span>".unicodeScalars)
                index += 10
            } else {
                result.append(scalars[index])
                index += 1
            }
        }
        return String(result)
    }

    /// At most `limit` characters, ending in "…" when shortened, at a word
    /// boundary when there is one in the last part.
    static func truncated(_ text: String, _ limit: Int) -> String {
        guard text.count > limit, limit > 1 else { return text }
        let cut = text.prefix(limit - 1)
        if let space = cut.lastIndex(of: " "), cut.distance(from: cut.startIndex, to: space) >= limit * 2 / 3 {
            return String(cut[..<space]) + "…"
        }
        return String(cut) + "…"
    }

    /// A whole number with thousands separators: 1,000.
    static func count<T: BinaryInteger>(_ value: T) -> String {
        let negative = value < 0
        let digits = Array(String(value.magnitude))
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result += "," }
            result.append(digit)
        }
        return negative ? "\u{2212}" + result : result
    }

    /// A quantity of `units` at `scale` decimal places, grouped: 1,000 or 12.50.
    static func amount(_ units: Int64, scale: UInt8) -> String {
        guard scale > 0 else { return count(units) }
        let text = Quantity(units: units == .min ? .max : abs(units), scale: scale).description
        let parts = text.split(separator: ".", maxSplits: 1)
        let whole = count(Int64(parts[0]) ?? 0)
        return (units < 0 ? "\u{2212}" : "") + whole + (parts.count > 1 ? "." + parts[1] : "")
    }

    /// A signed quantity: +10, −2.50 or 0.
    static func signedAmount(_ units: Int64, scale: UInt8) -> String {
        units > 0 ? "+" + amount(units, scale: scale) : amount(units, scale: scale)
    }

    /// A signed whole number: +10, −10 or 0.
    static func signed(_ value: Int64) -> String {
        value > 0 ? "+" + count(value) : count(value)
    }

    /// A rate as a percentage with at most one decimal: 66.7%; "n/a" for nil.
    static func percent(_ rate: Double?) -> String {
        guard let rate else { return "n/a" }
        return Cell.rate(rate).display
    }

    /// "1 breach" / "2 breaches".
    static func plural(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(BriefText.count(count)) \(count == 1 ? singular : plural ?? singular + "s")"
    }

    /// A number for SVG coordinates: at most one decimal, no exponent.
    static func coordinate(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        guard tenths.isFinite, abs(tenths) < 1e12 else { return "0" }
        let whole = Int64(tenths)
        if whole % 10 == 0 { return String(whole / 10) }
        return (whole < 0 ? "-" : "") + String(abs(whole) / 10) + "." + String(abs(whole) % 10)
    }

    /// A word quoted for a POSIX shell when it needs to be.
    static func shellQuoted(_ word: String) -> String {
        let safe = word.unicodeScalars.allSatisfy { scalar in
            (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || (scalar >= "0" && scalar <= "9")
                || "-_./:=@%+,".unicodeScalars.contains(scalar)
        }
        if safe && !word.isEmpty { return word }
        return "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
}
