import Foundation
import Testing

/// `accord log` and `accord report` lines read without swift-argument-parser
/// (QuickParse, in Sources/accord/Support/QuickParse.swift) against the same
/// lines written so that only the parser reads them: `--name=value`, which
/// QuickParse leaves alone.
@Suite("QuickParse: accord log and accord report without the parser's reflection")
struct QuickParseCLITests {
    /// Mirrors LogParts.set(_:_:) and LogParts.flag(_:).
    static let logOptions: Set<String> = [
        "--db", "--wait", "--actor", "--sign-with", "--format", "--quantity", "--observed", "--precision", "--corroborates",
        "--source", "--source-kind", "--confidence", "--id", "--evidence", "--evidence-sha256", "--evidence-uri", "--note",
        "--place", "--lat", "--lon", "--geo-precision", "--remote", "--token",
    ]
    static let logFlags: Set<String> = ["--done", "--not-done"]
    /// Mirrors ReportParts.set(_:_:) and ReportParts.flag(_:).
    static let reportOptions: Set<String> = [
        "--db", "--wait", "--format", "--at", "--as-of", "--agreement", "--party", "--min-confidence", "--section", "--remote",
        "--token",
    ]
    static let reportFlags: Set<String> = ["--no-header", "--raw", "--bom"]
    static let options = logOptions.union(reportOptions)

