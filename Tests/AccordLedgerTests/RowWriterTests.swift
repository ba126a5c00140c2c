@testable import AccordLedger
@testable import AccordPresentation
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

    @Test("Markdown escapes pipes, line breaks, HTML and link and emphasis syntax, even inside a Character", arguments: [
        ("a|b", "a\\|b"),
        ("|\u{301}", "\\|\u{301}"),
        ("one\ntwo", "one<br>two"),
        ("one\r\ntwo", "one<br>two"),
        ("one\n\u{301}two", "one<br>\u{301}two"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"),
        ("<img src=x onerror=alert(2)>", "&lt;img src=x onerror=alert\\(2\\)&gt;"),
        ("[x](javascript:alert(3))", "\\[x\\]\\(javascript:alert\\(3\\)\\)"),
        ("![i](http://x/y.png)", "!\\[i\\]\\(http://x/y.png\\)"),
        ("*a* _b_ `c` \\d #e", "\\*a\\* \\_b\\_ \\`c\\` \\\\d \\#e"),
        ("A & B", "A &amp; B"),
        ("&lt;", "&amp;lt;"),
        ("tab\there", "tab here"),
        ("UA-release 1,000", "UA-release 1,000"),
        ("[\u{301}x]", "\\[\u{301}x\\]"),
    ])
    func markdown(text: String, field: String) {
        #expect(Array(RowWriter.markdownField(text).unicodeScalars) == Array(field.unicodeScalars))
    }
}
