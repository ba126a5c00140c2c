@testable import AccordLedger
import Testing

@Suite("Idempotent retries")
struct IdempotencyTests {
    func base() throws -> LedgerFixture {
        let f = try LedgerFixture()
        try f.quantity("C", target: "1000", due: "2025-06-30")
        try f.restraint("R", from: "2025-05-01")
        return f
    }

    @Test("log with the same id and content is already recorded; the journal is unchanged")
    func logRetry() throws {
        let f = try base()
        let first = try f.log("C", quantity: 390, on: "2025-05-23", id: "form-1")
        guard case .added(let seq, .verification) = first else {
            Issue.record("expected an added verification, got \(first)")
            return
        }
        let before = try f.contents()
        #expect(try f.log("C", quantity: 390, on: "2025-05-23", id: "form-1") == .alreadyPresent(seq: seq))
        #expect(try f.contents() == before)
        #expect(try f.commitment("C", at: "2025-06-01").verified == 390)
    }

    @Test("log with the same id and different content is refused; the journal is unchanged",
          arguments: ["quantity", "date", "source", "confidence", "commitment"])
    func logConflict(change: String) throws {
        let f = try base()
        try f.quantity("D", target: "1000", due: "2025-06-30")
        try f.log("C", quantity: 390, on: "2025-05-23", id: "form-1")
        let before = try f.contents()
        let error = ledgerError {
            switch change {
            case "quantity": try f.log("C", quantity: 391, on: "2025-05-23", id: "form-1")
            case "date": try f.log("C", quantity: 390, on: "2025-05-24", id: "form-1")
            case "source": try f.log("C", quantity: 390, on: "2025-05-23", source: "Other", id: "form-1")
            case "confidence": try f.log("C", quantity: 390, on: "2025-05-23", confidence: .probable, id: "form-1")
            default: try f.log("D", quantity: 390, on: "2025-05-23", id: "form-1")
            }
        }
        #expect(error?.code == .badInput)
        #expect(error?.message.contains("form-1") == true)
        // What differs, field by field, and what to do instead.
        let differs = ["quantity": "quantity 390 → 391", "date": "observed 2025-05-23 → 2025-05-24", "source": "source ICRC → Other",
                       "confidence": "confidence confirmed → probable", "commitment": "commitment C → D"][change] ?? "?"
        #expect(error?.message.contains("with other values: \(differs)") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("`accord correct form-1`") == true, "\(error?.message ?? "")")
        #expect(error?.conflict?.differences.count == 1)
        #expect(try f.contents() == before)
    }

    @Test("breach retries: same content is a no-op, different content is refused")
    func breachRetry() throws {
        let f = try base()
        let seq = try f.breach("R", on: "2025-05-20", id: "b-1").seq
        let before = try f.contents()
        #expect(try f.breach("R", on: "2025-05-20", id: "b-1") == .alreadyPresent(seq: seq))
        let error = ledgerError { try f.breach("R", on: "2025-05-20", severity: "grave", id: "b-1") }
        #expect(error?.code == .badInput)
        #expect(try f.contents() == before)
    }

    @Test("corroboration retries: same content is a no-op, different content is refused")
    func corroborationRetry() throws {
        let f = try base()
        try f.log("C", quantity: 10, on: "2025-05-20", id: "v")
        let seq = try f.corroborate("v", source: "UN", id: "v-un").seq
        let before = try f.contents()
        #expect(try f.corroborate("v", source: "UN", id: "v-un") == .alreadyPresent(seq: seq))
        #expect(ledgerError { try f.corroborate("v", source: "OSCE", id: "v-un") }?.code == .badInput)
        #expect(try f.contents() == before)
    }

    @Test("external ids are one namespace: a breach cannot reuse a verification's id")
    func sharedNamespace() throws {
        let f = try base()
        try f.log("C", quantity: 10, on: "2025-05-20", id: "shared")
        let before = try f.contents()
        #expect(ledgerError { try f.breach("R", on: "2025-05-20", id: "shared") }?.code == .badInput)
        #expect(try f.contents() == before)
    }

    @Test("re-adding an identical party, agreement, commitment or guarantee is a no-op")
    func identicalDefinitions() throws {
        let f = try base()
        try f.quantity("D", party: "Q", target: "1000", due: "2025-06-30", reciprocal: "C")
        try f.guarantee("G", guarantor: "US", covers: ["R"])
        let before = try f.contents()
        #expect(try f.party("P") == .alreadyPresent(seq: 2))
        #expect(try f.agreement("A") == .alreadyPresent(seq: 3))
        if case .added = try f.quantity("C", target: "1000", due: "2025-06-30") { Issue.record("C was added twice") }
        if case .added = try f.quantity("D", party: "Q", target: "1000", due: "2025-06-30", reciprocal: "C") {
            Issue.record("D was added twice")
        }
        if case .added = try f.guarantee("G", guarantor: "US", covers: ["R"]) { Issue.record("G was added twice") }
        #expect(try f.contents() == before)
    }

    @Test("a different definition under an existing id is refused; nothing is written",
          arguments: ["party", "agreement", "commitment", "commitment kind", "guarantee"])
    func conflictingDefinitions(what: String) throws {
        let f = try base()
        try f.guarantee("G", guarantor: "US", covers: ["R"])
        let before = try f.contents()
        let error = ledgerError {
            switch what {
            case "party": try f.party("P", name: "Someone else")
            case "agreement": try f.agreement("A", title: "Another text")
            case "commitment": try f.quantity("C", target: "999", due: "2025-06-30")
            case "commitment kind": try f.action("C", due: "2025-06-30")
            default: try f.guarantee("G", guarantor: "US", covers: ["R"], days: "30")
            }
        }
        #expect(error?.code == .badInput)
        #expect(error?.message.contains("already exists") == true, "\(error?.message ?? "")")
        #expect(try f.contents() == before)
    }
}
