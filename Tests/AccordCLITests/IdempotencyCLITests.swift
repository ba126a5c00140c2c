import Foundation
import Testing

/// A retried command: the first run (if any) and the retry, and whether the retry is the same content.
struct Retry: Sendable, CustomTestStringConvertible {
    var name: String
    var first: [String]?
    var retry: [String]
    var same: Bool

    var testDescription: String { name }
}

@Suite("Idempotent retries through the binary")
struct IdempotencyCLITests {
    static let breach = ["breach", "no-strikes", "--party", "RU", "--observed", "2025-05-30", "--severity", "major",
                         "--source", "UN HRMMU", "--id", "b1"]

    static let retries: [Retry] = [
        Retry(name: "log, same id and content", first: nil,
              retry: ["log", "UA-release", "--quantity", "390", "--observed", "2025-05-23", "--source", "ICRC", "--id", "v1"],
              same: true),
        Retry(name: "log, same id, another quantity", first: nil,
              retry: ["log", "UA-release", "--quantity", "391", "--observed", "2025-05-23", "--source", "ICRC", "--id", "v1"],
              same: false),
        Retry(name: "log, same id, another commitment", first: nil,
              retry: ["log", "RU-release", "--quantity", "390", "--observed", "2025-05-23", "--source", "ICRC", "--id", "v1"],
              same: false),
        Retry(name: "log, same id, another confidence", first: nil,
              retry: ["log", "UA-release", "--quantity", "390", "--observed", "2025-05-23", "--source", "ICRC", "--id", "v1",
                      "--confidence", "probable"], same: false),
        Retry(name: "log, same id, the date written with a time the same day", first: nil,
              retry: ["log", "UA-release", "--quantity", "390", "--observed", "2025-05-23T10:00:00Z", "--source", "ICRC",
                      "--id", "v1"], same: false),
        Retry(name: "breach, same id and content", first: breach, retry: breach, same: true),
        Retry(name: "breach, same id, another severity", first: breach,
              retry: Array(breach.prefix(7)) + ["grave"] + Array(breach.dropFirst(8)), same: false),
        Retry(name: "corroboration, same id and content", first: ["log", "--corroborates", "v1", "--source", "UA HQ", "--id", "c1"],
              retry: ["log", "--corroborates", "v1", "--source", "UA HQ", "--id", "c1"], same: true),
        Retry(name: "corroboration, same id, another source", first: ["log", "--corroborates", "v1", "--source", "UA HQ", "--id", "c1"],
              retry: ["log", "--corroborates", "v1", "--source", "RU MoD", "--id", "c1"], same: false),
        Retry(name: "party, identical", first: nil,
              retry: ["party", "add", "UA", "--name", "Ukraine", "--kind", "state"], same: true),
        Retry(name: "party, another name", first: nil, retry: ["party", "add", "UA", "--name", "Ukrainia", "--kind", "state"],
              same: false),
        Retry(name: "party, kind left out", first: nil, retry: ["party", "add", "UA", "--name", "Ukraine"], same: false),
        Retry(name: "agreement, identical", first: nil,
              retry: ["agreement", "add", "A", "--title", "Istanbul talks", "--date", "2025-05-16", "--venue", "Istanbul"],
              same: true),
        Retry(name: "agreement, another venue", first: nil,
              retry: ["agreement", "add", "A", "--title", "Istanbul talks", "--date", "2025-05-16", "--venue", "Geneva"],
              same: false),
        Retry(name: "commitment, identical", first: nil,
              retry: ["commitment", "add", "RU-release", "--agreement", "A", "--party", "RU", "--quantity", "1000",
                      "--unit", "prisoners", "--due", "2025-05-25", "--reciprocal", "UA-release"], same: true),
        Retry(name: "commitment, another target", first: nil,
              retry: ["commitment", "add", "RU-release", "--agreement", "A", "--party", "RU", "--quantity", "1200",
                      "--unit", "prisoners", "--due", "2025-05-25", "--reciprocal", "UA-release"], same: false),
        Retry(name: "guarantee, identical", first: nil,
              retry: ["guarantee", "add", "G", "--guarantor", "US", "--covers", "no-strikes", "--consequence", "Sanctions",
                      "--respond-within-days", "7"], same: true),
        Retry(name: "guarantee, another response time", first: nil,
              retry: ["guarantee", "add", "G", "--guarantor", "US", "--covers", "no-strikes", "--consequence", "Sanctions",
                      "--respond-within-days", "8"], same: false),
    ]

    @Test("a retry is a no-op that says so; a conflicting one is refused; neither writes", arguments: retries)
    func retry(_ c: Retry) throws {
        let dir = try TemporaryDirectory()
        let path = try BaseLedger.copy(into: dir)
        let accord = AccordRunner(dir)
        if let first = c.first {
            let outcome = try accord(first)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            #expect(outcome.stderr.hasPrefix("Recorded entry "))
        }
        let before = try LedgerState(path)
        let outcome = try accord(c.retry)
        if c.same {
            #expect(outcome.status == 0, "\(c.name): \(outcome.stderr)")
            #expect(outcome.stderr.hasPrefix("Already recorded as entry "), "\(c.name): \(outcome.stderr)")
            #expect(outcome.stderr.contains("nothing written"))
        } else {
            #expect(outcome.status == 65, "\(c.name): \(outcome.stderr)")
            #expect(outcome.isOneLineError, "\(c.name): \(outcome.stderr)")
            #expect(outcome.stderr.contains("already exists"), "\(c.name): \(outcome.stderr)")
        }
        #expect(outcome.stdout.isEmpty)
        #expect(try LedgerState(path) == before, "\(c.name) changed the ledger")
    }

    @Test("a retried log does not count twice")
    func noDoubleCount() throws {
        let dir = try TemporaryDirectory()
        _ = try BaseLedger.copy(into: dir)
        let accord = AccordRunner(dir)
        for _ in 0..<3 {
            try accord.ok("log", "RU-release", "--quantity", "390", "--observed", "2025-05-23", "--source", "ICRC", "--id", "v2")
        }
        let report = try accord.report("--at", "2025-05-24")
        #expect(report.row("commitments", "RU-release")?["verified"] as? Int == 390)
        #expect(try sqlite(dir.path("accord.sqlite"), "SELECT count(*) FROM verifications").trimmingCharacters(in: .whitespacesAndNewlines) == "2")
    }
}
