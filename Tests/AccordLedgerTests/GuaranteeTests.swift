@testable import AccordLedger
import Testing

/// One case of the guarantee matrix: a restraint covered by a 7-day guarantee.
struct GuaranteeCase: Sendable, CustomTestStringConvertible {
    var name: String
    var breach: (day: String, confidence: Confidence)?
    var corroboratedBy: Confidence?
    var invocations: [String] = []
    var at: String
    var min: Confidence = .confirmed
    var status: GuaranteeStatus
    var invokedOn: String?
    var triggered: Int
    var invoked: Int
    var lapsed: Int
    var pending: Int
    var followThrough: Double?
    /// Triggers answered after the response time.
    var invokedLate = 0

    var testDescription: String { name }
}

@Suite("Guarantees and guarantors")
struct GuaranteeTests {
    static let cases: [GuaranteeCase] = [
        GuaranteeCase(name: "no breach: dormant", at: "2025-06-10", status: .dormant,
                      triggered: 0, invoked: 0, lapsed: 0, pending: 0, followThrough: nil),
        GuaranteeCase(name: "a confirmed breach inside the response time: triggered and pending",
                      breach: ("2025-06-01", .confirmed), at: "2025-06-05", status: .triggered,
                      triggered: 1, invoked: 0, lapsed: 0, pending: 1, followThrough: nil),
        GuaranteeCase(name: "on the last day to respond it is still triggered",
                      breach: ("2025-06-01", .confirmed), at: "2025-06-08", status: .triggered,
                      triggered: 1, invoked: 0, lapsed: 0, pending: 1, followThrough: nil),
        GuaranteeCase(name: "the day after the response time it has lapsed",
                      breach: ("2025-06-01", .confirmed), at: "2025-06-09", status: .lapsed,
                      triggered: 1, invoked: 0, lapsed: 1, pending: 0, followThrough: 0),
        GuaranteeCase(name: "invoked within the response time",
                      breach: ("2025-06-01", .confirmed), invocations: ["2025-06-05"], at: "2025-06-10", status: .invoked,
                      invokedOn: "2025-06-05", triggered: 1, invoked: 1, lapsed: 0, pending: 0, followThrough: 1),
        GuaranteeCase(name: "invoked on the trigger day",
                      breach: ("2025-06-01", .confirmed), invocations: ["2025-06-01"], at: "2025-06-01", status: .invoked,
                      invokedOn: "2025-06-01", triggered: 1, invoked: 1, lapsed: 0, pending: 0, followThrough: 1),
        GuaranteeCase(name: "invoked on the last day to respond",
                      breach: ("2025-06-01", .confirmed), invocations: ["2025-06-08"], at: "2025-06-20", status: .invoked,
                      invokedOn: "2025-06-08", triggered: 1, invoked: 1, lapsed: 0, pending: 0, followThrough: 1),
        GuaranteeCase(name: "an invocation after --at is not known yet",
                      breach: ("2025-06-01", .confirmed), invocations: ["2025-06-05"], at: "2025-06-04", status: .triggered,
                      triggered: 1, invoked: 0, lapsed: 0, pending: 1, followThrough: nil),
        // Issue 12: a late invocation answers the trigger as `invoked_late` (not followed through); no longer `lapsed`.
        GuaranteeCase(name: "a late invocation is invoked late, and says when it came",
                      breach: ("2025-06-01", .confirmed), invocations: ["2025-06-09"], at: "2025-06-10", status: .invokedLate,
                      invokedOn: "2025-06-09", triggered: 1, invoked: 0, lapsed: 0, pending: 0, followThrough: 0, invokedLate: 1),
        GuaranteeCase(name: "before a late invocation, the trigger has lapsed",
                      breach: ("2025-06-01", .confirmed), invocations: ["2025-06-12"], at: "2025-06-10", status: .lapsed,
                      triggered: 1, invoked: 0, lapsed: 1, pending: 0, followThrough: 0),
        // An invocation dated before the breach is now refused when it is written: see `invocationBeforeTriggerRefused`.
        GuaranteeCase(name: "a breach after --at has not triggered it",
                      breach: ("2025-06-01", .confirmed), at: "2025-05-31", status: .dormant,
                      triggered: 0, invoked: 0, lapsed: 0, pending: 0, followThrough: nil),
        GuaranteeCase(name: "a probable breach does not trigger",
                      breach: ("2025-06-01", .probable), at: "2025-06-20", status: .dormant,
                      triggered: 0, invoked: 0, lapsed: 0, pending: 0, followThrough: nil),
        GuaranteeCase(name: "a probable breach does not trigger even when the report counts probable evidence",
                      breach: ("2025-06-01", .probable), at: "2025-06-20", min: .probable, status: .dormant,
                      triggered: 0, invoked: 0, lapsed: 0, pending: 0, followThrough: nil),
        GuaranteeCase(name: "an unverified breach does not trigger at the lowest threshold",
                      breach: ("2025-06-01", .unverified), at: "2025-06-20", min: .unverified, status: .dormant,
                      triggered: 0, invoked: 0, lapsed: 0, pending: 0, followThrough: nil),
        GuaranteeCase(name: "a probable breach confirmed by a corroboration triggers",
                      breach: ("2025-06-01", .probable), corroboratedBy: .confirmed, at: "2025-06-05", status: .triggered,
                      triggered: 1, invoked: 0, lapsed: 0, pending: 1, followThrough: nil),
    ]

