@testable import AccordLedger
import AccordTrust
import Foundation
import Testing

/// Reading a receipts document (docs/JOURNAL.md §8): what is wrong in it is
/// named by its JSON pointer, however deep, though the pointers are built
/// only once something is wrong.
@Suite struct ReceiptsDocumentTests {
    @Test("a receipt malformed deep in its proof, or elsewhere, is refused naming its exact JSON pointer; nothing is stored")
    func deepPointers() throws {
        let mission = try FieldLedgerTests.mission()
        let m = mission.fixture.ledger
        let (field, monitor) = try FieldLedgerTests.field(of: mission)
        for quantity in ["1", "2", "3", "4"] {
            _ = try field.log(FieldLedgerTests.verification(quantity), as: monitor)
        }
        let bundle = try #require(try field.pushBundle())
        let outcome = try m.applyBundle(bundle, unsigned: .anyActor, checkpointKey: mission.checkpointKey)
        #expect(outcome.recorded == 4, "\(outcome.refused)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(outcome.receipts)) as? [String: Any])
        let proof = try #require((document["receipts"] as? [[String: Any]])?[2]["proof"] as? [Any])
        let last = proof.count - 1
        try #require(last >= 1)

        /// The receipts with receipt `index` changed.
        func altered(_ index: Int, _ change: @escaping (inout [String: Any]) -> Void) throws -> [UInt8] {
            try FieldLedgerTests.altered(outcome.receipts) { object in
                var receipts = try #require(object["receipts"] as? [[String: Any]])
                change(&receipts[index])
                object["receipts"] = receipts
            }
        }
        func proofItem(_ position: Int, _ value: Any) -> (inout [String: Any]) -> Void {
            { receipt in
                var proof = receipt["proof"] as? [Any] ?? []
                proof[position] = value
                receipt["proof"] = proof
            }
        }
        let cases: [([UInt8], String)] = [
            (try altered(2, proofItem(last, String(repeating: "zz", count: 32))),
             "the receipts, at /receipts/2/proof/\(last): is not a 32-byte hash in hex"),
            (try altered(2, proofItem(0, 7)), "the receipts, at /receipts/2/proof/0: is not a 32-byte hash in hex"),
            (try altered(3, proofItem(1, String(repeating: "a", count: 63))),
             "the receipts, at /receipts/3/proof/1: is not a 32-byte hash in hex"),
            (try altered(2) { $0["proof"] = "not a list" }, "the receipts, at /receipts/2/proof: is not a list"),
            (try altered(3) { $0["entry"] = nil }, "the receipts, at /receipts/3: the member \"entry\" is missing"),
            (try altered(1) { $0["missionSeq"] = "x" }, "the receipts, at /receipts/1/missionSeq: is not an integer"),
            (try altered(0) { $0["entry"] = "not base64!" }, "the receipts, at /receipts/0/entry: is not base64"),
        ]
        for (receipts, message) in cases {
            do {
                _ = try field.importReceipts(receipts)
                Issue.record("accepted, where this was expected: \(message)")
            } catch {
                #expect((error as? LedgerError)?.message == message, "\(error)")
            }
            #expect(try field.database.scalarInt("SELECT count(*) FROM field_receipts") == 0, "\(message)")
        }
        #expect(try field.importReceipts(outcome.receipts).accepted == 4)
    }
}
