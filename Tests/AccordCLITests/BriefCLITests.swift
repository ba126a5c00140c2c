import AccordLedger
import AccordPresentation
import Foundation
import Testing

/// The headless browser on this machine, if any.
let installedBrowser: HeadlessBrowser? = try? HeadlessBrowser.locate()

/// Decodes a PNG (8-bit RGB or RGBA, no interlace) with Python's zlib and
/// prints "width height inked distinct": pixels that are not near-white, and
/// distinct colours. No imaging library needed.
let pngStatistics = #"""
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
pos, idat = 8, b''
while pos < len(data):
    length, kind = struct.unpack('>I4s', data[pos:pos + 8])
    chunk = data[pos + 8:pos + 8 + length]
    pos += 12 + length
    if kind == b'IHDR':
        width, height, depth, colour, _, _, interlace = struct.unpack('>IIBBBBB', chunk)
    elif kind == b'IDAT':
        idat += chunk
assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
bpp = 3 if colour == 2 else 4
stride = width * bpp
raw = zlib.decompress(idat)
prev = bytearray(stride)
inked, colours, i = 0, set(), 0
for y in range(height):
    kind = raw[i]; i += 1
    line = bytearray(raw[i:i + stride]); i += stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b = prev[x]
        c = prev[x - bpp] if x >= bpp else 0
        if kind == 1: line[x] = (line[x] + a) & 255
        elif kind == 2: line[x] = (line[x] + b) & 255
        elif kind == 3: line[x] = (line[x] + ((a + b) >> 1)) & 255
        elif kind == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp * 2):
        pixel = bytes(line[x:x + 3])
        colours.add(pixel)
        if min(pixel) < 200: inked += 1
    prev = line