    @Test("status and follow-through", arguments: cases)
    func matrix(_ c: GuaranteeCase) throws {
        let f = try LedgerFixture()
        try f.restraint("RU-no-strikes", party: "RU", from: "2025-05-16", until: "2025-06-30")
        try f.guarantee("US-sanctions", guarantor: "US", covers: ["RU-no-strikes"], days: "7")
        if let breach = c.breach {
            try f.breach("RU-no-strikes", by: "RU", on: breach.day, confidence: breach.confidence, id: "b1")
            if let corroboration = c.corroboratedBy {
                try f.corroborate("b1", source: "Second monitor", confidence: corroboration)
            }
        }
        for date in c.invocations { try f.invoke("US-sanctions", on: date) }

        let report = try f.report(at: c.at, min: c.min)
        let guarantee = try #require(report.guarantees.first)
        #expect(guarantee.status == c.status, "\(c.name)")
        #expect(guarantee.covers == ["RU-no-strikes"])
        #expect(guarantee.invokedOn?.text == c.invokedOn, "\(c.name)")
        if c.status == .dormant {
            #expect(guarantee.triggeredOn == nil)
            #expect(guarantee.respondBy == nil)
        } else {
            #expect(guarantee.triggeredOn?.text == c.breach?.day)
            #expect(guarantee.respondBy?.text == "2025-06-08")
        }
        let guarantor = try #require(report.guarantors.first)
        #expect(guarantor.party == "US")
        #expect(guarantor.guarantees == 1)
        #expect(guarantor.triggered == c.triggered, "\(c.name)")
        #expect(guarantor.invoked == c.invoked, "\(c.name)")
        #expect(guarantor.lapsed == c.lapsed, "\(c.name)")
        #expect(guarantor.pending == c.pending, "\(c.name)")
        #expect(guarantor.followThrough == c.followThrough, "\(c.name)")
        #expect(guarantor.invokedLate == c.invokedLate, "\(c.name)")
        #expect(guarantee.triggers.count == c.triggered, "\(c.name)")
    }

    @Test("the first confirmed breach of any covered commitment triggers it")
    func firstCoveredBreach() throws {
        let f = try LedgerFixture()
        try f.restraint("UA-no-strikes", party: "UA", from: "2025-05-16")
        try f.restraint("RU-no-strikes", party: "RU", from: "2025-05-16")
        try f.guarantee("G", guarantor: "US", covers: ["UA-no-strikes", "RU-no-strikes"], days: "0")
        try f.breach("RU-no-strikes", by: "RU", on: "2025-06-03")
        try f.breach("UA-no-strikes", by: "UA", on: "2025-06-02")
        let guarantee = try #require(try f.report(at: "2025-06-02").guarantees.first)
        #expect(guarantee.triggeredOn?.text == "2025-06-02")
        #expect(guarantee.respondBy?.text == "2025-06-02")
        #expect(guarantee.status == .triggered)
        // Issue 12, triggers are cycles: once the first trigger has lapsed, the next counted breach opens another.
        let next = try #require(try f.report(at: "2025-06-03").guarantees.first)
        #expect(next.status == .triggered)
        #expect(next.triggers.map(\.outcome) == [.lapsed, .open])
        #expect(next.triggers.map(\.triggeredOn.text) == ["2025-06-02", "2025-06-03"])
        #expect(try f.report(at: "2025-06-04").guarantees.first?.status == .lapsed)
    }

