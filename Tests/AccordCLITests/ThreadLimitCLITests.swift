import Foundation
import Testing

/// Reports, imports and the audit use a second thread where it helps (the
/// state's leaves, an import's reading, the audit's reading of the journal). Where no thread can be started (a process
/// limit already reached), they must do that work on their own thread, not
/// hang or die: dispatch queues retried forever there.
@Suite("Commands where no thread can be started")
struct ThreadLimitCLITests {
    /// Runs `binary` as `nobody` with no process or thread to spare (`ulimit -u 1`), stopped after 60 s (killed 5 s later).
    static func limited(_ accord: AccordRunner, _ binary: String, _ arguments: [String]) throws -> Outcome {
        let command = "ulimit -u 1 && exec \"$0\" \"$@\""
        return try accord(["-k", "5", "60", "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "/bin/bash", "-c", command,
                           binary] + arguments, binary: "/usr/bin/timeout")
    }

    @Test("a report over hundreds of entities, an import and an audit finish on one thread, as they would on two",
          .enabled(if: getuid() == 0, "runs the binary as another user"))
    func noThreadToSpare() throws {
        let dir = try TemporaryDirectory()
        #expect(chmod(dir.url.path, 0o777) == 0)
        let accord = AccordRunner(dir)
        let db = try StateRootTests.manyCommitments(dir, accord)
        for file in ["many.sqlite", "rows.csv"] { #expect(chmod(dir.path(file), 0o666) == 0) }
        // A copy nobody may run, wherever the build is (a checkout under /root is closed to others).
        let binary = dir.path("accord")
        try FileManager.default.copyItem(atPath: AccordRunner.binary, toPath: binary)
        #expect(chmod(binary, 0o755) == 0)
        let imported = try Self.limited(accord, binary, ["import", dir.path("rows.csv"), "--db", db])
        #expect(imported.status == 0 && imported.stderr.contains("2400 added"), "\(imported.status) \(imported.stdout) \(imported.stderr)")
        for arguments in [["report", "--format", "json"], ["report", "--format", "json", "--at", "2025-05-02"]] {
            let outcome = try Self.limited(accord, binary, arguments + ["--db", db])
            #expect(outcome.status == 0, "\(outcome.status) \(outcome.stderr)")
            let unlimited = try accord.ok(arguments + ["--db", db])
            #expect(outcome.stdout == unlimited)
        }
        // The audit reads and decodes the journal on a thread of its own: here, on its own thread.
        let audited = try Self.limited(accord, binary, ["audit", "--db", db])
        #expect(audited.status == 0 && audited.stdout.contains("verified"), "\(audited.status) \(audited.stdout) \(audited.stderr)")
        #expect(audited.stdout == (try accord.ok(["audit", "--db", db])))
    }
}
