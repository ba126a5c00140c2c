import Foundation
import Testing

/// `--format markdown` (every row listing, `commitment show`, the brief)
/// escapes ledger text so that it cannot render as HTML, a link or emphasis.
@Suite("Markdown output escapes ledger text")
struct MarkdownCLITests {
    static let script = "<script>alert(1)</script>"
    static let image = "<img src=x onerror=alert(2)>"
    static let link = "[x](javascript:alert(3))"

    static func hostileLedger() throws -> (TemporaryDirectory, AccordRunner) {
        let dir = try TemporaryDirectory()
        let accord = AccordRunner(dir)
        _ = try BaseLedger.copy(into: dir)
        try accord.ok("party", "add", "XA", "--name", script, "--kind", "group")
        try accord.ok("agreement", "add", "deal", "--title", image, "--date", "2025-05-01")
        try accord.ok("commitment", "add", "c1", "--agreement", "deal", "--party", "XA", "--restraint", "--from", "2025-05-01",
                      "--until", "2025-12-31", "--text", link)
        try accord.ok("breach", "c1", "--party", "XA", "--observed", "2025-05-20", "--severity", "major",
                      "--source", "*bold* _em_ `code` & <b>", "--description", "\(link) | \(image)")
        return (dir, accord)
    }

    /// True when `text` holds a raw tag or a Markdown link.
    static func isActive(_ text: String) -> Bool {
        text.contains("<script") || text.contains("<img") || text.contains("<b>") || text.contains("](")
    }

    @Test("row listings and commitment show escape HTML and Markdown syntax", arguments: [
        ["party", "list"], ["agreement", "list"], ["commitment", "list"], ["breaches"], ["commitment", "show", "c1"],
        ["export", "breaches"], ["history", "c1"],
    ])
    func listings(arguments: [String]) throws {
        let (_, accord) = try Self.hostileLedger()
        let outcome = try accord(arguments + ["--format", "markdown"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let markdown = outcome.stdout
        #expect(!Self.isActive(markdown), "\(markdown)")
        // The text still reads the same once rendered: every character is there, escaped.
        let escapedLink = #"\[x\]\(javascript:alert\(3\)\)"#
        switch arguments[0] {
        case "party": #expect(markdown.contains(#"&lt;script&gt;alert\(1\)&lt;/script&gt;"#), "\(markdown)")
        case "agreement": #expect(markdown.contains(#"&lt;img src=x onerror=alert\(2\)&gt;"#), "\(markdown)")
        case "commitment": #expect(markdown.contains(escapedLink), "\(markdown)")
        case "breaches", "export":
            #expect(markdown.contains(#"\*bold\* \_em\_ \`code\` &amp; &lt;b&gt;"#), "\(markdown)")
            #expect(markdown.contains(escapedLink + #" \| &lt;img"#), "\(markdown)")
        default: #expect(markdown.contains("c1"))
        }
    }

    @Test("the brief's Markdown escapes the same way")
    func brief() throws {
        let (_, accord) = try Self.hostileLedger()
        let markdown = try accord.ok("brief", "--format", "markdown", "--agreement", "deal", "--at", "2025-06-01")
        #expect(!Self.isActive(markdown), "\(markdown)")
        #expect(markdown.contains(#"# Briefing: &lt;img src=x onerror=alert\(2\)&gt;"#), "\(markdown)")
        #expect(markdown.contains(#"\[x\]\(javascript:alert\(3\)\)"#), "\(markdown)")
    }
}