    @Test("follow-through is invoked / (invoked + lapsed); pending ones are not yet decided")
    func followThroughAcrossGuarantees() throws {
        let f = try LedgerFixture()
        for id in ["c1", "c2", "c3", "c4"] { try f.restraint(id, from: "2025-05-01") }
        try f.guarantee("g1", guarantor: "US", covers: ["c1"], days: "7")   // invoked
        try f.guarantee("g2", guarantor: "US", covers: ["c2"], days: "7")   // lapsed
        try f.guarantee("g3", guarantor: "US", covers: ["c3"], days: "30")  // still in time
        try f.guarantee("g4", guarantor: "US", covers: ["c4"], days: "7")   // dormant
        try f.guarantee("g5", guarantor: "EU", covers: ["c1"], days: "7")   // another guarantor, lapsed
        try f.breach("c1", on: "2025-06-01")
        try f.breach("c2", on: "2025-06-01")
        try f.breach("c3", on: "2025-06-01")
        try f.invoke("g1", on: "2025-06-03")

        let report = try f.report(at: "2025-06-20")
        #expect(report.guarantees.map(\.status) == [.invoked, .lapsed, .triggered, .dormant, .lapsed])
        let us = try #require(report.guarantors.first { $0.party == "US" })
        #expect(us.guarantees == 4)
        #expect(us.triggered == 3)
        #expect(us.invoked == 1)
        #expect(us.lapsed == 1)
        #expect(us.pending == 1)
        #expect(us.followThrough == 0.5)
        let eu = try #require(report.guarantors.first { $0.party == "EU" })
        #expect((eu.triggered, eu.invoked, eu.lapsed, eu.followThrough) == (1, 0, 1, 0))
    }

