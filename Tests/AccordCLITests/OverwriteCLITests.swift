import Foundation
import Testing

/// Commands that write a file never write over the ledger or what they read.
@Suite("Outputs that would destroy an input")
struct OverwriteCLITests {
    static func bytes(_ dir: TemporaryDirectory, _ name: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: dir.path(name)))
    }

    @Test("checkpoint --out refuses the ledger and the key, and writes nothing",
          arguments: ["demo.sqlite", "./demo.sqlite", "demo.sqlite-wal", "monitor.key"])
    func checkpointOut(target: String) throws {
        let (dir, accord) = try BriefCLITests.demo()
        try accord.ok("key", "generate", "--out", "monitor.key")
        try accord.ok("key", "register", "monitor", "--public", "monitor.key.pub", "--db", "demo.sqlite")
        // A -wal companion exists only while a connection is open; make one stand in.
        if target.hasSuffix("-wal") { FileManager.default.createFile(atPath: dir.path(target), contents: Data()) }
        let ledger = try Self.bytes(dir, "demo.sqlite")
        let key = try Self.bytes(dir, "monitor.key")
        let outcome = try accord(["checkpoint", "--key", "monitor.key", "--out", target, "--db", "demo.sqlite"])
        #expect(outcome.status == 64, "\(outcome.stderr)")
        #expect(outcome.stderr.hasPrefix("Error: --out \(target) is the"), "\(outcome.stderr)")
        #expect(try Self.bytes(dir, "demo.sqlite") == ledger)
        #expect(try Self.bytes(dir, "monitor.key") == key)
    }

    @Test("import --rejects refuses the file being imported and the ledger, and imports nothing",
          arguments: ["rows.csv", "./rows.csv", "demo.sqlite"])
    func importRejects(target: String) throws {
        let (dir, accord) = try BriefCLITests.demo()
        let rows = "id,commitment,quantity,observed,source\nok-1,UA-release,5,2025-06-01,Test\nbad-1,nowhere,5,2025-06-01,Test\n"
        try Data(rows.utf8).write(to: URL(fileURLWithPath: dir.path("rows.csv")))
        let ledger = try Self.bytes(dir, "demo.sqlite")
        let outcome = try accord(["import", "rows.csv", "--keep-going", "--rejects", target, "--db", "demo.sqlite"])
        #expect(outcome.status == 64, "\(outcome.stderr)")
        #expect(outcome.stderr.hasPrefix("Error: --rejects \(target) is the"), "\(outcome.stderr)")
        #expect(try Self.bytes(dir, "rows.csv") == Data(rows.utf8))
        #expect(try Self.bytes(dir, "demo.sqlite") == ledger)
    }
}
