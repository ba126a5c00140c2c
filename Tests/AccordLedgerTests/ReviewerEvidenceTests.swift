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
        // A definition entered in error and voided on the mission: the void refers to a definition, which the field
        // ledger holds as its own adopted entry.
        _ = try mission.fixture.party("XX")
        let party = try F.count(m)
        _ = try m.void("\(party)", reason: "entered in error", as: admin)

        // The reviewer's clone, with the evidence.
        let path = mission.fixture.directory.path("reviewer.sqlite")
        let (r, cloned) = try Ledger.clone(at: path, definitions: try Self.evidence(m, key: mission.checkpointKey), remote: nil,
                                           as: Recorder(actor: "mon"))
        let adopted = try #require(cloned.evidence)
        #expect(adopted.adopted == 8 && adopted.recovered == 0 && adopted.skipped.isEmpty, "\(adopted)")
        #expect(try r.database.scalarInt("SELECT count(*) FROM voids") == 1)
        #expect(try r.fieldOrigin()?.evidenceSeq == (try F.count(m)))
        // The same judgement as the mission's, and no entry of its own to push.
        #expect(try r.report(Self.options).commitments == (try m.report(Self.options).commitments))
        #expect(try r.pushStatus().isEmpty)
        #expect(try r.pushBundle() == nil)
        let copy = try #require(try r.report(Self.options).ledger.fieldCopy)
        #expect(copy.localEntries == 0 && copy.missionEvidence == 8 && copy.notAdopted == 0)
        #expect(try r.report(Self.options).heading.contains("8 entries of the mission's evidence as of mission seq"))
        // The monitor's entries keep their signatures (version-3 claims, and version-2 records, are the same claims here).
        #expect(try r.database.scalarInt("SELECT count(*) FROM journal WHERE signer = 'mon'") == 3)
        let audit = try Audit.run(path: r.path)
        #expect(audit.outcome == .verified, "\(audit.findings.map { "\($0.check) \($0.seq ?? 0) \($0.phrase)" })")
        #expect(audit.fieldAnswers?.adopted == 8 && audit.fieldAnswers?.receipts == 0)

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

        // An adopted copy's receipt deleted with sqlite3 (the copy would be pushed as the reviewer's own): the audit finds
        // the copy by the mission's name it carries.
        let copyOfBare = try #require(try r.database.scalarInt("SELECT seq FROM field_receipts WHERE mission_seq = ?", bare.seq))
        let saved = try r.database.scalarText("SELECT quote(mission_entry) || ',' || quote(proof) FROM field_receipts WHERE seq = ?",
                                              copyOfBare)
        try r.database.run("DELETE FROM field_receipts WHERE seq = ?", copyOfBare)
        let deleted = try Audit.run(path: r.path)
        #expect(deleted.outcome == .tampered && deleted.findings.contains { $0.check == "receipts" && $0.seq == copyOfBare },
                "\(deleted.findings)")
        #expect(saved != nil)
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

    @Test("a record pushed from a field ledger cannot take the mission's name for another record (it would shadow it); a reviewer's void by that name reaches the right record")
    func derivedNamesAreTheMissions() throws {
        let mission = try F.mission()
        let m = mission.fixture.ledger
        let bare = try m.log(F.verification("10"), as: mission.fixture.recorder)
        let missionID = try m.report(Self.options).ledger.ledgerID
        let name = Ledger.derivedID(ledgerID: missionID, seq: bare.seq)
        // A field ledger refuses such an id itself; an attacker rewrites the claim of an unsigned entry in the bundle.
        let (field, _) = try F.field(of: mission)
        let placeholder = String(repeating: "z", count: name.utf8.count)
        _ = try field.log(F.verification("99", id: placeholder), as: Recorder(actor: "mon"))
        let bundle = try F.rewritten(try #require(try field.pushBundle())) { object in
            var entries = try #require(object["entries"] as? [[String: Any]])
            let text = try #require(entries[0]["claim"] as? String)
            let claim = try #require(Data(base64Encoded: text))
            let forged = try #require(String(data: claim, encoding: .isoLatin1)?.replacingOccurrences(of: placeholder, with: name))
            entries[0]["claim"] = try #require(forged.data(using: .isoLatin1)).base64EncodedString()
            object["entries"] = entries
        }
        let outcome = try m.applyBundle(bundle, unsigned: .anyActor, checkpointKey: mission.checkpointKey)
        #expect(outcome.recorded == 0 && outcome.refused.first?.reason.contains("has the form this ledger gives") == true,
                "\(outcome.refused)")
        #expect(try m.database.scalarInt("SELECT count(*) FROM external_ids WHERE id = ?", name) == 0)

        // A reviewer voids the mission's record by its name: the void reaches that record.
        let (r, _) = try Ledger.clone(at: mission.fixture.directory.path("r.sqlite"),
                                      definitions: try Self.evidence(m, key: mission.checkpointKey), remote: nil, as: Recorder(actor: "mon"))
        _ = try r.void(name, reason: "entered twice", as: Recorder(actor: "mon", signer: KeySigner(key: mission.monitor)))
        try Self.push(r, to: mission)
        #expect(try m.database.scalarInt("SELECT target FROM voids") == bare.seq)
        #expect(try Audit.run(path: r.path).outcome == .verified)
    }

    @Test("a copy keeps a signature only when it verifies here with a key not revoked; otherwise it is unsigned, proved by its receipt")
    func signaturesOfCopies() throws {
        let mission = try F.mission()
        let m = mission.fixture.ledger
        let monitor = Recorder(actor: "mon", signer: KeySigner(key: mission.monitor))
        _ = try m.log(F.verification("10", id: "m-1"), as: monitor)
        _ = try m.log(F.verification("11", id: "m-2"), as: monitor)
        // The bundle's signatures are outside the checkpoint's proof: one altered in carriage is dropped, not believed.
        let bundle = try F.altered(try Self.evidence(m, key: mission.checkpointKey)) { object in
            var entries = try #require(object["entries"] as? [[String: Any]])
            let index = try #require(entries.lastIndex { $0["signature"] is String })
            let text = try #require(entries[index]["signature"] as? String)
            var signature = try #require(Data(base64Encoded: text))
            signature[0] ^= 1
            entries[index]["signature"] = signature.base64EncodedString()
            object["entries"] = entries
        }
        let (r, outcome) = try Ledger.clone(at: mission.fixture.directory.path("r.sqlite"), definitions: bundle, remote: nil,
                                            as: Recorder(actor: "mon"))
        #expect(outcome.evidence?.adopted == 2)
        #expect(try r.database.scalarInt("SELECT count(*) FROM journal WHERE kind_code = 8 AND signer = 'mon'") == 1)
        #expect(try Audit.run(path: r.path, requireSigned: true).outcome == .verified, "signed at the mission, proved by receipt")

        // A field ledger that already holds the key's revocation takes the monitor's earlier evidence unsigned.
        let (field, _) = try F.field(of: mission)
        _ = try m.revokeKey(name: "mon", reason: "lost", as: Recorder(actor: "cp", signer: KeySigner(key: mission.checkpointKey)))
        _ = try field.adoptDefinitions(try m.definitionsBundle(after: try #require(try field.fieldOrigin()).missionSeq,
                                                               checkpointKey: mission.checkpointKey), as: Recorder(actor: "mon"))
        let pulled = try field.adoptDefinitions(try Self.evidence(m, key: mission.checkpointKey), as: Recorder(actor: "mon"))
        #expect(pulled.evidence?.adopted == 2 && pulled.evidence?.skipped.isEmpty == true, "\(String(describing: pulled.evidence))")
        #expect(try field.database.scalarInt("SELECT count(*) FROM journal WHERE kind_code = 8 AND signer IS NULL") == 2)
        #expect(try Audit.run(path: field.path).outcome == .verified)
    }
}