    @Test("three breaches: one answered in time, one left to lapse, one answered late; follow-through 1/3")
    func threeTriggers() throws {
        let f = try LedgerFixture()
        try f.restraint("RU-ports", party: "RU", from: "2025-05-16", until: "2025-07-31")
        try f.guarantee("G", guarantor: "US", covers: ["RU-ports"], days: "7")
        let first = try f.breach("RU-ports", by: "RU", on: "2025-06-01").seq
        // While a trigger is open, another breach opens no other.
        try f.breach("RU-ports", by: "RU", on: "2025-06-02")
        try f.invoke("G", on: "2025-06-03")
        let second = try f.breach("RU-ports", by: "RU", on: "2025-06-10").seq
        let third = try f.breach("RU-ports", by: "RU", on: "2025-06-20").seq
        try f.invoke("G", on: "2025-06-30")

        let report = try f.report(at: "2025-07-05")
        let guarantee = try #require(report.guarantees.first)
        let triggers = guarantee.triggers.map {
            "\($0.breach) \($0.triggeredOn.text)…\($0.respondBy.text) \($0.invokedOn?.text ?? "-") \($0.outcome.rawValue)"
        }
        #expect(triggers == [
            "\(first) 2025-06-01…2025-06-08 2025-06-03 invoked",
            "\(second) 2025-06-10…2025-06-17 - lapsed",
            "\(third) 2025-06-20…2025-06-27 2025-06-30 invoked_late",
        ])
        #expect(guarantee.status == .invokedLate)
        #expect(guarantee.triggeredOn?.text == "2025-06-20")
        #expect(guarantee.invokedOn?.text == "2025-06-30")
        let us = try #require(report.guarantors.first)
        #expect((us.triggered, us.invoked, us.lapsed, us.invokedLate, us.pending) == (3, 1, 1, 1, 0))
        #expect(us.followThrough == 1.0 / 3)

        // Before the third breach, the second trigger was still open.
        let earlier = try #require(try f.report(at: "2025-06-12").guarantees.first)
        #expect(earlier.status == .triggered)
        #expect(earlier.triggers.map(\.outcome) == [.invoked, .open])
    }

    @Test("an invocation with no trigger, or a second one for one trigger, is refused; nothing is written")
    func invocationsNeedAnOpenTrigger() throws {
        let f = try LedgerFixture()
        try f.restraint("RU-ports", party: "RU", from: "2025-05-16", until: "2025-07-31")
        try f.guarantee("G", guarantor: "US", covers: ["RU-ports"], days: "7")
        let before = try f.contents()
        let none = ledgerError { try f.invoke("G", on: "2025-06-01") }
        #expect(none?.code == .badInput)
        #expect(none?.message.contains("G") == true)
        #expect(none?.message.contains("breach") == true, "\(none?.message ?? "")")
        #expect(try f.contents() == before)

        // A probable breach triggers nothing, so there is still nothing to answer.
        try f.breach("RU-ports", by: "RU", on: "2025-06-01", confidence: .probable)
        #expect(ledgerError { try f.invoke("G", on: "2025-06-02") }?.code == .badInput)

        try f.breach("RU-ports", by: "RU", on: "2025-06-10")
        try f.invoke("G", on: "2025-06-12")
        let afterInvocation = try f.contents()
        let twice = ledgerError { try f.invoke("G", on: "2025-06-14") }
        #expect(twice?.code == .badInput)
        #expect(twice?.message.contains("2025-06-12") == true, "\(twice?.message ?? "")")
        #expect(try f.contents() == afterInvocation)
        #expect(try f.report(at: "2025-06-20").guarantors.first?.invoked == 1)
    }

    @Test("an invocation dated before the breach that triggers the guarantee is refused")
    func invocationBeforeTriggerRefused() throws {
        // Issue 12: this used to be recorded, then ignored by the report while listings showed it.
        let f = try LedgerFixture()
        try f.restraint("RU-no-strikes", party: "RU", from: "2025-05-16", until: "2025-06-30")
        try f.guarantee("US-sanctions", guarantor: "US", covers: ["RU-no-strikes"], days: "7")
        try f.breach("RU-no-strikes", by: "RU", on: "2025-06-01", id: "b1")
        let before = try f.contents()
        let error = ledgerError { try f.invoke("US-sanctions", on: "2025-05-20") }
        #expect(error?.code == .badInput)
        #expect(error?.message.contains("2025-05-20") == true, "\(error?.message ?? "")")
        #expect(try f.contents() == before)
        let guarantee = try #require(try f.report(at: "2025-06-10").guarantees.first)
        #expect(guarantee.status == .lapsed)
        #expect(guarantee.invokedOn == nil)
    }

    @Test("a breach outside the covered commitment's window triggers nothing, even when an older ledger holds one")
    func outsideBreachTriggersNothing() throws {
        let f = try LedgerFixture()
        try f.restraint("RU-ports", party: "RU", from: "2025-07-01", until: "2025-08-31")
        try f.guarantee("G", guarantor: "US", covers: ["RU-ports"], days: "7")
        // What an older ledger could hold: written straight to the journal, past today's checks.
        let breach = Breach(externalID: nil, commitment: "RU-ports", party: "RU",
                            observed: try Moment(parsing: "2025-06-25", field: "t"),
                            precision: .day, severity: .grave, source: Source(name: "UN", kind: .monitor, confidence: .confirmed),
                            description: nil, evidence: .none, note: nil, location: .none)
        _ = try f.ledger.transact(f.recorder) { try $0.append(.breach(breach)) }
        let report = try f.report(at: "2025-07-10")
        #expect(report.guarantees.first?.status == .dormant)
        #expect(report.guarantees.first?.triggers.isEmpty == true)
        #expect(report.guarantors.first?.followThrough == nil)
        #expect(ledgerError { try f.invoke("G", on: "2025-07-02") }?.code == .badInput)
    }

    @Test("unknown guarantors, covered commitments and guarantees are refused; nothing is written")
    func unknownIDs() throws {
        let f = try LedgerFixture()
        try f.restraint("c", from: "2025-05-01")
        try f.party("US")
        let before = try f.contents()
        let unknownGuarantor = ledgerError {
            _ = try f.ledger.addGuarantee(GuaranteeInput(id: "g", guarantor: "XX", covers: ["c"], consequence: "S"), as: f.recorder)
        }
        #expect(unknownGuarantor?.message.contains("guarantor") == true)
        #expect(unknownGuarantor?.message.contains("XX") == true)
        let unknownCover = ledgerError {
            _ = try f.ledger.addGuarantee(GuaranteeInput(id: "g", guarantor: "US", covers: ["c", "nope"], consequence: "S"),
                                          as: f.recorder)
        }
        #expect(unknownCover?.message.contains("covers") == true)
        #expect(unknownCover?.message.contains("nope") == true)
        let unknownGuarantee = ledgerError { try f.invoke("nope", on: "2025-06-01") }
        #expect(unknownGuarantee?.message.contains("nope") == true)
        for error in [unknownGuarantor, unknownCover, unknownGuarantee] { #expect(error?.code == .badInput) }
        #expect(try f.contents() == before)
    }
}
