/// Writing a CSV field: the inverse of ``CSVReader``'s reading.
public enum CSVField {
    /// RFC 4180: quote fields holding a comma, quote, CR or LF, or surrounding spaces.
    public static func quoted(_ text: String) -> String {
        let needsQuotes = text.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
            || text.utf8.first == UInt8(ascii: " ") || text.utf8.last == UInt8(ascii: " ")
        guard needsQuotes else { return text }
        // By scalar, not Character: a quote followed by a combining mark is one
        // Character but still a quote to a CSV reader, and must be doubled.
        var quoted = "\""
        for scalar in text.unicodeScalars {
            if scalar == "\"" { quoted.unicodeScalars.append(scalar) }
            quoted.unicodeScalars.append(scalar)
        }
        return quoted + "\""
    }
}
