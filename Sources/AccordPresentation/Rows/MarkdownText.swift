import AccordLedger

/// Text from the ledger made inert in Markdown: it reads the same, but can
/// neither render as HTML nor as a link, an image, emphasis or code, nor
/// break out of a table cell.
///
/// `&`, `<` and `>` become HTML references (most renderers pass raw HTML
/// through, so `<script>` or `<img onerror=…>` would otherwise run);
/// `\`, `` ` ``, `*`, `_`, `[`, `]`, `(`, `)`, `#` and `|` get a backslash,
/// so `[x](javascript:…)` stays text; a line break becomes `lineBreak` and a
/// tab a space. Works by scalar, so a combining mark cannot hide any of them
/// inside a Character. Row listings and the brief both use it.
public enum MarkdownText {
    /// - Parameter lineBreak: what CR, LF or CRLF becomes: `<br>` inside a
    ///   table cell, a space in running text.
    public static func escaped(_ text: String, lineBreak: String = " ") -> String {
        // Most values are letters, digits, spaces and harmless punctuation.
        if !text.utf8.contains(where: needsEscape) { return text }
        var out = String.UnicodeScalarView()
        var previousCR = false
        for scalar in text.unicodeScalars {
            defer { previousCR = scalar == "\r" }
            switch scalar {
            case "\\", "`", "*", "_", "[", "]", "(", ")", "#", "|":
                out.append("\\")
                out.append(scalar)
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\r": out.append(contentsOf: lineBreak.unicodeScalars)
            case "\n": if !previousCR { out.append(contentsOf: lineBreak.unicodeScalars) }
            case "\t": out.append(" ")
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "\\"), UInt8(ascii: "`"), UInt8(ascii: "*"), UInt8(ascii: "_"), UInt8(ascii: "["), UInt8(ascii: "]"),
             UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "#"), UInt8(ascii: "|"), UInt8(ascii: "&"), UInt8(ascii: "<"),
             UInt8(ascii: ">"), 0x09, 0x0a, 0x0d:
            return true
        default:
            return false
        }
    }
}
