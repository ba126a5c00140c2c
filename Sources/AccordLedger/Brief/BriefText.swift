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

    /// `text` safe inside a Markdown table cell or line: pipes, backslashes,
    /// markup characters and line breaks neutralised, HTML escaped (many
    /// Markdown renderers pass raw HTML through).
    static func markdown(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "|", "\\", "*", "_", "`", "[", "]", "#":
                result += "\\"
                result.unicodeScalars.append(scalar)
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "&": result += "&amp;"
            case "\n", "\r", "\t": result += " "
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// At most `limit` characters, ending in "…" when shortened.
    static func truncated(_ text: String, _ limit: Int) -> String {
        guard text.count > limit, limit > 1 else { return text }
        return String(text.prefix(limit - 1)) + "…"
    }

    /// A whole number with thousands separators: 1,000.
    static func count<T: BinaryInteger>(_ value: T) -> String {
        let negative = value < 0
        let digits = Array(String(negative ? -Int64(value) : Int64(value)))
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result += "," }
            result.append(digit)
        }
        return negative ? "\u{2212}" + result : result
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
