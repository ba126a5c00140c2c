@testable import AccordLedger
@testable import AccordPresentation
import Testing

@Suite("Formula escaping of CSV and TSV cells")
struct FormulaEscapingTests {
    @Test("a cell a spreadsheet would run gets a leading quote; plain numbers and other text do not", arguments: [
        ("=HYPERLINK(\"http://evil.example\",\"x\")", "'=HYPERLINK(\"http://evil.example\",\"x\")"),
        ("+ICRC", "'+ICRC"),
        ("-Telegram", "'-Telegram"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("-", "'-"),
        ("-1+1", "'-1+1"),
        ("-1e5", "'-1e5"),
        ("-73.9857", "-73.9857"),
        ("+12", "+12"),
        ("42", "42"),
        ("-12.", "'-12."),
        ("-.5", "'-.5"),
        ("'=x", "''=x"),
        ("''+x", "'''+x"),
        ("'-5", "''-5"),
        ("'plain", "'plain"),
        ("'", "'"),
        ("", ""),
        ("ICRC", "ICRC"),
        ("a=b", "a=b"),
        (" =x", " =x"),
        ("＝x", "＝x"),
    ])
    func neutralised(text: String, expected: String) {
        #expect(FormulaEscaping.neutralised(text) == expected)
        // Reversible: the import gets back exactly what was recorded.
        #expect(FormulaEscaping.restored(FormulaEscaping.neutralised(text)) == text)
    }

    @Test("the import takes off one quote, and only before a formula character", arguments: [
        ("'=x", "=x"),
        ("''=x", "'=x"),
        ("'\tx", "\tx"),
        ("'plain", "'plain"),
        ("'", "'"),
        ("=x", "=x"),
        ("'\u{301}=x", "'\u{301}=x"),
    ])
    func restored(text: String, expected: String) {
        #expect(Array(FormulaEscaping.restored(text).unicodeScalars) == Array(expected.unicodeScalars))
    }

    @Test("RowWriter neutralises CSV and TSV text cells unless raw; numbers and JSON stay exact",
          arguments: [OutputFormat.csv, .tsv, .ndjson])
    func rowWriter(format: OutputFormat) {
        let cells: [Cell] = [.text("=1+1"), .number(-73.9857), .int(-5), .text("-12.5"), .text("'@x")]
        func render(raw: Bool) -> String {
            let output = TextOutput(collecting: ())
            let writer = RowWriter(format: format, columns: ["a", "b", "c", "d", "e"].map(Column.init), output: output,
                                   header: false, raw: raw)
            writer.write(cells)
            writer.finish()
            return output.collected
        }
        switch format {
        case .csv:
            #expect(render(raw: false) == "'=1+1,-73.9857,-5,-12.5,''@x\r\n")
            #expect(render(raw: true) == "=1+1,-73.9857,-5,-12.5,'@x\r\n")
        case .tsv:
            #expect(render(raw: false) == "'=1+1\t-73.9857\t-5\t-12.5\t''@x\n")
            #expect(render(raw: true) == "=1+1\t-73.9857\t-5\t-12.5\t'@x\n")
        default:
            #expect(render(raw: false) == #"{"a":"=1+1","b":-73.9857,"c":-5,"d":"-12.5","e":"'@x"}"# + "\n")
            #expect(render(raw: true) == render(raw: false))
        }
    }
}
