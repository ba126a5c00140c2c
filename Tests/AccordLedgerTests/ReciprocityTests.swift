@testable import AccordLedger
import Testing

@Suite("Reciprocity")
struct ReciprocityTests {
    /// UA-release and RU-release, 1,000 prisoners each, paired by naming UA-release on RU-release.
    func exchange() throws -> LedgerFixture {
        let f = try LedgerFixture()
        try f.quantity("UA-release", party: "UA", target: "1000", due: "2025-05-25")
        try f.quantity("RU-release", party: "RU", target: "1000", due: "2025-05-25", reciprocal: "UA-release")
        try f.log("UA-release", quantity: 390, on: "2025-05-23")
        try f.log("RU-release", quantity: 390, on: "2025-05-23")
        try f.log("UA-release", quantity: 300, on: "2025-05-24")
        try f.log("UA-release", quantity: 7, on: "2025-05-24", source: "UA HQ")   // same day: summed
        try f.log("RU-release", quantity: 100, on: "2025-05-24", confidence: .probable)
        try f.log("RU-release", quantity: 300, on: "2025-05-25")
        try f.log("RU-release", quantity: 0, on: "2025-05-26")                     // a zero makes no tranche
        return f
    }

    @Test("naming one side pairs both")
    func pairsBothSides() throws {
        let f = try exchange()
        let report = try f.report(at: "2025-06-01")
        #expect(report.commitments.first { $0.id == "UA-release" }?.reciprocal == "RU-release")
        #expect(report.commitments.first { $0.id == "RU-release" }?.reciprocal == "UA-release")
        #expect(report.reciprocity.count == 1)
        let pair = try #require(report.reciprocity.first)
        #expect((pair.a, pair.b) == ("UA-release", "RU-release"))
        #expect(pair.unit == "prisoners")
        #expect(pair.targetA == 1000 && pair.targetB == 1000)
    }

    @Test("tranches per date for both sides, totals and balance")
    func tranches() throws {
        let f = try exchange()
        let pair = try #require(try f.report(at: "2025-06-01").reciprocity.first)
        #expect(pair.tranches.map(\.date.text) == ["2025-05-23", "2025-05-24", "2025-05-25"])
        #expect(pair.tranches.map(\.a) == [390, 307, 0])
        #expect(pair.tranches.map(\.b) == [390, 0, 300])
        #expect(pair.totalA == 697)
        #expect(pair.totalB == 690)
        #expect(pair.balance == 7)
    }

    @Test("tranches follow --at and --min-confidence")
    func tranchesAtAndThreshold() throws {
        let f = try exchange()
        let early = try #require(try f.report(at: "2025-05-24").reciprocity.first)
        #expect(early.tranches.map(\.date.text) == ["2025-05-23", "2025-05-24"])
        #expect((early.totalA, early.totalB, early.balance) == (697, 390, 307))

        let probable = try #require(try f.report(at: "2025-06-01", min: .probable).reciprocity.first)
        #expect(probable.tranches.map(\.b) == [390, 100, 300])
        #expect((probable.totalA, probable.totalB, probable.balance) == (697, 790, -93))

        let before = try #require(try f.report(at: "2025-05-01").reciprocity.first)
        #expect(before.tranches.isEmpty)
        #expect(before.balance == 0)
    }

    @Test("a party filter keeps the pair when either side is selected")
    func filteredPair() throws {
        let f = try exchange()
        let report = try f.report(at: "2025-06-01", party: "RU")
        #expect(report.commitments.map(\.id) == ["RU-release"])
        #expect(report.reciprocity.map { [$0.a, $0.b] } == [["UA-release", "RU-release"]])
    }

    @Test("a third commitment cannot pair with a side already paired; the ledger is unchanged")
    func alreadyPaired() throws {
        let f = try exchange()
        try f.party("US")
        let before = try f.contents()
        let error = ledgerError { try f.quantity("US-release", party: "US", target: "1000", reciprocal: "UA-release") }
        #expect(error?.code == .badInput)
        #expect(error?.message.contains("already paired") == true)
        #expect(try f.contents() == before)
    }

    @Test("only quantity commitments of the same unit pair", arguments: ["action", "tonnes"])
    func mismatchedPair(counterpart: String) throws {
        let f = try LedgerFixture()
        if counterpart == "action" {
            try f.action("other", due: "2025-05-25")
        } else {
            try f.quantity("other", target: "10", unit: "tonnes")
        }
        let before = try f.contents()
        let error = ledgerError { try f.quantity("mine", target: "10", unit: "prisoners", reciprocal: "other") }
        #expect(error?.code == .badInput)
        #expect(error?.message.contains("other") == true)
        #expect(try f.contents() == before)
    }
}
