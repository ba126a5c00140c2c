@testable import AccordLedger
import AccordTrust
import Crypto
import Foundation
import Testing

/// A reviewer's field ledger (docs/JOURNAL.md §8, "The mission's evidence
/// for reviewers"): it adopts the evidence other monitors recorded in the
/// mission ledger as read-only copies, each proved by the mission's receipt,
/// and refers to them in what it pushes.
@Suite struct ReviewerEvidenceTests {
    typealias F = FieldLedgerTests

    static let options = ReportOptions(at: try! Moment(parsing: "2025-06-01", field: .at), minConfidence: .unverified)

    static func evidence(_ m: Ledger, after: Int64 = 0, key: NoteSigningKey) throws -> [UInt8] {
        try m.definitionsBundle(after: after, checkpointKey: key, evidence: true)
    }

    /// Pushes `field` to the mission (a bundle applied, its receipts taken back).
    static func push(_ field: Ledger, to mission: F.Mission) throws {
        guard let bundle = try field.pushBundle() else { return }
        let outcome = try mission.fixture.ledger.applyBundle(bundle, unsigned: .anyActor, checkpointKey: mission.checkpointKey)
        #expect(outcome.refused.isEmpty, "\(outcome.refused)")
        _ = try field.importReceipts(outcome.receipts)
    }

