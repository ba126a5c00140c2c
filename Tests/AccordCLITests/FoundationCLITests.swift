import Foundation
import Testing

@Suite("accord init, migrate, version")
struct FoundationCLITests {
    @Test("init creates a ledger whose migrations carry their SHA-256, and is idempotent")
    func initCreatesLedger() throws {
        let dir = try TemporaryDirectory()
        let accord = AccordRunner(dir)
        let first = try accord("init")
        #expect(first.status == 0)
        #expect(first.stderr.contains("Created ledger accord.sqlite"))
        #expect(FileManager.default.fileExists(atPath: dir.path("accord.sqlite")))
        let again = try accord("init")
        #expect(again.status == 0)
        #expect(again.stderr.contains("already a ledger"))
        let list = try accord.ok("migrate", "--list")
        let lines = list.split(separator: "\n")
        #expect(lines.count >= 1)
        #expect(lines.allSatisfy { $0.contains("applied") })
        #expect(lines[0].hasPrefix("0001  journal  "))
        #expect(lines[0].split(separator: " ", omittingEmptySubsequences: true)[2].count == 64)
    }

    @Test("--db and ACCORD_DB choose the file, before or after the subcommand")
    func databaseOption() throws {
        let dir = try TemporaryDirectory()
        let accord = AccordRunner(dir)
        try accord.ok("--db", "a.sqlite", "init")
        try accord.ok("init", "--db", "b.sqlite")
        #expect(try accord(["init"], extraEnvironment: ["ACCORD_DB": "c.sqlite"]).status == 0)
        for name in ["a", "b", "c"] {
            #expect(FileManager.default.fileExists(atPath: dir.path("\(name).sqlite")))
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path("accord.sqlite")))
    }

    @Test("a copied binary carries its schema: init works from an empty directory")
    func copiedBinary() throws {
        let dir = try TemporaryDirectory()
        let copy = dir.path("accord-copy")
        try FileManager.default.copyItem(atPath: AccordRunner.binary, toPath: copy)
        let outcome = try AccordRunner(dir)(["init", "--db", "ledger.sqlite"], binary: copy)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let list = try AccordRunner(dir)(["migrate", "--list", "--db", "ledger.sqlite"], binary: copy)
        #expect(list.stdout.contains("applied"))
    }

    @Test("refusals leave the file byte-identical and exit 66",
          arguments: ["text", "foreign", "empty-foreign-id", "newer"])
    func refusals(kind: String) throws {
        let dir = try TemporaryDirectory()
        let accord = AccordRunner(dir)
        let path = dir.path("target.sqlite")
        var reason = ""
        switch kind {
        case "text":
            try Data("hello, this is not a database\n".utf8).write(to: URL(fileURLWithPath: path))
            reason = "not a SQLite database"
        case "foreign", "empty-foreign-id":
            try sqlite(path, kind == "foreign"
                       ? "PRAGMA application_id = 42; CREATE TABLE notes (body TEXT);"
                       : "CREATE TABLE notes (body TEXT);")
            reason = "another application"
        default:
            try accord.ok("init", "--db", path)
            try sqlite(path, "PRAGMA wal_checkpoint(TRUNCATE); INSERT INTO schema_migrations VALUES (999, 'future', 'x', 'now'); PRAGMA journal_mode = DELETE;")
            reason = "newer accord"
        }
        let before = try #require(fileBytes(path))
        for arguments in [["init", "--db", path], ["migrate", "--db", path], ["migrate", "--list", "--db", path]] {
            let outcome = try accord(arguments)
            #expect(outcome.status == 66, "\(arguments): \(outcome.stderr)")
            #expect(outcome.stderr.hasPrefix("Error: "))
            #expect(outcome.stderr.contains(path))
            #expect(outcome.stderr.contains(reason), "\(outcome.stderr)")
            #expect(outcome.stderr.split(separator: "\n").count == 1)
            #expect(fileBytes(path) == before)
        }
    }

    @Test("a missing ledger is exit 66 with what to do")
    func missingLedger() throws {
        let dir = try TemporaryDirectory()
        let outcome = try AccordRunner(dir)("migrate", "--db", "nowhere.sqlite")
        #expect(outcome.status == 66)
        #expect(outcome.stderr.contains("`accord init --db nowhere.sqlite`"))
        #expect(!FileManager.default.fileExists(atPath: dir.path("nowhere.sqlite")))
    }

    @Test("usage errors exit 64; --version and help exit 0")
    func usage() throws {
        let dir = try TemporaryDirectory()
        let accord = AccordRunner(dir)
        #expect(try accord("no-such-command").status == 64)
        #expect(try accord("audit", "--format", "csv").stderr.contains("Please provide one of 'table', 'json' or 'ndjson'"))
        #expect(try accord("init", "--no-such-flag").status == 64)
        let version = try accord("--version")
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("accord "))
        #expect(try accord("help").status == 0)
        #expect(try accord("--help").stdout.contains("init"))
    }
}

/// Runs SQL through the sqlite3 shell, as an auditor (or an attacker) would.
@discardableResult
func sqlite(_ path: String, _ sql: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["sqlite3", path, sql]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}
