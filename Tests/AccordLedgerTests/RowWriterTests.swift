@testable import AccordLedger
import Testing

@Suite("RowWriter fields")
struct RowWriterTests {
    @Test("CSV doubles every quote, even one carrying a combining mark", arguments: [
        ("plain", "plain"),
        ("a,b", "\"a,b\""),
        ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("\"\u{301}x", "\"\"\"\u{301}x\""),
        ("two\nlines", "\"two\nlines\""),
        (" padded", "\" padded\""),
        (" \u{301}x", "\" \u{301}x\""),
    ])
    func csv(text: String, field: String) {
        #expect(Array(RowWriter.csvField(text).unicodeScalars) == Array(field.unicodeScalars))
    }

    @Test("Markdown escapes every pipe and line break, even inside a Character", arguments: [
        ("a|b", "a\\|b"),
        ("|\u{301}", "\\|\u{301}"),
        ("one\ntwo", "one<br>two"),
        ("one\r\ntwo", "one<br>two"),
        ("one\n\u{301}two", "one<br>\u{301}two"),
    ])
    func markdown(text: String, field: String) {
        #expect(Array(RowWriter.markdownField(text).unicodeScalars) == Array(field.unicodeScalars))
    }
}
