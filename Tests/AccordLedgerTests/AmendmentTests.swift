@testable import AccordLedger
import Testing

/// Amendments (terms in force from a date) and voids (as if never made), through the library.
@Suite("Amendments and voids")
struct AmendmentTests {
    @discardableResult
    static func amend(_ f: LedgerFixture, _ id: String, subject: String = "commitment", effective: String,
                      _ edit: (inout AmendmentInput) -> Void) throws -> Int64 {
        var input = AmendmentInput(subject: subject, id: id, effective: effective, reason: "Renegotiated")
        edit(&input)
        return try f.ledger.amend(input, as: f.recorder).outcome.seq
    }

    static func void(_ f: LedgerFixture, _ seq: Int64) throws {
        _ = try f.ledger.void(String(seq), reason: "Entered in error", as: f.recorder)
    }

    @Test("an amended due date: the old terms before its effective date, the new from it; unknown --as-of before it was recorded")
    func amendedDueDate() throws {
        let f = try LedgerFixture()
        try f.action("summit", due: "2025-06-30")
        try f.log("summit", done: false, on: "2025-07-01")
        let before = try f.journal().last!.0
        let amendment = try Self.amend(f, "summit", effective: "2025-07-10") { $0.due = "2025-08-31" }

        // On 07-05 the old deadline is in force: overdue.
        let july5 = try f.commitment("summit", at: "2025-07-05")
        #expect(july5.status == .overdue)
        #expect(july5.due?.text == "2025-06-30")
        // From 07-10 the extended one: not overdue, not due.
        let july10 = try f.commitment("summit", at: "2025-07-10")
        #expect(july10.status == .unverified)
        #expect(july10.due?.text == "2025-08-31")
        #expect(july10.isDue == false)
        // Known only from the amendment's entry on (knowledge time).
        let unknown = try f.report(at: "2025-07-10", asOf: .seq(before))
        #expect(unknown.commitments.first?.status == .overdue)
        #expect(unknown.commitments.first?.due?.text == "2025-06-30")
        let known = try f.report(at: "2025-07-10", asOf: .seq(amendment))
        #expect(known.commitments == (try f.report(at: "2025-07-10")).commitments)

        // A later amendment with an earlier effective date applies in effective order.
        try Self.amend(f, "summit", effective: "2025-07-01") { $0.due = "2025-07-20" }
        #expect(try f.commitment("summit", at: "2025-07-05").due?.text == "2025-07-20")
        #expect(try f.commitment("summit", at: "2025-07-15").due?.text == "2025-08-31")
    }

    @Test("an amended target, and a title, a name and a response time in force from their dates")
    func otherTerms() throws {
        let f = try LedgerFixture()
        try f.quantity("release", party: "UA", target: "100", due: "2025-06-30")
        try f.restraint("ports", party: "RU", from: "2025-06-01", until: "2025-07-31")
        try f.guarantee("G", guarantor: "US", covers: ["ports"], days: "7")
        try f.log("release", quantity: 80, on: "2025-06-10")
        try f.breach("ports", by: "RU", on: "2025-06-05")
        try Self.amend(f, "release", effective: "2025-06-15") { $0.target = "80" }
        try Self.amend(f, "UA", subject: "party", effective: "2025-06-15") { $0.name = "Ukraine" }
        try Self.amend(f, "A", subject: "agreement", effective: "2025-06-15") { $0.title = "Istanbul" }
        try Self.amend(f, "G", subject: "guarantee", effective: "2025-06-15") { $0.respondWithinDays = "14" }

        let before = try f.report(at: "2025-06-14")
        let releaseBefore = try #require(before.commitments.first { $0.id == "release" })
        #expect(releaseBefore.status == .inProgress && releaseBefore.target == 100 && releaseBefore.rate == 0.8)
        #expect(before.parties.first { $0.party == "UA" }?.name == "Party UA")
        #expect(before.agreements.first?.title == "Agreement A")
        #expect(before.guarantees.first?.status == .lapsed)
        let after = try f.report(at: "2025-06-15")
        let releaseAfter = try #require(after.commitments.first { $0.id == "release" })
        #expect(releaseAfter.status == .fulfilled && releaseAfter.target == 80 && releaseAfter.rate == 1)
        #expect(after.parties.first { $0.party == "UA" }?.name == "Ukraine")
        #expect(after.agreements.first?.title == "Istanbul")
        // A trigger keeps the response time in force on its own day: the 06-05 breach lapsed on 06-12,
        // and the amendment from 06-15 does not reopen it.
        #expect(after.guarantees.first?.status == .lapsed)
        #expect(after.guarantees.first?.respondBy?.text == "2025-06-12")
        // A breach after the amendment gets the new response time: 06-20 + 14 days.
        try f.breach("ports", by: "RU", on: "2025-06-20")
        let later = try f.report(at: "2025-06-21")
        #expect(later.guarantees.first?.status == .triggered)
        #expect(later.guarantees.first?.respondBy?.text == "2025-07-04")
    }

