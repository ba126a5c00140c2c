@testable import AccordLedger
@testable import AccordPresentation
import Foundation
import Testing

/// The demo ledger in a fresh directory, and a briefing of it at the scenario date.
struct DemoBriefing {
    let dir: TemporaryDirectory
    let ledger: Ledger
    let path: String

    init() throws {
        dir = try TemporaryDirectory()
        path = dir.path("demo.sqlite")
        ledger = try Demo.create(at: path, force: false, as: Recorder(actor: "tester"))
    }

    func briefing(asOf: AsOf? = nil, format: BriefingFormat = .html) throws -> Briefing {
        let at = try Moment(parsing: Demo.scenarioDate, field: .at)
        return try ledger.briefing(BriefingOptions(report: ReportOptions(at: at, asOf: asOf), database: "demo.sqlite",
                                                   output: format == .html ? "brief.html" : nil, format: format))
    }
}

/// Every tag in an HTML text, from `<` to `>`.
func tags(_ html: String) -> [Substring] {
    var found: [Substring] = []
    var rest = html[...]
    while let open = rest.firstIndex(of: "<") {
        let close = rest[open...].firstIndex(of: ">") ?? rest.endIndex
        found.append(rest[open..<close])
        rest = close == rest.endIndex ? "" : rest[rest.index(after: close)...]
    }
    return found
}

/// The HTML without the one line that may differ between runs: the generated-at time.
func withoutGeneratedAt(_ html: String) -> String {
    html.split(separator: "\n", omittingEmptySubsequences: false)
        .filter { !$0.contains("class=\"generated\"") }
        .joined(separator: "\n")
}

