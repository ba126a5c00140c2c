@testable import AccordLedger
import Testing

@Suite("Blocked by dependencies")
struct DependencyTests {
    /// texts-final (action, due 06-02) and a summit that depends on it.
    func summit() throws -> LedgerFixture {
        let f = try LedgerFixture()
        try f.action("texts-final", party: "UA", due: "2025-06-02")
        try f.action("summit", party: "RU", due: "2025-06-30", dependsOn: ["texts-final"])
        return f
    }

    @Test("blocked while its dependency is unmet, whatever its own evidence")
    func blocked() throws {
        let f = try summit()
        try f.log("summit", done: true, on: "2025-05-20")
        let summit = try f.commitment("summit", at: "2025-06-01")
        #expect(summit.status == .blocked)
        #expect(summit.blockedBy == ["texts-final"])
        #expect(summit.dependsOn == ["texts-final"])
    }

    @Test("unblocked once the dependency is fulfilled at --at")
    func unblocked() throws {
        let f = try summit()
        try f.log("texts-final", done: true, on: "2025-06-01")
        #expect(try f.commitment("summit", at: "2025-05-31").status == .blocked)
        let after = try f.commitment("summit", at: "2025-06-01")
        #expect(after.status == .unverified)
        #expect(after.blockedBy.isEmpty)
    }

    @Test("a dependency fulfilled only by probable evidence blocks at the default threshold, not below it")
    func blockedByThreshold() throws {
        let f = try summit()
        try f.log("texts-final", done: true, on: "2025-06-01", confidence: .probable)
        #expect(try f.commitment("summit", at: "2025-06-05").status == .blocked)
        #expect(try f.commitment("summit", at: "2025-06-05", min: .probable).status == .unverified)
    }

    @Test("a withdrawn dependency does not block; before its withdrawal date it does")
    func withdrawnDependency() throws {
        let f = try summit()
        try f.withdraw("texts-final", on: "2025-06-03")
        #expect(try f.commitment("summit", at: "2025-06-02").status == .blocked)
        #expect(try f.commitment("summit", at: "2025-06-03").status == .unverified)
    }

    @Test("a breached dependency blocks; a chain blocks transitively")
    func chain() throws {
        let f = try summit()
        try f.action("treaty", due: "2025-07-30", dependsOn: ["summit"])
        try f.log("texts-final", done: true, on: "2025-06-01")
        try f.log("summit", done: true, on: "2025-06-10")
        #expect(try f.commitment("treaty", at: "2025-06-09").status == .blocked)
        #expect(try f.commitment("treaty", at: "2025-06-10").status == .unverified)
        try f.breach("texts-final", by: "UA", on: "2025-06-12")
        let report = try f.report(at: "2025-06-12")
        #expect(report.commitments.first { $0.id == "texts-final" }?.status == .breached)
        #expect(report.commitments.first { $0.id == "summit" }?.status == .blocked)
        #expect(report.commitments.first { $0.id == "treaty" }?.status == .blocked)
    }

    @Test("blocked past its due date still counts as due, at its rate")
    func blockedIsDue() throws {
        let f = try summit()
        let report = try f.report(at: "2025-07-01")
        let summit = try #require(report.commitments.first { $0.id == "summit" })
        #expect(summit.status == .blocked)
        #expect(summit.isDue)
        #expect(summit.rate == 0)
        #expect(report.parties.first { $0.party == "RU" }?.due == 1)
    }

    @Test("depending on itself or on an unknown commitment is refused; nothing is written",
          arguments: ["self", "unknown"])
    func refused(kind: String) throws {
        let f = try summit()
        try f.ensure(party: "P", agreement: "A")
        let before = try f.contents()
        let error = ledgerError {
            try f.action("x", due: "2025-06-30", dependsOn: [kind == "self" ? "x" : "nope"])
        }
        #expect(error?.code == .badInput)
        #expect(error?.message.contains(kind == "self" ? "cycle" : "nope") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("depend") == true)
        #expect(try f.contents() == before)
    }
}
