import Foundation
import Testing

@Suite("accord brief: the Markdown and the HTML say the same; sources counted once; the ledger as named")
struct BriefConsistencyCLITests {
    /// A ledger with twelve breaches of one restraint in the period and sources spelled several ways.
    static func ledger(_ dir: TemporaryDirectory) throws -> (AccordRunner, String) {
        var accord = AccordRunner(dir)
        accord.environment["ACCORD_NOW"] = "2025-06-30T12:00:00Z"
        let db = dir.path("l.sqlite")
        var commands: [[String]] = [
            ["init"],
            ["party", "add", "UA", "--name", "Ukraine"], ["party", "add", "RU", "--name", "Russian Federation"],
            ["agreement", "add", "ist", "--title", "Istanbul talks", "--date", "2025-05-16"],
            ["commitment", "add", "UA-release", "--agreement", "ist", "--party", "UA", "--quantity", "1000", "--unit", "prisoners",
             "--due", "2025-06-20"],
            ["commitment", "add", "RU-no-strikes", "--agreement", "ist", "--party", "RU", "--restraint", "--from", "2025-05-16",
             "--until", "2025-07-31"],
            // One source under three spellings: it counts once, and is listed once.
            ["log", "UA-release", "--quantity", "300", "--observed", "2025-05-23", "--source", "ICRC", "--id", "v1"],
            ["log", "--corroborates", "v1", "--source", "icrc"],
            ["log", "UA-release", "--quantity", "200", "--observed", "2025-05-24", "--source", "ＩＣＲＣ", "--id", "v2"],
            // A second source, and one below the threshold that must not be listed.
            ["log", "--corroborates", "v2", "--source", "UNHCR", "--source-kind", "ngo"],
            ["log", "UA-release", "--quantity", "50", "--observed", "2025-05-25", "--source", "Rumour mill", "--confidence", "unverified"],
            // A retracted record's source is not counted either.
            ["log", "UA-release", "--quantity", "5", "--observed", "2025-05-26", "--source", "Withdrawn wire", "--id", "v4"],
            ["retract", "v4", "--reason", "withdrawn"],
        ]
        let severities = ["minor", "major", "grave"]
        for day in 1...12 {
            commands.append(["breach", "RU-no-strikes", "--party", "RU", "--observed", String(format: "2025-06-%02d", day),
                             "--severity", severities[day % 3], "--source", "Monitor \(day)", "--description", "Strike number \(day)"])
        }
        for command in commands { try accord.ok(command + ["--db", db]) }
        return (accord, db)
    }

    @Test("the Markdown carries what the HTML does: the gravest breaches and a count of the rest")
    func sameContent() throws {
        let dir = try TemporaryDirectory()
        let (accord, db) = try Self.ledger(dir)
        try accord.ok("brief", "--db", db, "--at", "2025-06-30", "--out", "b.html")
        let html = try String(contentsOfFile: dir.path("b.html"), encoding: .utf8)
        let markdown = try accord.ok("brief", "--db", db, "--at", "2025-06-30", "--format", "markdown")
        let inHTML = (1...12).filter { html.contains("Strike number \($0)<") }
        let inMarkdown = (1...12).filter { markdown.contains("Strike number \($0) |") }
        #expect(inHTML.count == 8, "\(inHTML)")
        #expect(inMarkdown == inHTML)
        // The four grave ones and the four major ones are shown; the minor ones are counted.
        #expect(inMarkdown == [1, 2, 4, 5, 7, 8, 10, 11])
        #expect(markdown.contains("4 less grave or uncounted breaches not listed"), "\(markdown)")
        #expect(html.contains("4 less grave or uncounted breaches not listed"))
    }

    @Test("the sources listed are exactly those counted, one name for each")
    func sourcesOnce() throws {
        let dir = try TemporaryDirectory()
        let (accord, db) = try Self.ledger(dir)
        let markdown = try accord.ok("brief", "--db", db, "--at", "2025-06-30", "--format", "markdown")
        // The evidence table's row (the last one naming the commitment).
        let row = try #require(markdown.split(separator: "\n").last { $0.hasPrefix("| UA-release | UA |") })
        #expect(row.contains("| ICRC \\(other\\); UNHCR \\(ngo\\) | 2 |"), "\(row)")
        for absent in ["icrc (", "ＩＣＲＣ", "Rumour mill", "Withdrawn wire", "corroborating"] {
            #expect(!row.contains(absent), "\(absent): \(row)")
        }
        // The number beside the names is the report's.
        let report = try accord.ok("report", "--db", db, "--at", "2025-06-30", "--format", "csv")
        #expect(report.contains("UA-release,ist,UA,quantity,1000,500,prisoners,0.5,overdue,2025-06-20,,,2,0"), "\(report)")
    }

    @Test("the footer names the ledger as typed with --db, or by its file name only; never a path not typed")
    func ledgerName() throws {
        let dir = try TemporaryDirectory()
        let (accord, db) = try Self.ledger(dir)
        try FileManager.default.createDirectory(atPath: dir.path("sub"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: db, toPath: dir.path("sub/mission.sqlite"))
        let typed = try accord.ok("brief", "--db", "sub/mission.sqlite", "--at", "2025-06-30", "--format", "markdown")
        #expect(typed.contains("- Ledger: sub/mission.sqlite: entry (seq)"), "\(typed)")
        #expect(typed.contains("accord brief --db sub/mission.sqlite --at 2025-06-30"))
        // From ACCORD_DB (an absolute path the user did not type on the command line): the file name only.
        let absolute = dir.path("sub/mission.sqlite")
        let fromEnvironment = try accord(["brief", "--at", "2025-06-30", "--format", "markdown"],
                                         extraEnvironment: ["ACCORD_DB": absolute])
        #expect(fromEnvironment.status == 0, "\(fromEnvironment.stderr)")
        #expect(fromEnvironment.stdout.contains("- Ledger: mission.sqlite: entry (seq)"), "\(fromEnvironment.stdout)")
        #expect(!fromEnvironment.stdout.contains(absolute))
        #expect(!fromEnvironment.stdout.contains(dir.url.path))
        #expect(fromEnvironment.stdout.contains("accord brief --at 2025-06-30 --as-of"), "\(fromEnvironment.stdout)")
        let wrote = try accord(["brief", "--at", "2025-06-30", "--out", "e.html"], extraEnvironment: ["ACCORD_DB": absolute])
        #expect(wrote.status == 0, "\(wrote.stderr)")
        let html = try String(contentsOfFile: dir.path("e.html"), encoding: .utf8)
        #expect(!html.contains(dir.url.path))
        #expect(html.contains("<dd>mission.sqlite: entry (seq)"))
    }
}