@Suite("Briefing")
struct BriefingTests {
    @Test("the HTML is self-contained: no script, no external resource, no import, no web font")
    func selfContained() throws {
        let html = try DemoBriefing().briefing().html
        let lower = html.lowercased()
        #expect(lower.hasPrefix("<!doctype html>"))
        #expect(!lower.contains("<script"))
        #expect(!lower.contains("@import"))
        #expect(!lower.contains("@font-face"))
        #expect(!lower.contains("<link"))
        #expect(!lower.contains("<img"))
        #expect(!lower.contains("<iframe"))
        #expect(!lower.contains("src="))
        #expect(!lower.contains("href="))
        // Every url(…) is a reference to a pattern in the page itself.
        var rest = lower[...]
        while let range = rest.range(of: "url(") {
            #expect(rest[range.upperBound...].hasPrefix("#"), "url( not followed by #")
            rest = rest[range.upperBound...]
        }
        #expect(!lower.contains("http://") && !lower.contains("https://"),
                "the demo's evidence URI is not shown as a link")
        #expect(lower.contains("@page { size: a4"))
    }

    @Test("the charts are drawn as inline SVG: parties, commitments, breaches, the exchange")
    func chartsPresent() throws {
        let html = try DemoBriefing().briefing().html
        #expect(html.contains("aria-label=\"Fulfilment rate by party\""))
        #expect(html.contains("aria-label=\"Fulfilment rate and status by commitment\""))
        #expect(html.contains("aria-label=\"Breaches by date and severity\""))
        #expect(html.contains("aria-label=\"Tranches of UA-release and RU-release"))
        #expect(html.contains("<pattern id=\"p-breached\""))
        // Every status drawn carries its name in words next to the bar.
        for word in ["fulfilled", "in progress", "breached", "overdue", "blocked"] {
            #expect(html.contains(">\(word) · "), "\(word)")
        }
    }

    @Test("the headline, the tranches and the guarantee carry the demo's numbers")
    func demoNumbers() throws {
        let briefing = try DemoBriefing().briefing()
        let figures = briefing.figures
        // Decided outcomes count among the due (issue 12): RU-no-strikes, breached, joins the rate at 0, so 2 of 4, not 2 of 3.
        #expect(figures.map(\.value) == ["50%", "1", "1 / 1"])
        #expect(figures[0].detail.contains("2 of 4"), "\(figures[0].detail)")
        #expect(figures[1].detail.contains("1 major"))
        #expect(figures[1].detail.contains("1 more claim below the threshold"))
        let html = briefing.html
        #expect(html.contains("<td class=\"num\">1,000</td>"))
        #expect(html.contains("2025-06-08 (7 d)"))
        #expect(html.contains("invoked 2025-06-05"))
        // The sources counted, each once: the record's own and its corroboration's.
        #expect(html.contains("ICRC (monitor); Coordination HQ for POWs (UA) (official)"), "\(html)")
    }

    @Test("the footer names the seq, the root, the --at and the command that reproduces the brief")
    func footerStamp() throws {
        let briefing = try DemoBriefing().briefing()
        let html = briefing.html
        let stamp = try #require(html.range(of: "<footer class=\"stamp\">")).lowerBound
        let footer = String(html[stamp...])
        #expect(briefing.report.ledger.seq == 31)
        #expect(footer.contains("entry (seq) 31"))
        #expect(footer.contains(briefing.report.ledger.root))
        #expect(briefing.report.ledger.root.count == 64)
        #expect(footer.contains("Judged at (--at)</dt><dd>2025-06-10"))
        #expect(briefing.reproduceCommand
            == "accord brief --db demo.sqlite --at 2025-06-10 --as-of 31 --since 2025-05-16 --out brief.html")
        #expect(footer.contains(briefing.reproduceCommand))
        #expect(footer.contains("<time datetime=\"\(briefing.generatedAt.iso8601)\">"))
    }

    @Test("--as-of the printed seq gives the same page, apart from the time it was generated, after the ledger grew")
    func reproducible() throws {
        let demo = try DemoBriefing()
        let first = try demo.briefing()
        var breach = BreachInput(commitment: "UA-no-strikes", party: "UA", observed: "2025-06-07", severity: "grave",
                                 source: SourceInput(name: "Later monitor", kind: "monitor"))
        breach.description = "Recorded after the brief was made"
        _ = try demo.ledger.recordBreach(breach, as: Recorder(actor: "tester"))
        let head = try demo.briefing()
        #expect(head.report.ledger.seq == 32)
        #expect(head.html.contains("Recorded after the brief"))

        let again = try demo.briefing(asOf: .seq(first.report.ledger.seq))
        #expect(again.reproduceCommand == first.reproduceCommand)
        #expect(withoutGeneratedAt(again.html) == withoutGeneratedAt(first.html))
        #expect(again.markdown.split(separator: "\n").filter { !$0.hasPrefix("- Generated at") }
            == first.markdown.split(separator: "\n").filter { !$0.hasPrefix("- Generated at") })
    }

    @Test("the Markdown carries the same figures, points, tranches, stamp and command")
    func markdownSameNumbers() throws {
        let demo = try DemoBriefing()
        let html = try demo.briefing().html
        let briefing = try demo.briefing(format: .markdown)
        let markdown = briefing.markdown
        for figure in briefing.figures {
            #expect(markdown.contains("**\(BriefText.markdown(figure.label)): \(figure.value)**"), "\(figure.label)")
            #expect(markdown.contains(BriefText.markdown(figure.detail)))
            #expect(html.contains(BriefText.prose(figure.detail)))
        }
        for point in briefing.keyPoints {
            #expect(markdown.contains(BriefText.markdown(point)))
            #expect(html.contains(BriefText.prose(point)))
        }
        #expect(markdown.contains("| 2025-05-24 | 307 | 307 | 697 | 697 | 0 |"))
        #expect(html.contains("<td class=\"nowrap\">2025-05-24</td><td class=\"num\">307</td><td class=\"num\">307</td><td class=\"num\">697</td><td class=\"num\">697</td>"))
        #expect(markdown.contains("Merkle root: \(briefing.report.ledger.root)"))
        #expect(markdown.contains("entry (seq) 31"))
        #expect(markdown.contains("accord brief --db demo.sqlite --at 2025-06-10 --as-of 31 --since 2025-05-16 --format markdown"))
        #expect(!markdown.contains("<svg"))
    }

    @Test("user text is escaped everywhere: names, titles, descriptions, sources")
    func escaping() throws {
        let dir = try TemporaryDirectory()
        let r = Recorder(actor: "tester")
        let (ledger, _) = try Ledger.create(at: dir.path("x.sqlite"), as: r)
        let evil = "<script>alert(1)</script>"
        _ = try ledger.addParty(PartyInput(id: "XA", name: evil, kind: "state"), as: r)
        _ = try ledger.addAgreement(AgreementInput(id: "deal", title: "A & B <b>deal</b> \"quoted\" 'single'", date: "2025-01-01"), as: r)
        var c = CommitmentInput(id: "c1", agreement: "deal", party: "XA")
        c.restraint = true
        c.from = "2025-01-01"
        c.until = "2025-12-31"
        c.text = "<img src=x onerror=alert(2)>"
        _ = try ledger.addCommitment(c, as: r)
        var breach = BreachInput(commitment: "c1", party: "XA", observed: "2025-02-01", severity: "grave",
                                 source: SourceInput(name: "<iframe src=https://evil.example>", kind: "media"))
        breach.description = "</td></tr></table><script>alert(3)</script> | pipe *star* [x](javascript:alert(4))"
        _ = try ledger.recordBreach(breach, as: r)
        let briefing = try ledger.briefing(BriefingOptions(report: ReportOptions(at: try Moment(parsing: "2025-03-01", field: .at)),
                                                           database: "x.sqlite", output: "b.html"))
        let html = briefing.html
        #expect(!html.contains(evil))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<iframe"))
        #expect(!html.contains("<b>deal"))
        #expect(html.contains("A &amp; B &lt;b&gt;deal&lt;/b&gt; &quot;quoted&quot; &#39;single&#39;"))
        // Escaped text may mention src=, but no tag carries it.
        #expect(!tags(html).contains { $0.lowercased().contains("src=") || $0.lowercased().contains(" on") })
        let markdown = briefing.markdown
        #expect(!markdown.contains("<script"))
        // The description is cut as on the page (80 characters), escaped.
        #expect(markdown.contains("\\| pipe \\*star\\*…"), "\(markdown)")
        #expect(!markdown.contains("](") && !markdown.contains("<img") && !markdown.contains("<iframe"))
    }

    @Test("HTML escaping covers the five special characters and control characters")
    func htmlEscape() {
        #expect(BriefText.html("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        #expect(BriefText.html("bell\u{07}") == "bell\u{FFFD}")
        #expect(BriefText.html("Türkiye ↔ 1,000") == "Türkiye ↔ 1,000")
    }

    @Test("dates in running text stay on one line; other numbers are left alone")
    func prose() {
        #expect(BriefText.prose("since 2025-06-02; 12025-06-022 <b>")
            == "since <span class=\"nowrap\">2025-06-02</span>; 12025-06-022 &lt;b&gt;")
        #expect(BriefText.truncated("Attend a leaders' summit in a neutral third country", 40) == "Attend a leaders' summit in a neutral…")
        #expect(BriefText.truncated("abcdefghij", 5) == "abcd…")
    }

    @Test("shell quoting keeps plain words bare and quotes the rest")
    func shellQuoting() {
        #expect(BriefText.shellQuoted("--at") == "--at")
        #expect(BriefText.shellQuoted("my ledger.sqlite") == "'my ledger.sqlite'")
        #expect(BriefText.shellQuoted("it's") == "'it'\\''s'")
        #expect(BriefText.shellQuoted("") == "''")
    }

    @Test("axis maxima are round", arguments: [(Int64(0), Int64(1), Int64(1)), (1000, 1000, 200), (600, 600, 200),
                                                (7, 8, 2), (390, 400, 100), (10, 10, 2), (1_000_000_000_000, 1_000_000_000_000, 200_000_000_000)])
    func axis(value: Int64, maximum: Int64, step: Int64) {
        let axis = TrancheChart.axis(value)
        #expect(axis.maximum == maximum)
        #expect(axis.step == step)
    }
}