    @Test("a reviewer's clone adopts every monitor's evidence, proved; its report is the mission's; what it refers to reaches the right mission record")
    func reviewerSeesTheMissionsEvidence() throws {
        let mission = try F.mission()
        let m = mission.fixture.ledger
        let admin = mission.fixture.recorder
        // Evidence made on the mission ledger itself: a record without an id (named there by a derived id), one with an
        // id, a correction and a corroboration that refer to them by seq (version-2 claims, which name seqs).
        let bare = try m.log(F.verification("10"), as: admin)
        let named = try m.log(F.verification("20", id: "m-1"), as: admin)
        var correction = CorrectionInput(target: "\(bare.seq)", reason: "recount")
        correction.quantity = "12"
        _ = try m.correct(correction, as: admin)
        _ = try m.corroborate(CorroborationInput(target: "m-1", source: SourceInput(name: "UN")), as: admin)
        // A monitor's field ledger pushes signed records and a corroboration of its own.
        let (a, monitor) = try F.field(of: mission)
        let first = try a.log(F.verification("100", id: "a-1"), as: monitor)
        _ = try a.log(F.verification("7"), as: monitor)
        _ = try a.corroborate(CorroborationInput(target: "\(first.seq)", source: SourceInput(name: "ICRC")), as: monitor)
        try Self.push(a, to: mission)
        let missionID = try m.report(Self.options).ledger.ledgerID

        // The reviewer's clone, with the evidence.
        let path = mission.fixture.directory.path("reviewer.sqlite")
        let (r, cloned) = try Ledger.clone(at: path, definitions: try Self.evidence(m, key: mission.checkpointKey), remote: nil,
                                           as: Recorder(actor: "mon"))
        let adopted = try #require(cloned.evidence)
        #expect(adopted.adopted == 7 && adopted.recovered == 0 && adopted.skipped.isEmpty, "\(adopted)")
        #expect(try r.fieldOrigin()?.evidenceSeq == (try F.count(m)))
        // The same judgement as the mission's, and no entry of its own to push.
        #expect(try r.report(Self.options).commitments == (try m.report(Self.options).commitments))
        #expect(try r.pushStatus().isEmpty)
        #expect(try r.pushBundle() == nil)
        let copy = try #require(try r.report(Self.options).ledger.fieldCopy)
        #expect(copy.localEntries == 0 && copy.missionEvidence == 7)
        #expect(try r.report(Self.options).heading.contains("7 entries of the mission's evidence"))
        // The monitor's entries keep their signatures (version-3 claims, and version-2 records, are the same claims here).
        #expect(try r.database.scalarInt("SELECT count(*) FROM journal WHERE signer = 'mon'") == 3)
        let audit = try Audit.run(path: r.path)
        #expect(audit.outcome == .verified, "\(audit.findings)")
        #expect(audit.fieldAnswers?.adopted == 7 && audit.fieldAnswers?.receipts == 0)

        // The reviewer disputes the mission's record made without an id, by the name it has there.
        let reviewer = Recorder(actor: "mon", signer: KeySigner(key: mission.monitor))
        let name = Ledger.derivedID(ledgerID: missionID, seq: bare.seq)
        let dispute = try r.dispute(name, by: "P", reason: "the count was 8", source: nil, as: reviewer)
        let before = try F.count(m)
        try Self.push(r, to: mission)
        #expect(try F.count(m) == before + 1)
        let recorded = try #require(try Ledger.entry(before + 1, in: m.database))
        guard case .dispute(let disputed) = recorded.payload else { Issue.record("\(recorded.payload)"); return }
        #expect(disputed.record == bare.seq, "the dispute reached the mission's own record")
        #expect(try r.pushStatus().map(\.state) == [.accepted] && r.pushStatus().first?.seq == dispute.seq)

        // Later: the mission and the monitor record more; the reviewer's pull brings it, not its own dispute again.
        _ = try m.log(F.verification("30", id: "m-2"), as: admin)
        _ = try a.retract("a-1", reason: "double count", as: monitor)
        try Self.push(a, to: mission)
        let origin = try #require(try r.fieldOrigin())
        let pulled = try r.adoptDefinitions(try Self.evidence(m, after: min(origin.missionSeq, origin.evidenceSeq ?? 0),
                                                              key: mission.checkpointKey), as: Recorder(actor: "mon"))
        #expect(pulled.evidence?.adopted == 2 && pulled.evidence?.skipped.isEmpty == true, "\(String(describing: pulled.evidence))")
        #expect(try r.report(Self.options).commitments == (try m.report(Self.options).commitments))
        _ = named

        // A push whose receipts were lost: the next pull finds the reviewer's own entry in the mission and stores its receipt.
        let own = try r.log(F.verification("3", id: "r-1"), as: reviewer)
        let lost = try m.applyBundle(try #require(try r.pushBundle()), unsigned: .anyActor, checkpointKey: mission.checkpointKey)
        #expect(lost.recorded == 1)
        let again = try #require(try r.fieldOrigin())
        let recovered = try r.adoptDefinitions(try Self.evidence(m, after: again.evidenceSeq ?? 0, key: mission.checkpointKey),
                                               as: Recorder(actor: "mon"))
        #expect(recovered.evidence?.recovered == 1 && recovered.evidence?.adopted == 0, "\(String(describing: recovered.evidence))")
        #expect(try r.pushStatus().last?.seq == own.seq && r.pushStatus().last?.state == .accepted)
        #expect(try Audit.run(path: r.path).outcome == .verified)
        #expect(try Audit.run(path: m.path).outcome == .verified)

        // An adopted copy's receipt moved to another mission entry with sqlite3: the audit finds it.
        try r.database.run("UPDATE field_receipts SET mission_seq = mission_seq + 1 WHERE adopted = 1 AND mission_seq = ?", named.seq)
        let tampered = try Audit.run(path: r.path)
        #expect(tampered.outcome == .tampered && tampered.findings.contains { $0.check == "receipts" }, "\(tampered.findings)")
    }

    @Test("the mission's evidence comes only proved and whole: without a checkpoint, with an entry left out, or as definitions only, it is refused")
    func evidenceIsProvedWhole() throws {
        let mission = try F.mission()
        let m = mission.fixture.ledger
        _ = try m.log(F.verification("10"), as: mission.fixture.recorder)
        _ = try m.log(F.verification("20", id: "m-1"), as: mission.fixture.recorder)
        #expect { _ = try m.definitionsBundle(evidence: true) } throws: { "\($0)".contains("only proved") }
        let bundle = try Self.evidence(m, key: mission.checkpointKey)
        func entries(_ object: inout [String: Any], _ change: (inout [[String: Any]]) -> Void) throws {
            var items = try #require(object["entries"] as? [[String: Any]])
            change(&items)
            object["entries"] = items
        }
        let forgeries: [(String, [UInt8])] = [
            ("must prove it", try F.altered(bundle) { $0["checkpoint"] = nil }),
            // A record withheld: the admin's list names it.
            ("signed list", try F.altered(bundle) { object in try entries(&object) { $0.removeLast() } }),
            // Passed off as definitions only: its evidence entries are not definitions.
            ("not a definition", try F.altered(bundle) { $0["evidence"] = false }),
        ]
        for (index, (problem, forged)) in forgeries.enumerated() {
            let path = mission.fixture.directory.path("forged-\(index).sqlite")
            do {
                _ = try Ledger.clone(at: path, definitions: forged, remote: nil, as: Recorder(actor: "mon"))
                Issue.record("a forged evidence bundle was adopted (\(problem))")
            } catch {
                #expect("\(error)".contains(problem), "\(error)")
            }
            #expect(!FileManager.default.fileExists(atPath: path))
        }
        // A field ledger without evidence gets all of it the first time it asks; one that starts later would miss some.
        let (field, _) = try F.field(of: mission)
        #expect(throws: LedgerError.self) {
            _ = try field.adoptDefinitions(try Self.evidence(m, after: try F.count(m) - 1, key: mission.checkpointKey),
                                           as: Recorder(actor: "mon"))
        }
        let all = try field.adoptDefinitions(try Self.evidence(m, key: mission.checkpointKey), as: Recorder(actor: "mon"))
        #expect(all.evidence?.adopted == 2)
    }
}