    /// `arguments` with every `--name value` of an option written `--name=value`.
    static func joined(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            if options.contains(word), index + 1 < arguments.count {
                out.append(word + "=" + arguments[index + 1])
                index += 2
            } else {
                out.append(word)
                index += 1
            }
        }
        return out
    }

    @Test("the options QuickParse knows for log and report are exactly the parser's",
          arguments: [("log", logOptions, logFlags, 1), ("report", reportOptions, reportFlags, 0)])
    func optionsMatchTheParser(command: String, known: Set<String>, knownFlags: Set<String>, knownPositionals: Int) throws {
        let dir = try TemporaryDirectory()
        let dump = try AccordRunner(dir).ok("--experimental-dump-help")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(dump.utf8)) as? [String: Any])
        let root = try #require(json["command"] as? [String: Any])
        let subcommands = root["subcommands"] as? [[String: Any]] ?? []
        let log = try #require(subcommands.first { $0["commandName"] as? String == command })
        var options: Set<String> = []
        var flags: Set<String> = []
        var positionals = 0
        for argument in log["arguments"] as? [[String: Any]] ?? [] {
            let names = (argument["names"] as? [[String: Any]] ?? []).compactMap { name -> String? in
                name["kind"] as? String == "long" ? "--" + (name["name"] as? String ?? "") : nil
            }
            switch argument["kind"] as? String {
            case "option": options.formUnion(names)
            case "flag": flags.formUnion(names)
            default: positionals += 1
            }
            #expect(argument["isRepeating"] as? Bool != true, "\(names): QuickParse reads each option once")
        }
        flags.subtract(["--help", "--version"])  // the parser's own; QuickParse leaves them to it
        #expect(options == known)
        #expect(flags == knownFlags)
        #expect(positionals == knownPositionals)
    }

    @Test("a log line records the same entry, or fails the same way, read by QuickParse or by the parser")
    func sameAsTheParser() throws {
        let quickDir = try TemporaryDirectory()
        let parserDir = try TemporaryDirectory()
        let (quick, _) = try RoundTripCLITests.ledger(quickDir)
        var parser = AccordRunner(parserDir)
        parser.environment = quick.environment
        try FileManager.default.copyItem(atPath: quickDir.path("a.sqlite"), toPath: parserDir.path("a.sqlite"))
        for dir in [quickDir, parserDir] {
            try Data("evidence\n".utf8).write(to: URL(fileURLWithPath: dir.path("photo.jpg")))
        }
        let hash = String(repeating: "ab", count: 32)
        let cases: [[String]] = [
            ["log", "UA-release", "--quantity", "5", "--observed", "2025-06-02", "--source", "ICRC", "--db", "a.sqlite"],
            ["--db", "a.sqlite", "log", "UA-release", "--quantity", "6", "--observed", "2025-06-02", "--source", "ICRC",
             "--format", "json"],
            ["log", "--corroborates", "12", "--source", "HQ", "--source-kind", "official", "--confidence", "probable",
             "--note", "second look", "--id", "hq-2", "--format", "json", "--db", "a.sqlite"],
            ["log", "texts", "--not-done", "--observed", "2025-06-03", "--precision", "week", "--source", "Wire", "--id", "w-1",
             "--evidence-sha256", hash, "--evidence-uri", "https://example.org/x", "--format", "json", "--db", "a.sqlite"],
            ["log", "--format", "json", "UA-release", "--quantity", "2", "--observed", "2025-06-04", "--source", "S",
             "--place", "Sumy", "--lat", "-50.9", "--lon", "-34.8", "--geo-precision", "near", "--actor", "alice", "--wait", "1",
             "--evidence", "photo.jpg", "--db", "a.sqlite"],
            ["log", "texts", "--done", "--observed", "2025-06-05", "--source", "Wire", "--format", "json", "--db", "a.sqlite"],
            // Refused by the engine or by the command, the same way.
            ["log", "UA-release", "--quantity", "-3", "--observed", "2025-06-02", "--source", "ICRC", "--db", "a.sqlite"],
            ["log", "nosuch", "--quantity", "1", "--observed", "2025-06-02", "--source", "ICRC", "--db", "a.sqlite"],
            ["log", "UA-release", "--quantity", "1", "--observed", "2025-06-02", "--source", "ICRC", "--sign-with", "no.key",
             "--db", "a.sqlite"],
            ["log", "UA-release", "--quantity", "1", "--observed", "2025-06-02", "--source", "ICRC", "--wait", "soon",
             "--db", "a.sqlite"],
            ["log", "UA-release", "--quantity", "1", "--observed", "2025-06-02", "--source", "ICRC", "--db", "missing.sqlite"],
        ]
        for (index, arguments) in cases.enumerated() {
            let a = try quick(arguments)
            #expect((a.status == 0) == (index < 6), "\(arguments): \(a.stderr)")
            let b = try parser(Self.joined(arguments))
            #expect(a.status == b.status && a.stdout == b.stdout && a.stderr == b.stderr,
                    "\(arguments): \(a.status) \(a.stdout) \(a.stderr) vs \(b.status) \(b.stdout) \(b.stderr)")
        }
        let recorded = try quick.ok("journal", "export", "--db", "a.sqlite")
        #expect(recorded.split(separator: "\n").count > 20)
        let recordedByParser = try parser.ok("journal", "export", "--db", "a.sqlite")
        #expect(recorded == recordedByParser)
        let report = try quick.ok("report", "--format", "json", "--db", "a.sqlite")
        let reportByParser = try parser.ok("report", "--format", "json", "--db", "a.sqlite")
        #expect(report.contains("UA-release") && report == reportByParser)
    }

    @Test("what QuickParse does not read goes to the parser: its help, usage and errors for the whole command tree")
    func leftToTheParser() throws {
        let dir = try TemporaryDirectory()
        let (accord, db) = try RoundTripCLITests.ledger(dir)
        let base = ["log", "UA-release", "--quantity", "1", "--observed", "2025-06-02", "--source", "ICRC", "--db", db]
        let help = try accord("log", "--help")
        #expect(help.status == 0 && help.stdout.contains("USAGE: accord log"), "\(help.stdout)")
        #expect(try accord(base + ["-h"]).stdout == help.stdout)
        let version = try accord(base + ["--version"])
        #expect(version.status == 0 && version.stdout.hasPrefix("accord "), "\(version)")
        for (arguments, message) in [
            (["log", "UA-release", "--source", "ICRC", "--db", db], "Missing expected argument '--observed <observed>'"),
            (["log", "UA-release", "--observed", "2025-06-02", "--db", db], "Missing expected argument '--source <source>'"),
            (["log", "UA-release", "--corroborates", "12", "--source", "ICRC", "--db", db], "give either a commitment or"),
            (base + ["--bogus", "x"], "Unknown option '--bogus'"),
            (base + ["--format", "yaml"], "The value 'yaml' is invalid for '--format <format>'"),
            (base + ["extra"], "Unexpected argument 'extra'"),
            (base + ["--note", "--done"], "Missing value for '--note <note>'"),
        ] {
            let outcome = try accord(arguments)
            #expect(outcome.status == 64, "\(arguments): \(outcome.stderr)")
            #expect(outcome.stderr.contains(message) && outcome.stderr.contains("accord log"), "\(arguments): \(outcome.stderr)")
        }
    }

    @Test("a report line prints the same, or fails the same way, read by QuickParse or by the parser")
    func reportSameAsTheParser() throws {
        let dir = try TemporaryDirectory()
        let (accord, db) = try RoundTripCLITests.ledger(dir)
        let cases: [[String]] = [
            ["report", "--db", db],
            ["--db", db, "report", "--format", "json", "--at", "2025-06-02"],
            ["report", "--format", "csv", "--section", "guarantees", "--no-header", "--raw", "--bom", "--db", db],
            ["report", "--format", "tsv", "--min-confidence", "probable", "--party", "UA", "--wait", "1", "--db", db],
            ["report", "--format", "markdown", "--agreement", "ist", "--as-of", "12", "--at", "2025-05-24", "--db", db],
            ["report", "--format", "ndjson", "--section", "reciprocity", "--db", db],
            // Refused by the engine or by the command, the same way.
            ["report", "--party", "XX", "--db", db],
            ["report", "--at", "2025-13-01", "--db", db],
            ["report", "--min-confidence", "sure", "--db", db],
            ["report", "--as-of", "9999", "--db", db],
            ["report", "--wait", "soon", "--db", db],
            ["report", "--db", dir.path("missing.sqlite")],
            ["report", "--remote", "http://127.0.0.1:9", "--db", db],
            ["report", "--token", "t", "--db", db],
        ]
        for (index, arguments) in cases.enumerated() {
            let a = try accord(arguments)
            #expect((a.status == 0) == (index < 6), "\(arguments): \(a.stderr)")
            let b = try accord(Self.joined(arguments))
            #expect(a.status == b.status && a.stdout == b.stdout && a.stderr == b.stderr,
                    "\(arguments): \(a.status) \(a.stdout) \(a.stderr) vs \(b.status) \(b.stdout) \(b.stderr)")
            if index < 6 { #expect(a.stdout.contains("UA-release") || a.stdout.contains("US-sanctions"), "\(arguments): \(a.stdout)") }
        }
    }

    @Test("what QuickParse does not read of a report line goes to the parser: its help, usage and errors")
    func reportLeftToTheParser() throws {
        let dir = try TemporaryDirectory()
        let (accord, db) = try RoundTripCLITests.ledger(dir)
        let help = try accord("report", "--help")
        #expect(help.status == 0 && help.stdout.contains("USAGE: accord report"), "\(help.stdout)")
        #expect(try accord("report", "--db", db, "-h").stdout == help.stdout)
        let version = try accord("report", "--db", db, "--version")
        #expect(version.status == 0 && version.stdout.hasPrefix("accord "), "\(version)")
        for (arguments, message) in [
            (["report", "--db", db, "--bogus", "x"], "Unknown option '--bogus'"),
            (["report", "--db", db, "--format", "yaml"], "The value 'yaml' is invalid for '--format <format>'"),
            (["report", "--db", db, "--section", "all"], "The value 'all' is invalid for '--section <section>'"),
            (["report", "--db", db, "extra"], "Unexpected argument 'extra'"),
            (["report", "--db", db, "--party", "--raw"], "Missing value for '--party <party>'"),
            (["report", "--db", db, "--format", "json", "--bom"], "--bom applies to csv and tsv output"),
            (["report", "--db", db, "--remote", "ftp://x"], "--remote"),
        ] {
            let outcome = try accord(arguments)
            #expect(outcome.status == 64, "\(arguments): \(outcome.stderr)")
            #expect(outcome.stderr.contains(message), "\(arguments): \(outcome.stderr)")
        }
    }
}