print(width, height, inked, len(colours))
"""#

/// Renders an HTML file to PNG and returns (width, height, inked, distinct colours).
func pngStats(html: String, in dir: TemporaryDirectory, name: String, browser: HeadlessBrowser) throws -> [Int] {
    let png = dir.path("\(name).png")
    try browser.screenshot(html: html, to: png, width: 794, height: 1123)
    let script = dir.path("pngstats.py")
    try pngStatistics.write(toFile: script, atomically: true, encoding: .utf8)
    let out = dir.path("\(name).stats")
    _ = FileManager.default.createFile(atPath: out, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script, png]
    process.standardOutput = handle
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    try handle.close()
    #expect(process.terminationStatus == 0)
    return String(decoding: try Data(contentsOf: URL(fileURLWithPath: out)), as: UTF8.self)
        .split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
}

@Suite("accord brief")
struct BriefCLITests {
    /// A directory holding the demo ledger, and a runner whose clock is past the demo's dates.
    static func demo() throws -> (TemporaryDirectory, AccordRunner) {
        let dir = try TemporaryDirectory()
        var accord = AccordRunner(dir)
        accord.environment["ACCORD_NOW"] = "2025-06-12T09:00:00Z"
        try accord.ok("demo", "--db", "demo.sqlite")
        return (dir, accord)
    }

    static func read(_ path: String) throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
    }

    /// The directory's entries, hidden ones included.
    static func entries(_ dir: TemporaryDirectory) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.url.path).filter { name in
            !name.hasPrefix(".out-") && !name.hasPrefix(".err-") && !name.hasSuffix("-wal") && !name.hasSuffix("-shm")
        }.sorted()
    }

    @Test("writes one self-contained HTML file and says what it reflects")
    func writesHTML() throws {
        let (dir, accord) = try Self.demo()
        let outcome = try accord("brief", "--db", "demo.sqlite", "--at", "2025-06-10", "--out", "brief.html")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderr.contains("Wrote brief.html (html, judged at 2025-06-10, ledger entry 31, root "))
        let html = try Self.read(dir.path("brief.html"))
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.lowercased().contains("<script"))
        #expect(html.contains("accord brief --db demo.sqlite --at 2025-06-10 --as-of 31 --since 2025-05-16 --out brief.html"))
        #expect(try Self.entries(dir) == ["brief.html", "demo.sqlite"])
    }

    @Test("html needs --out; --pdf needs HTML in a file", arguments: [
        ["brief", "--db", "demo.sqlite"],
        ["brief", "--db", "demo.sqlite", "--format", "markdown", "--pdf", "b.pdf"],
        ["brief", "--db", "demo.sqlite", "--out", "-", "--pdf", "b.pdf"],
    ])
    func usage(arguments: [String]) throws {
        let (dir, accord) = try Self.demo()
        let outcome = try accord(arguments)
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains("Error:"))
        #expect(try Self.entries(dir) == ["demo.sqlite"])
    }

    @Test("bad filters and dates fail with exit 65 and write nothing", arguments: [
        ["--agreement", "nope"], ["--party", "ZZ"], ["--at", "2025-13-01"], ["--since", "2025-07-01"], ["--as-of", "999"],
    ])
    func badInput(arguments: [String]) throws {
        let (dir, accord) = try Self.demo()
        // accord refuses an option given twice, so the bad --at replaces the good one.
        let at = arguments.contains("--at") ? [] : ["--at", "2025-06-10"]
        let outcome = try accord(["brief", "--db", "demo.sqlite", "--out", "brief.html"] + at + arguments)
        #expect(outcome.status == 65, "\(outcome.stderr)")
        #expect(outcome.stderr.hasPrefix("Error: "))
        #expect(try Self.entries(dir) == ["demo.sqlite"])
    }

    @Test("the brief never overwrites the ledger", arguments: [["--out", "demo.sqlite"], ["--out", "./demo.sqlite"],
                                                                 ["--out", "b.html", "--pdf", "demo.sqlite"]])
    func neverOverwritesLedger(arguments: [String]) throws {
        let (dir, accord) = try Self.demo()
        let before = try Data(contentsOf: URL(fileURLWithPath: dir.path("demo.sqlite")))
        let outcome = try accord(["brief", "--db", "demo.sqlite"] + arguments)
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains("is the ledger"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.path("demo.sqlite"))) == before)
    }

    @Test("a file that cannot be written fails and leaves nothing")
    func unwritable() throws {
        let (dir, accord) = try Self.demo()
        let outcome = try accord("brief", "--db", "demo.sqlite", "--out", "missing/brief.html")
        // A path that cannot be a file is bad input (65); a full disk would be a failure (1).
        #expect(outcome.status == 65)
        #expect(outcome.stderr.hasPrefix("Error: creating a temporary file for missing/brief.html: No such file or directory"))
        #expect(try Self.entries(dir) == ["demo.sqlite"])
    }

    @Test("markdown goes to stdout with the same figures and stamp as the HTML")
    func markdown() throws {
        let (dir, accord) = try Self.demo()
        try accord.ok("brief", "--db", "demo.sqlite", "--at", "2025-06-10", "--out", "brief.html")
        let html = try Self.read(dir.path("brief.html"))
        let markdown = try accord.ok("brief", "--db", "demo.sqlite", "--at", "2025-06-10", "--format", "markdown")
        #expect(markdown.hasPrefix("# Briefing: Istanbul talks: exchange and de-escalation\n"))
        #expect(markdown.contains("- **Overall fulfilment: 50%** — 2 of 4 commitments due by 2025-06-10 fulfilled"))
        #expect(html.contains("<div class=\"value\">50%</div><div class=\"detail\">2 of 4 commitments due by <span class=\"nowrap\">2025-06-10</span> fulfilled"))
        #expect(markdown.contains("- **Breaches since 2025-05-16: 1** — 1 major, confirmed"))
        #expect(html.contains("<div class=\"label\">Breaches since 2025-05-16</div><div class=\"value\">1</div><div class=\"detail\">1 major, confirmed"))
        #expect(markdown.contains("- **Guarantees triggered / invoked: 1 / 1**"))
        #expect(markdown.contains("| 2025-05-25 | 303 | 303 | 1,000 | 1,000 | 0 |"))
        let root = try #require(html.range(of: "Merkle root</dt><dd><code>")).upperBound
        let hex = String(html[root...].prefix(64))
        #expect(markdown.contains("- Merkle root: \(hex) (tree size 31)"))
        #expect(markdown.contains("accord brief --db demo.sqlite --at 2025-06-10 --as-of 31 --since 2025-05-16 --format markdown\n"))
        // --out writes the same text to a file.
        try accord.ok("brief", "--db", "demo.sqlite", "--at", "2025-06-10", "--format", "markdown", "--out", "brief.md")
        #expect(try Self.read(dir.path("brief.md")).hasPrefix("# Briefing:"))
    }

    @Test("the printed command reproduces the page: same body after the ledger grew, only the generated-at differs")
    func reproduce() throws {
        let (dir, accord) = try Self.demo()
        try accord.ok("brief", "--db", "demo.sqlite", "--at", "2025-06-10", "--out", "brief.html")
        try FileManager.default.moveItem(atPath: dir.path("brief.html"), toPath: dir.path("first.html"))
        let first = try Self.read(dir.path("first.html"))
        try accord.ok("breach", "UA-no-strikes", "--db", "demo.sqlite", "--party", "UA", "--observed", "2025-06-08",
                      "--severity", "grave", "--source", "Later monitor")
        let command = try #require(first.range(of: "<code class=\"command\">")).upperBound
        let words = first[command...].prefix { $0 != "<" }.split(separator: " ").map(String.init)
        #expect(Array(words.prefix(2)) == ["accord", "brief"])
        let outcome = try accord(Array(words.dropFirst()), extraEnvironment: ["ACCORD_NOW": "2026-01-02T03:04:05Z"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let second = try Self.read(dir.path("brief.html"))
        #expect(second != first)
        #expect(second.contains("<time datetime=\"2026-01-02T03:04:05.000Z\">"))
        #expect(withoutGeneratedAt(second) == withoutGeneratedAt(first))
        // At the head, the new breach shows.
        try accord.ok("brief", "--db", "demo.sqlite", "--at", "2025-06-10", "--out", "head.html")
        #expect(try Self.read(dir.path("head.html")).contains("entry (seq) 32"))
    }

    @Test("a party named like a script appears escaped")
    func escaped() throws {
        let dir = try TemporaryDirectory()
        let accord = AccordRunner(dir)
        try accord.ok("init", "--db", "x.sqlite")
        try accord.ok("party", "add", "XA", "--db", "x.sqlite", "--name", "<script>alert(1)</script>")
        try accord.ok("agreement", "add", "deal", "--db", "x.sqlite", "--title", "Deal", "--date", "2025-01-01")
        try accord.ok("commitment", "add", "c1", "--db", "x.sqlite", "--agreement", "deal", "--party", "XA", "--action",
                      "--due", "2025-02-01")
        try accord.ok("brief", "--db", "x.sqlite", "--at", "2025-03-01", "--out", "b.html")
        let html = try Self.read(dir.path("b.html"))
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    }

    @Test("--pdf without a browser fails cleanly: Error, install advice, the HTML written, no PDF")
    func pdfWithoutBrowser() throws {
        let (dir, accord) = try Self.demo()
        let outcome = try accord(["brief", "--db", "demo.sqlite", "--out", "brief.html", "--pdf", "brief.pdf"],
                                 extraEnvironment: ["ACCORD_CHROMIUM": dir.path("no-such-browser")])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("Error: ACCORD_CHROMIUM="))
        #expect(outcome.stderr.contains("apt-get install chromium-headless-shell"))
        #expect(outcome.stderr.contains("The HTML briefing was written to brief.html; no PDF was written."))
        #expect(try Self.entries(dir) == ["brief.html", "demo.sqlite"])
    }

    @Test("--pdf with a browser that fails leaves no PDF")
    func pdfBrowserFails() throws {
        let (dir, accord) = try Self.demo()
        let fake = dir.path("fake-chromium")
        _ = FileManager.default.createFile(atPath: fake, contents: Data("#!/bin/sh\necho broken >&2\nexit 3\n".utf8),
                                           attributes: [.posixPermissions: 0o755])
        let outcome = try accord(["brief", "--db", "demo.sqlite", "--out", "brief.html", "--pdf", "brief.pdf"],
                                 extraEnvironment: ["ACCORD_CHROMIUM": fake])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("exited with status 3 while making a PDF: broken"))
        #expect(try Self.entries(dir) == ["brief.html", "demo.sqlite", "fake-chromium"])
    }

    @Test("--pdf with headless Chromium writes a PDF", .enabled(if: installedBrowser != nil, "no headless Chromium installed"))
    func pdf() throws {
        let (dir, accord) = try Self.demo()
        let outcome = try accord("brief", "--db", "demo.sqlite", "--at", "2025-06-10", "--out", "brief.html", "--pdf", "brief.pdf")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let pdf = try Data(contentsOf: URL(fileURLWithPath: dir.path("brief.pdf")))
        #expect(pdf.starts(with: Array("%PDF".utf8)))
        #expect(pdf.count > 10_000)
        #expect(try Self.entries(dir) == ["brief.html", "brief.pdf", "demo.sqlite"])
    }

    @Test("rendered to PNG, the page is not blank and shows its charts",
          .enabled(if: installedBrowser != nil, "no headless Chromium installed"))
    func rendersToPNG() throws {
        let (dir, accord) = try Self.demo()
        try accord.ok("brief", "--db", "demo.sqlite", "--at", "2025-06-10", "--out", "brief.html")
        let html = try Self.read(dir.path("brief.html"))
        #expect(html.components(separatedBy: "<svg class=\"chart\"").count - 1 >= 6)
        for label in ["Fulfilment rate by party", "Fulfilment rate and status by commitment", "Breaches by date and severity",
                      "Tranches of UA-release and RU-release"] {
            #expect(html.contains("aria-label=\"\(label)"), "\(label)")
        }
        let browser = try #require(installedBrowser)
        try "<!DOCTYPE html><html><body></body></html>".write(toFile: dir.path("blank.html"), atomically: true, encoding: .utf8)
        let blank = try pngStats(html: dir.path("blank.html"), in: dir, name: "blank", browser: browser)
        let page = try pngStats(html: dir.path("brief.html"), in: dir, name: "brief", browser: browser)
        try #require(blank.count == 4 && page.count == 4)
        #expect(blank[2] == 0, "the checker sees a blank page as blank")
        #expect(page[0] == 794 && page[1] == 1123)
        // The first screen of the brief: text, tiles and bars cover a good part of it, in many colours.
        #expect(page[2] > page[0] * page[1] / 4 / 40, "inked sample pixels: \(page[2])")
        #expect(page[3] > 50, "distinct colours: \(page[3])")
    }
}

/// The HTML without the one line that may differ between runs: the generated-at time.
func withoutGeneratedAt(_ html: String) -> String {
    html.split(separator: "\n", omittingEmptySubsequences: false)
        .filter { !$0.contains("class=\"generated\"") }
        .joined(separator: "\n")
}
