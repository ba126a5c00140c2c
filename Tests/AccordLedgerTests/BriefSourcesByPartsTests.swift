@testable import AccordLedger
import AccordStorage
import Testing

/// A brief names each commitment's counted sources from every record, read
/// a part of the commitments at a time on a large ledger: what it names must
/// not depend on how the records were split.
@Suite("Brief sources read in parts")
struct BriefSourcesByPartsTests {
    @Test("read a part at a time, the sources are those read at once: the first spelling, in order, moved records included")
    func partsGiveTheSameSources() throws {
        let f = try LedgerFixture()
        let ids = ["A1", "A2", "A3", "A4", "A5", "A6"]
        for id in ids { try f.quantity(id, target: "100", due: "2025-06-30") }
        // "Reuters" is first cited on A2, then moved to A1, where "reuters" (the same source) is cited later.
        let moved = try f.log("A2", quantity: 5, on: "2025-05-10", source: "Reuters")
        try f.log("A1", quantity: 5, on: "2025-05-11", source: "reuters")
        try f.log("A1", quantity: 5, on: "2025-05-12", source: "ICRC")
        var correction = CorrectionInput(target: "\(moved.seq)", reason: "the wrong commitment")
        correction.commitment = "A1"
        _ = try f.ledger.correct(correction, as: f.recorder)
        let corroborated = try f.log("A3", quantity: 5, on: "2025-05-13", source: "UN", id: "un-1")
        try f.corroborate("un-1", source: "OSCE")
        try f.corroborate("un-1", source: "un ")
        #expect(corroborated.seq > 0)
        for (index, id) in ids.enumerated() {
            for day in 14..<(18 + index) {
                try f.log(id, quantity: 1, on: "2025-05-\(day)", source: "Source \(day % 4)", confidence: day % 3 == 0 ? .probable : .confirmed)
            }
            try f.breach(id, on: "2025-05-2\(index)", source: "Monitor \(index % 2)")
        }
        try f.ledger.reading(asOf: nil) { view in
            for threshold in [Confidence.unverified, .confirmed] {
                let whole = try view.countedSources(threshold: threshold, day: .max, commitments: Set(ids), recordsPerPart: .max)
                #expect(whole["A1"]?.prefix(2) == ["Reuters (monitor)", "ICRC (monitor)"], "\(whole)")
                #expect(whole["A3"]?.prefix(2) == ["UN (monitor)", "OSCE (official)"], "\(whole)")
                for perPart in [1, 2, 5] {
                    #expect(try view.countedSources(threshold: threshold, day: .max, commitments: Set(ids), recordsPerPart: perPart) == whole,
                            "\(perPart) records a part")
                }
            }
        }
        // The moved record's row deleted: whichever part holds its commitment's chain refuses.
        let database = try Database(path: f.path, mode: .readWrite, configuration: Ledger.configuration)
        _ = try database.run("DELETE FROM verifications WHERE seq = ?", moved.seq)
        for perPart in [1, 3, .max] {
            let error = ledgerError {
                _ = try f.ledger.reading(asOf: nil) { view in
                    try view.countedSources(threshold: .unverified, day: .max, commitments: Set(ids), recordsPerPart: perPart)
                }
            }
            #expect(error?.kind == .tampered, "\(perPart) records a part: \(String(describing: error))")
        }
    }
}
