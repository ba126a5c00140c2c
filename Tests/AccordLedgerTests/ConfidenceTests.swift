@testable import AccordLedger
import Testing

@Suite("Confidence threshold and corroboration")
struct ConfidenceTests {
    /// 30 confirmed (ICRC), 20 probable (Ministry), 10 unverified (Telegram).
    func mixed() throws -> LedgerFixture {
        let f = try LedgerFixture()
        try f.quantity("C", target: "100", due: "2025-06-30")
        try f.log("C", quantity: 30, on: "2025-05-20", source: "ICRC")
        try f.log("C", quantity: 20, on: "2025-05-21", source: "Ministry", confidence: .probable)
        try f.log("C", quantity: 10, on: "2025-05-22", source: "Telegram", confidence: .unverified)
        return f
    }

    @Test("each threshold counts what is at or above it and says how much it left out",
          arguments: [(Confidence.confirmed, Int64(30), Int64(2), 1), (.probable, 50, 1, 2), (.unverified, 60, 0, 3)])
    func threshold(min: Confidence, verified: Int64, leftOut: Int64, sources: Int) throws {
        let f = try mixed()
        let report = try f.report(at: "2025-06-01", min: min)
        #expect(report.minConfidence == min)
        let c = try #require(report.commitments.first)
        #expect(c.verified == verified)
        #expect(c.leftOut == leftOut)
        #expect(c.sources == sources)
        #expect(c.rate == Double(verified) / 100)
    }

    @Test("evidence observed after --at is neither counted nor left out")
    func leftOutRespectsAt() throws {
        let f = try mixed()
        let c = try f.commitment("C", at: "2025-05-21")
        #expect(c.verified == 30)
        #expect(c.leftOut == 1)
    }

    @Test("a corroboration raises the record's confidence and never adds quantity")
    func corroborationRaisesConfidence() throws {
        let f = try LedgerFixture()
        try f.quantity("C", target: "100", due: "2025-06-30")
        try f.log("C", quantity: 40, on: "2025-05-20", source: "Telegram", confidence: .unverified, id: "tg-1")
        var c = try f.commitment("C", at: "2025-06-01")
        #expect((c.verified, c.leftOut, c.sources) == (0, 1, 0))

        try f.corroborate("tg-1", source: "Ministry", confidence: .probable)
        c = try f.commitment("C", at: "2025-06-01")
        #expect((c.verified, c.leftOut, c.sources) == (0, 1, 0))
        c = try f.commitment("C", at: "2025-06-01", min: .probable)
        #expect((c.verified, c.leftOut, c.sources) == (40, 0, 1))

        try f.corroborate("tg-1", source: "ICRC", confidence: .confirmed)
        try f.corroborate("tg-1", source: "UN", confidence: .confirmed)
        c = try f.commitment("C", at: "2025-06-01")
        #expect(c.verified == 40)
        #expect(c.leftOut == 0)
        #expect(c.sources == 2)                 // ICRC and UN; the probable and unverified ones are below the bar
        #expect(try f.commitment("C", at: "2025-06-01", min: .unverified).sources == 4)
        #expect(try f.commitment("C", at: "2025-06-01", min: .unverified).verified == 40)
    }

    @Test("a corroboration can name the record by seq, and then counts on the record's observed day")
    func corroborationBySeq() throws {
        let f = try LedgerFixture()
        try f.quantity("C", target: "100", due: "2025-06-30")
        try f.quantity("D", party: "Q", target: "100", due: "2025-06-30", reciprocal: "C")
        let seq = try f.log("C", quantity: 40, on: "2025-05-20", source: "A", confidence: .probable).seq
        try f.corroborate(String(seq), source: "B")
        #expect(try f.commitment("C", at: "2025-05-19").verified == 0)
        #expect(try f.commitment("C", at: "2025-05-20").verified == 40)
        let pair = try #require(try f.report(at: "2025-06-01").reciprocity.first)
        #expect(pair.tranches.map(\.a) == [40])
    }

    @Test("sources counts distinct source names, not records")
    func distinctSources() throws {
        let f = try LedgerFixture()
        try f.quantity("C", target: "1000", due: "2025-06-30")
        try f.log("C", quantity: 10, on: "2025-05-20", source: "ICRC", id: "a")
        try f.log("C", quantity: 10, on: "2025-05-21", source: "ICRC")
        try f.log("C", quantity: 10, on: "2025-05-22", source: "UA HQ")
        try f.corroborate("a", source: "UA HQ")
        try f.corroborate("a", source: "ICRC")
        let c = try f.commitment("C", at: "2025-06-01")
        #expect(c.verified == 30)
        #expect(c.sources == 2)
    }

    @Test("corroborating a corroboration or an unknown entry is refused; nothing is written")
    func corroborationTargets() throws {
        let f = try LedgerFixture()
        try f.quantity("C", target: "100", due: "2025-06-30")
        try f.log("C", quantity: 40, on: "2025-05-20", id: "v")
        let corroboration = try f.corroborate("v", source: "B", id: "v-b").seq
        let before = try f.contents()
        for target in ["v-b", String(corroboration), "nope", "999", "1"] {
            let error = ledgerError { try f.corroborate(target, source: "C") }
            #expect(error?.code == .badInput, "\(target)")
            #expect(error?.message.contains("corroborates") == true, "\(target): \(error?.message ?? "")")
        }
        #expect(try f.contents() == before)
    }

    @Test("a breach below the threshold does not breach; its corroboration to confirmed does")
    func breachThreshold() throws {
        let f = try LedgerFixture()
        try f.restraint("R", from: "2025-05-01", until: "2025-06-30")
        try f.breach("R", on: "2025-05-20", confidence: .unverified, id: "claim")
        var r = try f.commitment("R", at: "2025-06-01")
        #expect((r.status, r.breaches, r.leftOut) == (.inProgress, 0, 1))
        r = try f.commitment("R", at: "2025-06-01", min: .unverified)
        #expect((r.status, r.rate, r.breaches) == (.breached, 0, 1))
        try f.corroborate("claim", source: "OSCE")
        r = try f.commitment("R", at: "2025-06-01")
        #expect((r.status, r.rate, r.breaches, r.sources) == (.breached, 0, 1, 1))
    }
}

@Suite("Distinct sources")
struct DistinctSourceTests {
    @Test("look-alike spellings of one source count once, in the report and in the listings")
    func lookalikes() throws {
        let f = try LedgerFixture()
        try f.quantity("C", target: "10", due: "2025-06-30")
        try f.log("C", quantity: 5, on: "2025-05-23", source: "ICRC", id: "v")
        // Case, a Cyrillic С, fullwidth letters, surrounding and doubled spaces: the same source.
        for name in ["icrc", "I\u{0421}RC", "\u{FF29}\u{FF23}\u{FF32}\u{FF23}", "  ICRC "] {
            try f.corroborate("v", source: name)
        }
        #expect(try f.commitment("C", at: "2025-06-01").sources == 1)
        var query = VerificationQuery()
        query.commitment = "C"
        var listed: [VerificationListing] = []
        try f.ledger.forEachVerification(query) { listed.append($0) }
        #expect(listed.map(\.sources) == [1])
        try f.corroborate("v", source: "ICRC Kyiv")
        #expect(try f.commitment("C", at: "2025-06-01").sources == 2)
    }
}
