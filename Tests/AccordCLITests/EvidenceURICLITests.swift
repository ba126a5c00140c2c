import Foundation
import Testing

/// `--evidence-uri` and the import's `evidence_uri` take only links a reader
/// can follow safely: http(s) with a host, or urn: and doi: identifiers.
@Suite("Evidence URIs")
struct EvidenceURICLITests {
    static let refused = [
        "javascript:alert(1)", "JavaScript:alert(document.cookie)", " javascript:alert(1)", "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "file:///etc/passwd", "ftp://example.org/r.pdf",
        "example.org/report.pdf", "//example.org/report.pdf", ":nothing", "http:example.org", "https://", "https:///path",
        "http://user@/x", "http://:80/x", "urn:", "doi:", "1http://example.org",
    ]

    static let accepted = [
        "https://example.org/report.pdf", "HTTP://EXAMPLE.ORG", "http://user@host.example:8080/p?q=1#f",
        "https://[2001:db8::1]:8443/x", "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66", "DOI:10.1000/182",
    ]

    @Test("accord log refuses anything but http(s) with a host, urn: and doi:, with exit 65 and nothing written",
          arguments: refused)
    func logRefuses(uri: String) throws {
        let dir = try TemporaryDirectory()
        let path = try BaseLedger.copy(into: dir)
        let before = try LedgerState(path)
        let outcome = try AccordRunner(dir)(["log", "UA-release", "--quantity", "5", "--observed", "2025-05-26", "--source", "ICRC",
                                             "--evidence-uri=\(uri)"])
        #expect(outcome.status == 65, "\(outcome.stderr)")
        #expect(outcome.isOneLineError, "\(outcome.stderr)")
        #expect(outcome.stderr.hasPrefix("Error: evidence_uri '"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("http:// or https:// link with a host, or a urn: or doi: identifier"), "\(outcome.stderr)")
        #expect(try LedgerState(path) == before)
    }

    @Test("web links and identifiers are recorded as given", arguments: accepted)
    func logAccepts(uri: String) throws {
        let dir = try TemporaryDirectory()
        let accord = AccordRunner(dir)
        _ = try BaseLedger.copy(into: dir)
        try accord.ok("log", "UA-release", "--quantity", "5", "--observed", "2025-05-26", "--source", "ICRC", "--evidence-uri", uri,
                      "--id", "e1")
        let rows = try pythonCSV(try accord.ok("export", "verifications"), in: dir)
        let column = try #require(rows.first?.firstIndex(of: "evidence_uri"))
        #expect(rows.contains { $0.first == "e1" && $0[column] == uri })
    }

    @Test("breach and correct check the same way")
    func breachAndCorrect() throws {
        let dir = try TemporaryDirectory()
        let accord = AccordRunner(dir)
        _ = try BaseLedger.copy(into: dir)
        let breach = try accord(["breach", "no-strikes", "--party", "RU", "--observed", "2025-05-30", "--severity", "major",
                                 "--source", "UN", "--evidence-uri", "data:,hello"])
        #expect(breach.status == 65 && breach.stderr.contains("evidence_uri 'data:,hello' uses the scheme data:"), "\(breach.stderr)")
        let correct = try accord(["correct", "v1", "--evidence-uri", "file:///tmp/x", "--reason", "moved"])
        #expect(correct.status == 65 && correct.stderr.contains("uses the scheme file:"), "\(correct.stderr)")
        try accord.ok("correct", "v1", "--evidence-uri", "https://example.org/v1.pdf", "--reason", "link")
    }

    @Test("an import row with a refused evidence_uri is a bad row naming its line; nothing is imported")
    func importRefuses() throws {
        let world = try ImportWorld()
        let before = try world.state()
        try world.write("rows.csv", """
            id,commitment,quantity,observed,source,evidence_uri
            i1,UA-release,5,2025-05-26,ICRC,https://example.org/i1.pdf
            i2,UA-release,5,2025-05-26,ICRC,javascript:alert(1)
            i3,UA-release,5,2025-05-26,ICRC,urn:isbn:0451450523
            i4,UA-release,5,2025-05-26,ICRC,no-scheme.example/x

            """)
        let outcome = try world.importing("rows.csv")
        #expect(outcome.status == 65, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("rows.csv:3: evidence_uri 'javascript:alert(1)' uses the scheme javascript:"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("rows.csv:5: evidence_uri 'no-scheme.example/x' has no scheme"), "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("rows.csv:2:") && !outcome.stderr.contains("rows.csv:4:"), "\(outcome.stderr)")
        #expect(try world.state() == before)
        try world.write("jsonl.jsonl", #"{"id":"j1","commitment":"UA-release","quantity":5,"observed":"2025-05-26","source":"ICRC","evidence_uri":"file:///etc/passwd"}"# + "\n")
        let jsonl = try world.importing("jsonl.jsonl")
        #expect(jsonl.status == 65 && jsonl.stderr.contains("jsonl.jsonl:1: evidence_uri"), "\(jsonl.stderr)")
    }
}
