import Foundation
import Testing

@Suite("accord demo")
struct DemoCLITests {
    @Test("the demo prints its report, and refuses to overwrite a file without --force")
    func demo() throws {
        let dir = try TemporaryDirectory()
        var accord = AccordRunner(dir)
        accord.environment["ACCORD_NOW"] = "2025-07-01T00:00:00Z"
        let first = try accord("demo")
        #expect(first.status == 0)
        #expect(first.stdout.contains("RU-summit") && first.stdout.contains("blocked"))
        #expect(first.stderr.hasPrefix("Created the demo ledger accord.sqlite."))
        let before = try LedgerState(dir.path("accord.sqlite"))
        let again = try accord("demo")
        #expect(again.status == 65)
        #expect(again.isOneLineError)
        #expect(again.stderr.contains("--force"))
        #expect(try LedgerState(dir.path("accord.sqlite")) == before)
        #expect(try accord("demo", "--force").status == 0)
    }

    @Test("a demo that cannot be recorded (its dates are after the clock) leaves no file behind")
    func demoBeforeItsDates() throws {
        let dir = try TemporaryDirectory()
        let accord = AccordRunner(dir)    // ACCORD_NOW=2025-06-01, before the demo's last events
        let outcome = try accord("demo")
        #expect(outcome.status == 65)
        #expect(outcome.isOneLineError)
        #expect(outcome.stderr.contains("future"))
        for suffix in ["", "-wal", "-shm"] {
            #expect(!FileManager.default.fileExists(atPath: dir.path("accord.sqlite" + suffix)))
        }
    }
}