    @Test("a window amended from a date before a breach puts the breach outside; from a date after it, the breach still counts")
    func amendedWindow() throws {
        let f = try LedgerFixture()
        try f.restraint("ports", party: "RU", from: "2025-06-01", until: "2025-07-31")
        try f.restraint("roads", party: "RU", from: "2025-06-01", until: "2025-07-31")
        try f.breach("ports", by: "RU", on: "2025-06-05")
        try f.breach("roads", by: "RU", on: "2025-06-05")
        // Terms on the breach's day decide: ports starts on 06-10 from 06-01 on; roads only from 06-07.
        try Self.amend(f, "ports", effective: "2025-06-01") { $0.from = "2025-06-10" }
        try Self.amend(f, "roads", effective: "2025-06-07") { $0.from = "2025-06-10" }
        let report = try f.report(at: "2025-06-20")
        #expect(report.commitments.map(\.status) == [.inProgress, .breached])
        #expect(report.commitments.map(\.breaches) == [0, 1])
        var query = BreachQuery()
        query.status = .outside
        #expect(try f.ledger.breaches(query).breaches.map(\.commitment) == ["ports"])
        // And a new breach before the amended window is refused.
        #expect(ledgerError { try f.breach("ports", by: "RU", on: "2025-06-08") }?.code == .badInput)
    }

    @Test("an amended agreement date moves when a quantity or an action can be breached")
    func amendedAgreementDate() throws {
        let f = try LedgerFixture()
        try f.party("P")
        _ = try f.ledger.addAgreement(AgreementInput(id: "A", title: "Dated", date: "2025-06-01"), as: f.recorder)
        var texts = CommitmentInput(id: "texts", agreement: "A", party: "P")
        texts.action = true
        texts.due = "2025-07-31"
        _ = try f.ledger.addCommitment(texts, as: f.recorder)
        #expect(ledgerError { try f.breach("texts", on: "2025-05-25") }?.code == .badInput)
        try Self.amend(f, "A", subject: "agreement", effective: "2025-05-01") { $0.date = "2025-05-20" }
        try f.breach("texts", on: "2025-05-25")
        #expect(try f.commitment("texts", at: "2025-05-26").status == .breached)
    }

    @Test("a voided verification stops counting; the journal keeps it")
    func voidVerification() throws {
        let f = try LedgerFixture()
        try f.quantity("C", target: "10", due: "2025-06-30")
        let seq = try f.log("C", quantity: 10, on: "2025-06-01", id: "v1").seq
        #expect(try f.commitment("C", at: "2025-06-02").status == .fulfilled)
        let entries = try f.journal().count
        _ = try f.ledger.void("v1", reason: "Entered in error", as: f.recorder)
        #expect(try f.journal().count == entries + 1)
        let c = try f.commitment("C", at: "2025-06-02")
        #expect(c.status == .unverified)
        #expect((c.verified, c.sources, c.leftOut) == (0, 0, 0))
        let again = ledgerError { try Self.void(f, seq) }
        #expect(again?.message.contains("already voided") == true, "\(again?.message ?? "")")
        // As of before the void, it counted.
        #expect(try f.report(at: "2025-06-02", asOf: .seq(Int64(entries))).commitments.first?.status == .fulfilled)
    }

    @Test("a voided definition vanishes from reports once what refers to it is voided; its id is never reused")
    func voidDefinition() throws {
        let f = try LedgerFixture()
        let commitment = try f.action("typo", due: "2025-06-30").seq
        try f.action("kept", due: "2025-06-30")
        let record = try f.log("typo", done: true, on: "2025-06-01").seq
        let refused = ledgerError { try Self.void(f, commitment) }
        #expect(refused?.message.contains("refers to") == true, "\(refused?.message ?? "")")
        try Self.void(f, record)
        try Self.void(f, commitment)
        let report = try f.report(at: "2025-06-10")
        #expect(report.commitments.map(\.id) == ["kept"])
        #expect(report.parties.first?.commitments == 1)
        #expect(ledgerError { try f.action("typo", due: "2025-06-30") }?.message.contains("voided") == true)
        #expect(ledgerError { try f.log("typo", done: true, on: "2025-06-02") }?.code == .badInput)
    }

    @Test("voiding an amendment, a withdrawal or an invocation restores what was before it")
    func voidOthers() throws {
        let f = try LedgerFixture()
        try f.action("summit", due: "2025-06-30")
        try f.restraint("ports", party: "RU", from: "2025-06-01")
        try f.guarantee("G", guarantor: "US", covers: ["ports"], days: "7")
        let amendment = try Self.amend(f, "summit", effective: "2025-06-01") { $0.due = "2025-06-05" }
        let withdrawal = try f.withdraw("summit", on: "2025-06-20").seq
        try f.breach("ports", by: "RU", on: "2025-06-02")
        let invocation = try f.invoke("G", on: "2025-06-04").seq
        let before = try f.report(at: "2025-06-10")
        #expect(before.commitments.map(\.status) == [.overdue, .breached])
        #expect(before.guarantees.first?.status == .invoked)
        #expect(try f.report(at: "2025-06-25").commitments.first?.status == .withdrawn)

        try Self.void(f, amendment)
        try Self.void(f, withdrawal)
        try Self.void(f, invocation)
        let after = try f.report(at: "2025-06-10")
        #expect(after.commitments.map(\.status) == [.unverified, .breached])
        #expect(after.guarantees.first?.status == .lapsed)
        #expect(try f.report(at: "2025-06-25").commitments.first?.status == .unverified)
        // The trigger is open again for a (late) invocation.
        try f.invoke("G", on: "2025-06-12")
        #expect(try f.report(at: "2025-06-25").guarantees.first?.status == .invokedLate)
    }
}
