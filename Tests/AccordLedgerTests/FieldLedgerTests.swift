@testable import AccordLedger
import AccordTrust
import Crypto
import Foundation
import Testing

/// Field ledgers (docs/JOURNAL.md §8): cloned from a mission ledger's
/// definitions, their monitors' evidence pushed back as portable claims that
/// keep their signatures, each answered by a receipt the field ledger verifies.
@Suite struct FieldLedgerTests {
    struct Mission {
        let fixture: LedgerFixture
        let monitor: NoteSigningKey
        let checkpointKey: NoteSigningKey
    }

    static func mission() throws -> Mission {
        let f = try LedgerFixture()
        try f.quantity("C", party: "P")
        let monitor = try NoteSigningKey(name: "mon", privateKey: Curve25519.Signing.PrivateKey())
        let checkpoint = try NoteSigningKey(name: "cp", privateKey: Curve25519.Signing.PrivateKey())
        _ = try f.ledger.registerKey(name: "mon", publicKey: monitor.verifierKey, as: f.recorder)
        _ = try f.ledger.registerFirstAdminKey(checkpoint.verifierKey, as: f.recorder)
        return Mission(fixture: f, monitor: monitor, checkpointKey: checkpoint)
    }

    /// A field ledger cloned from `mission`, and its monitor (signing with the mission's key "mon").
    static func field(of mission: Mission) throws -> (Ledger, Recorder) {
        let (field, _) = try Ledger.clone(at: mission.fixture.directory.path("field.sqlite"),
                                          definitions: try mission.fixture.ledger.definitionsBundle(), remote: nil,
                                          as: Recorder(actor: "mon"))
        return (field, Recorder(actor: "mon", signer: KeySigner(key: mission.monitor)))
    }

    static func verification(_ quantity: String, id: String? = nil) -> VerificationInput {
        var input = VerificationInput(commitment: "C", observed: "2025-05-23", source: SourceInput(name: "ICRC"))
        input.quantity = quantity
        input.externalID = id
        return input
    }

    static func count(_ ledger: Ledger) throws -> Int64 {
        try ledger.database.scalarInt("SELECT count(*) FROM journal") ?? 0
    }

    @Test("clone, log offline, push, receipts: each entry once, signatures kept, every ledger audits")
    func roundTrip() throws {
        let mission = try Self.mission()
        let m = mission.fixture.ledger
        let (field, adoption) = try Ledger.clone(at: mission.fixture.directory.path("field.sqlite"),
                                                 definitions: try m.definitionsBundle(), remote: nil, as: Recorder(actor: "mon"))
        #expect(adoption.adopted == 5, "party, agreement, commitment, two keys")
        #expect(try field.fieldOrigin()?.missionSeq == (try Self.count(m)))
        let monitor = Recorder(actor: "mon", signer: KeySigner(key: mission.monitor))
        let first = try field.log(Self.verification("100", id: "x1"), as: monitor)
        let second = try field.log(Self.verification("50"), as: monitor)
        let third = try field.log(Self.verification("7"), as: monitor)
        var corroboration = CorroborationInput(target: "\(second.seq)", source: SourceInput(name: "UN", confidence: "confirmed"))
        corroboration.note = "seen"
        _ = try field.corroborate(corroboration, as: monitor)
        _ = try field.retract("\(third.seq)", reason: "double count", as: monitor)
        #expect(first.recorded)
        #expect(try field.pushStatus().map(\.state) == Array(repeating: .pending, count: 5))
        let options = ReportOptions(at: try Moment(parsing: "2025-06-01", field: .at), minConfidence: .unverified)
        let copy = try #require(try field.report(options).ledger.fieldCopy)
        let missionID = try m.report(options).ledger.ledgerID
        #expect(copy.localEntries == 5 && copy.unacknowledged == 5 && copy.missionID == missionID)
        #expect(try field.report(options).heading.contains("a field copy of mission"))
        #expect(try m.report(options).ledger.fieldCopy == nil)

        let bundle = try #require(try field.pushBundle())
        let before = try Self.count(m)
        let outcome = try m.applyBundle(bundle, unsigned: .anyActor, checkpointKey: mission.checkpointKey)
        #expect(outcome.recorded == 5 && outcome.refused.isEmpty, "\(outcome.refused)")
        #expect(try Self.count(m) == before + 5)
        let receipts = try field.importReceipts(outcome.receipts)
        #expect(receipts.accepted == 5)
        #expect(try field.pushStatus().allSatisfy { $0.state == .accepted })
        #expect(try field.pushBundle() == nil)
        #expect(try field.report(options).ledger.fieldCopy?.unacknowledged == 0)

        // The same bundle again adds nothing; its receipts are already stored.
        let again = try m.applyBundle(bundle, unsigned: .anyActor, checkpointKey: mission.checkpointKey)
        #expect(again.recorded == 0 && again.alreadyRecorded == 5)
        #expect(try Self.count(m) == before + 5)
        #expect(try field.importReceipts(again.receipts).alreadyStored == 5)

        // Signed entries keep the monitor's signature: the mission's audit verifies them.
        #expect(try Audit.run(path: m.path).outcome == .verified)
        #expect(try Audit.run(path: field.path).outcome == .verified)
        let signed = try m.database.scalarInt("SELECT count(*) FROM journal WHERE signer = 'mon' AND seq > ?", before) ?? 0
        #expect(signed == 5)

        // A receipt forged with sqlite3 (to keep an entry from being pushed) is found by the audit.
        try field.database.run("UPDATE field_receipts SET mission_seq = mission_seq - 1 WHERE seq = ?", second.seq)
        let audit = try Audit.run(path: field.path)
        #expect(audit.outcome == .tampered)
        #expect(audit.findings.contains { $0.check == "receipts" && $0.seq == second.seq }, "\(audit.findings)")
    }

    @Test("a bundle with one altered byte is refused whole, naming the entry; nothing is recorded")
    func tamperedBundle() throws {
        let mission = try Self.mission()
        let m = mission.fixture.ledger
        let (field, monitor) = try Self.field(of: mission)
        _ = try field.log(Self.verification("100"), as: monitor)
        _ = try field.log(Self.verification("200"), as: monitor)
        let bundle = try #require(try field.pushBundle())
        let text = String(decoding: bundle, as: UTF8.self)
        // Re-encode the second claim with one byte changed (the quantity).
        let document = try #require(try JSONSerialization.jsonObject(with: Data(bundle)) as? [String: Any])
        let entries = try #require(document["entries"] as? [[String: Any]])
        let claim = try #require(entries[1]["claim"] as? String)
        var bytes = try #require(Data(base64Encoded: claim))
        bytes[bytes.count - 20] ^= 1
        let altered = Array(text.replacingOccurrences(of: claim, with: bytes.base64EncodedString()).utf8)
        let before = try Self.count(m)
        #expect {
            _ = try m.applyBundle(altered, unsigned: .anyActor, checkpointKey: mission.checkpointKey)
        } throws: { error in
            "\(error)".contains("/entries/1") && "\(error)".contains("refused whole")
        }
        #expect(try Self.count(m) == before)
    }

    @Test("a bundle's signer must name a key by its exact bytes: a Unicode-equivalent name (Kelvin sign for K) is refused whole, nothing recorded")
    func signerNamesAreBytes() throws {
        let mission = try Self.mission()
        let m = mission.fixture.ledger
        // A key whose name has a K, and a field ledger whose monitor signs with it.
        let signer = try NoteSigningKey(name: "Kyiv", privateKey: Curve25519.Signing.PrivateKey())
        _ = try m.registerKey(try KeyRequest(key: signer), as: Recorder(actor: "cp", signer: KeySigner(key: mission.checkpointKey)))
        let (field, _) = try Ledger.clone(at: mission.fixture.directory.path("k.sqlite"),
                                          definitions: try m.definitionsBundle(checkpointKey: mission.checkpointKey), remote: nil,
                                          as: Recorder(actor: "Kyiv"))
        let kyiv = Recorder(actor: "Kyiv", signer: KeySigner(key: signer))
        _ = try field.log(Self.verification("1", id: "k-1"), as: kyiv)
        _ = try field.log(Self.verification("2", id: "k-2"), as: kyiv)
        // The second entry names the key "\u{212A}yiv": equal to "Kyiv" as a Swift String, not as bytes.
        let bundle = try #require(try field.pushBundle())
        var parsed = try EntriesBundle(parsing: bundle)
        parsed.entries[1].signer = "\u{212A}yiv"
        let forged = try Self.altered(bundle) { object in
            var entries = try #require(object["entries"] as? [[String: Any]])
            entries[1]["signer"] = "\u{212A}yiv"
            object["entries"] = entries
            object["sha256"] = hexString(BundleDocument.digest(field: parsed.field, mission: parsed.mission, entries: parsed.entries,
                                                               checkpoint: parsed.checkpoint))
        }
        let before = try Self.count(m)
        #expect {
            _ = try m.applyBundle(forged, unsigned: .anyActor, checkpointKey: mission.checkpointKey)
        } throws: { "\($0)".contains("/entries/1/signer") }
        #expect(try Self.count(m) == before)
        #expect(try Audit.run(path: m.path).outcome == .verified)
    }

    @Test("an entry the mission refuses comes back with its reason; the rest are recorded")
    func refusedEntry() throws {
        let mission = try Self.mission()
        let m = mission.fixture.ledger
        let (field, monitor) = try Self.field(of: mission)
        _ = try field.log(Self.verification("100", id: "same"), as: monitor)
        _ = try field.log(Self.verification("20"), as: monitor)
        // Meanwhile the mission recorded id "same" with other content.
        _ = try m.log(Self.verification("999", id: "same"), as: mission.fixture.recorder)
        let outcome = try m.applyBundle(try #require(try field.pushBundle()), unsigned: .anyActor, checkpointKey: mission.checkpointKey)
        #expect(outcome.recorded == 1)
        #expect(outcome.refused.count == 1 && outcome.refused[0].reason.contains("same"))
        // The reason reads whole without a front end's hint (no "if the new values are right, ;").
        #expect(outcome.refused.first?.reason.hasSuffix("with other values: quantity 999 → 100; sent again unchanged, it is harmless")
                == true, "\(outcome.refused)")
        let receipts = try field.importReceipts(outcome.receipts)
        #expect(receipts.accepted == 1 && receipts.refused == 1)
        #expect(try field.pushStatus().map(\.state) == [.refused, .accepted])
        #expect(try field.pushBundle() == nil)
    }

    /// `receipts` (a receipts document) with `change` applied to its JSON object.
    static func altered(_ receipts: [UInt8], _ change: (inout [String: Any]) throws -> Void) throws -> [UInt8] {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(receipts)) as? [String: Any])
        try change(&object)
        return Array(try JSONSerialization.data(withJSONObject: object))
    }

    @Test("the mission's word needs an admin's signature: a checkpoint signed by a monitor's key, a refusal altered, moved or unsigned are refused; one rewritten with sqlite3 is found by the audit")
    func missionWordIsSigned() throws {
        let mission = try Self.mission()
        let m = mission.fixture.ledger
        let (field, monitor) = try Self.field(of: mission)
        _ = try field.log(Self.verification("100", id: "same"), as: monitor)
        let accepted = try field.log(Self.verification("20"), as: monitor)
        _ = try m.log(Self.verification("999", id: "same"), as: mission.fixture.recorder)
        let bundle = try #require(try field.pushBundle())
        // The mission will not sign receipts with a monitor's key.
        #expect {
            _ = try m.applyBundle(bundle, unsigned: .anyActor, checkpointKey: mission.monitor)
        } throws: { "\($0)".contains("admin key") }
        let outcome = try m.applyBundle(bundle, unsigned: .anyActor, checkpointKey: mission.checkpointKey)
        func refusal(_ object: inout [String: Any], _ change: (inout [String: Any]) -> Void) throws {
            var items = try #require(object["receipts"] as? [[String: Any]])
            let index = try #require(items.firstIndex { $0["refused"] != nil })
            change(&items[index])
            object["receipts"] = items
        }
        let forgeries: [(String, [UInt8])] = [
            // A checkpoint of the same tree signed by the monitor's key (which the field ledger holds).
            ("admin key", try Self.altered(outcome.receipts) { $0["checkpoint"] = try m.checkpoint(signingWith: mission.monitor).note }),
            ("for this reason", try Self.altered(outcome.receipts) { try refusal(&$0) { $0["refused"] = "a reason of my own" } }),
            ("\"note\" is missing", try Self.altered(outcome.receipts) { try refusal(&$0) { $0["note"] = nil } }),
            // The refusal of entry "same" moved onto the accepted entry.
            ("as it is", try Self.altered(outcome.receipts) { object in
                object["receipts"] = [try #require((object["receipts"] as? [[String: Any]])?.first { $0["refused"] != nil })]
                    .map { item in item.merging(["seq": accepted.seq]) { $1 } }
            }),
        ]
        for (problem, forged) in forgeries {
            #expect(throws: LedgerError.self, "\(problem)") { _ = try field.importReceipts(forged) }
            do { _ = try field.importReceipts(forged) } catch { #expect("\(error)".contains(problem), "\(error)") }
            #expect(try field.pushStatus().map(\.state) == [.pending, .pending], "nothing was stored (\(problem))")
        }
        #expect(try field.importReceipts(outcome.receipts) == ReceiptsOutcome(accepted: 1, refused: 1))
        #expect(try Audit.run(path: field.path).outcome == .verified)
        // A refusal's reason rewritten with sqlite3: the signed note no longer says it.
        try field.database.run("UPDATE field_receipts SET refused = 'withdrawn' WHERE refused IS NOT NULL")
        let audit = try Audit.run(path: field.path)
        #expect(audit.outcome == .tampered && audit.findings.contains { $0.check == "receipts" }, "\(audit.findings)")
    }

    /// `bundle` (a definitions bundle) with `change` applied to its JSON object.
    static func alteredDefinitions(_ bundle: [UInt8], _ change: (inout [String: Any]) throws -> Void) throws -> [UInt8] {
        try altered(bundle, change)
    }

    @Test("definitions proved in a checkpoint signed by a mission admin key; a size or an entry not proved is not believed")
    func provenDefinitions() throws {
        let mission = try Self.mission()
        let m = mission.fixture.ledger
        _ = try m.log(Self.verification("5"), as: mission.fixture.recorder)  // evidence after the last definition
        let size = try Self.count(m)
        let proved = try m.definitionsBundle(checkpointKey: mission.checkpointKey)
        let directory = mission.fixture.directory
        // Proved: the field ledger is as of the mission's whole journal.
        let (field, outcome) = try Ledger.clone(at: directory.path("proved.sqlite"), definitions: proved, remote: nil,
                                                as: Recorder(actor: "mon"))
        #expect(outcome.proven && outcome.missionSeq == size)
        // Not proved: only as far as the last definition it carries, whatever size it claims.
        let carried = try Self.alteredDefinitions(try m.definitionsBundle()) { $0["size"] = 1_000_000 }
        let (_, unproved) = try Ledger.clone(at: directory.path("carried.sqlite"), definitions: carried, remote: nil,
                                             as: Recorder(actor: "mon"))
        #expect(!unproved.proven && unproved.missionSeq == size - 1)
        // With a checkpoint, an inflated size, a definition left out of the tree, or a monitor's signature: refused, nothing left.
        let forgeries: [(String, [UInt8])] = [
            ("signed list", try Self.alteredDefinitions(proved) { $0["size"] = 1_000_000 }),
            ("/proof", try Self.alteredDefinitions(proved) { object in
                var entries = try #require(object["entries"] as? [[String: Any]])
                entries[1]["proof"] = entries[0]["proof"]
                object["entries"] = entries
            }),
            ("admin key", try Self.alteredDefinitions(proved) { $0["checkpoint"] = try m.checkpoint(signingWith: mission.monitor).note }),
        ]
        for (index, (problem, forged)) in forgeries.enumerated() {
            let path = directory.path("forged-\(index).sqlite")
            do {
                _ = try Ledger.clone(at: path, definitions: forged, remote: nil, as: Recorder(actor: "mon"))
                Issue.record("a forged definitions bundle was adopted (\(problem))")
            } catch {
                #expect("\(error)".contains(problem), "\(error)")
            }
            #expect(!FileManager.default.fileExists(atPath: path))
        }
        // A pull: the new definition proved with the admin key the field ledger already holds.
        try mission.fixture.quantity("C2", party: "P")
        let pulled = try field.adoptDefinitions(try m.definitionsBundle(after: size, checkpointKey: mission.checkpointKey),
                                                as: Recorder(actor: "mon"))
        let now = try Self.count(m)
        #expect(pulled.adopted == 1 && pulled.proven && pulled.missionSeq == now)
        // The mission does not sign definitions with a monitor's key.
        #expect { _ = try m.definitionsBundle(checkpointKey: mission.monitor) } throws: { "\($0)".contains("admin key") }
    }

    /// A push bundle with `change` applied to its JSON object, its digest made again (as anyone can).
    static func rewritten(_ bundle: [UInt8], _ change: (inout [String: Any]) throws -> Void) throws -> [UInt8] {
        let changed = try altered(bundle, change)
        let parsed = try EntriesBundle(parsing: changed)
        return try altered(changed) { object in
            object["sha256"] = hexString(BundleDocument.digest(field: parsed.field, mission: parsed.mission, entries: parsed.entries,
                                                               checkpoint: parsed.checkpoint))
        }
    }

    @Test("each bundle proves the field ledger's history only grew since the last one the mission applied; a rewritten history is refused whole")
    func fieldHistoryIsProved() throws {
        let mission = try Self.mission()
        let m = mission.fixture.ledger
        let (field, monitor) = try Self.field(of: mission)
        _ = try field.log(Self.verification("1"), as: monitor)
        let first = try #require(try field.pushBundle())
        #expect(try EntriesBundle(parsing: first).checkpoint?.consistency.isEmpty == true)
        let applied = try m.applyBundle(first, unsigned: .anyActor, checkpointKey: mission.checkpointKey)
        let size = try Self.count(field)
        #expect(try m.heldFieldCheckpoint(try EntriesBundle(parsing: first).field)?.size == size)
        // Not yet answered: the next bundle proves its history from the first bundle's checkpoint too.
        _ = try field.log(Self.verification("2"), as: monitor)
        let second = try #require(try field.pushBundle())
        let link = try #require(try EntriesBundle(parsing: second).checkpoint)
        #expect(link.size == size + 1 && link.consistency.map(\.size) == [size])
        // A history rewritten since: another root for the first bundle's entries, a proof left out, a proof altered.
        let forgeries: [(String, [UInt8])] = [
            ("no proof", try Self.rewritten(second) { object in
                var checkpoint = try #require(object["fieldCheckpoint"] as? [String: Any])
                checkpoint["consistency"] = [Any]()
                object["fieldCheckpoint"] = checkpoint
            }),
            ("/fieldCheckpoint/consistency/0", try Self.rewritten(second) { object in
                var checkpoint = try #require(object["fieldCheckpoint"] as? [String: Any])
                checkpoint["root"] = String(repeating: "ab", count: 32)
                object["fieldCheckpoint"] = checkpoint
            }),
            ("carries no checkpoint", try Self.rewritten(second) { $0["fieldCheckpoint"] = nil }),
        ]
        let before = try Self.count(m)
        for (problem, forged) in forgeries {
            do {
                _ = try m.applyBundle(forged, unsigned: .anyActor, checkpointKey: mission.checkpointKey)
                Issue.record("a bundle with a rewritten history was applied (\(problem))")
            } catch {
                #expect("\(error)".contains(problem) && "\(error)".contains("refused whole"), "\(error)")
            }
        }
        #expect(try Self.count(m) == before)
        // The genuine one is applied; once the receipts say the mission holds it, older checkpoints need no proof.
        let answered = try m.applyBundle(second, unsigned: .anyActor, checkpointKey: mission.checkpointKey)
        _ = try field.importReceipts(applied.receipts)
        _ = try field.importReceipts(answered.receipts)
        #expect(try field.database.scalarInt("SELECT count(*) FROM field_bundles") == 1)
        _ = try field.log(Self.verification("3"), as: monitor)
        #expect(try EntriesBundle(parsing: try #require(try field.pushBundle())).checkpoint?.consistency.map(\.size) == [size + 1])
        #expect(try Audit.run(path: field.path).outcome == .verified)
        // A checkpoint row forged with sqlite3 is found by the audit.
        try field.database.run("UPDATE field_bundles SET root = zeroblob(32)")
        #expect(try Audit.run(path: field.path).findings.contains { $0.check == "receipts" })
    }

    @Test("a reviewer's attacks: definitions left out of a proved bundle, a bundle after the field's seq, a key registered on the field ledger, a receipt after a refusal, a revoked admin's receipts, a deleted origin")
    func reviewedAttacks() throws {
        let mission = try Self.mission()
        let m = mission.fixture.ledger
        let admin = Recorder(actor: "cp", signer: KeySigner(key: mission.checkpointKey))
        let (field, monitor) = try Self.field(of: mission)
        let seq = try #require(try field.fieldOrigin()).missionSeq
        try mission.fixture.quantity("C2", party: "P")
        try mission.fixture.quantity("C3", party: "P")
        let proved = try m.definitionsBundle(after: seq, checkpointKey: mission.checkpointKey)
        // One definition left out (a courier withholding a withdrawal or a revocation): the signed list says otherwise.
        let withheld = try Self.altered(proved) { object in
            object["entries"] = Array(try #require(object["entries"] as? [[String: Any]]).dropFirst())
        }
        #expect { _ = try field.adoptDefinitions(withheld, as: monitor) } throws: { "\($0)".contains("signed list") }
        // A genuine bundle that starts after the field ledger's seq would skip what is between.
        let later = try m.definitionsBundle(after: seq + 1, checkpointKey: mission.checkpointKey)
        #expect { _ = try field.adoptDefinitions(later, as: monitor) } throws: { "\($0)".contains("would be missed") }
        #expect(try field.adoptDefinitions(proved, as: monitor).adopted == 2)
        // A key registered on the field ledger itself would vouch for receipts: refused.
        let rogue = try NoteSigningKey(name: "rogue", privateKey: Curve25519.Signing.PrivateKey())
        #expect { _ = try field.registerKey(name: "rogue", publicKey: rogue.verifierKey, role: .admin, as: monitor) } throws: {
            "\($0)".contains("field ledger")
        }
        // Refused (an unsigned entry pushed by someone else), then recorded after all (pushed by its own actor): the
        // receipt replaces the refusal.
        _ = try field.log(Self.verification("7", id: "later"), as: Recorder(actor: "mon"))
        let bundle = try #require(try field.pushBundle())
        let refused = try m.applyBundle(bundle, unsigned: .none, checkpointKey: mission.checkpointKey)
        #expect(try field.importReceipts(refused.receipts).refused == 1)
        let recorded = try m.applyBundle(bundle, unsigned: .anyActor, checkpointKey: mission.checkpointKey)
        #expect(try field.importReceipts(recorded.receipts).accepted == 1)
        #expect(try field.pushStatus().last?.state == .accepted)
        // A second admin, then the first one revoked: what it signed before still verifies in the audit.
        let second = try NoteSigningKey(name: "cp2", privateKey: Curve25519.Signing.PrivateKey())
        _ = try m.registerKey(try KeyRequest(key: second, role: .admin), as: admin)
        _ = try field.adoptDefinitions(try m.definitionsBundle(after: try #require(try field.fieldOrigin()).missionSeq,
                                                               checkpointKey: mission.checkpointKey), as: monitor)
        _ = try m.revokeKey(name: "cp", reason: "rotated", as: Recorder(actor: "cp2", signer: KeySigner(key: second)))
        _ = try field.adoptDefinitions(try m.definitionsBundle(after: try #require(try field.fieldOrigin()).missionSeq,
                                                               checkpointKey: second), as: monitor)
        #expect(try Audit.run(path: field.path).outcome == .verified)
        // The origin deleted with sqlite3: the audit says so rather than skipping the receipts.
        try field.database.run("DELETE FROM field_origin")
        #expect(try Audit.run(path: field.path).findings.contains { $0.check == "receipts" })
    }

    @Test("a key registration carried in a pull is adopted only under the admin rules: an unsigned admin key that would sign its own proof is refused")
    func adoptedKeysFollowTheAdminRules() throws {
        let mission = try Self.mission()
        let m = mission.fixture.ledger
        let (field, monitor) = try Self.field(of: mission)
        let after = try #require(try field.fieldOrigin()).missionSeq
        // A genuine-looking key.register of an admin "evil", unsigned (the first admin of another ledger), past the field's seq.
        let scratch = try LedgerFixture()
        while try Self.count(scratch.ledger) <= after {
            _ = try scratch.ledger.addParty(PartyInput(id: "P\(try Self.count(scratch.ledger))", name: "x"), as: scratch.recorder)
        }
        let evil = try NoteSigningKey(name: "evil", privateKey: Curve25519.Signing.PrivateKey())
        let registered = try scratch.ledger.registerFirstAdminKey(evil.verifierKey, as: scratch.recorder)
        let bytes = try scratch.ledger.database.read { try $0.scalarEntryBytes(registered.seq) }
        let size = registered.seq
        let missionID = try m.database.read { try Ledger.ownID($0) }
        // Its own checkpoint and list, signed by evil: they would verify once evil were adopted.
        let leaf = Merkle.leafHash(bytes)
        let checkpoint = try Checkpoint(origin: Ledger.origin(ledgerID: missionID), size: UInt64(size),
                                        rootHash: leaf, extensions: [])
        let manifest = Ledger.DefinitionsManifest(mission: missionID, after: after, size: size,
                                                  leaves: [(size, leaf)])
        let bundle = JSON.object([
            ("accord", .string("accord-definitions")), ("version", .int(1)), ("mission", .string(missionID)),
            ("size", .int(size)), ("after", .int(after)),
            ("checkpoint", .string(try SignedNote.sign(checkpoint.format(), with: [evil]).formatted)),
            ("manifest", .string(try manifest.signed(with: evil))),
            ("entries", .array([.object([("seq", .int(size)), ("entry", .string(ByteEncoding.base64(bytes))), ("signature", .null),
                                         ("proof", .array([]))])])),
        ])
        let before = try Self.count(field)
        #expect {
            _ = try field.adoptDefinitions(Array(bundle.serialized(pretty: false).utf8), as: monitor)
        } throws: { "\($0)".contains("to register a key, sign the entry with one") }
        #expect(try Self.count(field) == before)
    }

    /// The journal as `accord journal export` writes it, through the independent Python verifier.
    static func pythonVerifies(_ ledger: Ledger) throws -> [String: Any] {
        var lines = ""
        try ledger.exportJournal { lines += $0.serialized() + "\n" }
        let verifier = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("AccordCLITests/verify_journal.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", verifier]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let data = Data(lines.utf8)
        let writer = Thread {
            input.fileHandleForWriting.write(data)
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (try? JSONSerialization.jsonObject(with: out)) as? [String: Any] ?? ["unparsed": String(decoding: out, as: UTF8.self)]
    }

    @Test("an outside verifier checks portable claims from docs/JOURNAL.md alone, in the field and the mission ledger")
    func outsideVerifier() throws {
        let mission = try Self.mission()
        let m = mission.fixture.ledger
        let (field, monitor) = try Self.field(of: mission)
        let record = try field.log(Self.verification("40"), as: monitor)
        _ = try field.corroborate(CorroborationInput(target: "\(record.seq)", source: SourceInput(name: "UN")), as: monitor)
        _ = try field.dispute("\(record.seq)", by: "P", reason: "fewer", source: nil, as: monitor)
        let outcome = try m.applyBundle(try #require(try field.pushBundle()), unsigned: .anyActor, checkpointKey: mission.checkpointKey)
        #expect(outcome.recorded == 3)
        for ledger in [field, m] {
            let report = try Self.pythonVerifies(ledger)
            #expect(report["ok"] as? Bool == true, "\(report)")
        }
        #expect(try Audit.run(path: m.path).outcome == .verified && Audit.run(path: field.path).outcome == .verified)
    }

    @Test("a long backlog goes in bundles of a bounded size, each answered before the next; references cross them")
    func boundedBundles() throws {
        let mission = try Self.mission()
        let m = mission.fixture.ledger
        let (field, monitor) = try Self.field(of: mission)
        var seqs: [Int64] = []
        for n in 1...5 { seqs.append(try field.log(Self.verification("\(n)"), as: monitor).seq) }
        _ = try field.corroborate(CorroborationInput(target: "\(seqs[0])", source: SourceInput(name: "UN")), as: monitor)
        var rounds = 0
        while let bundle = try field.pushBundle(limit: 2) {
            let outcome = try m.applyBundle(bundle, unsigned: .anyActor, checkpointKey: mission.checkpointKey)
            #expect(outcome.recorded == 2 && outcome.refused.isEmpty, "\(outcome.refused)")
            #expect(try field.importReceipts(outcome.receipts).accepted == 2)
            rounds += 1
        }
        #expect(rounds == 3)
        #expect(try field.pushStatus().allSatisfy { $0.state == .accepted })
        #expect(try Audit.run(path: m.path).outcome == .verified && Audit.run(path: field.path).outcome == .verified)
    }

    @Test("an entry that refers to a record of its own bundle the mission refused is refused with it, not applied to another record of that name")
    func namesDoNotCrossOver() throws {
        let mission = try Self.mission()
        let m = mission.fixture.ledger
        let theirs = try m.log(Self.verification("10", id: "X1"), as: mission.fixture.recorder)
        let (field, monitor) = try Self.field(of: mission)
        _ = try field.log(Self.verification("99", id: "X1"), as: monitor)
        _ = try field.retract("X1", reason: "entered in error", as: monitor)
        let outcome = try m.applyBundle(try #require(try field.pushBundle()), unsigned: .anyActor, checkpointKey: mission.checkpointKey)
        #expect(outcome.recorded == 0 && outcome.refused.count == 2, "\(outcome.refused)")
        #expect(try m.database.scalarInt("SELECT count(*) FROM retractions WHERE record = ?", theirs.seq) == 0)

        // An id of the form another ledger gives its entries is refused on a field ledger.
        let missionPrefix = String(try m.report(ReportOptions(at: try Moment(parsing: "2025-06-01", field: .at))).ledger.ledgerID.prefix(8))
        #expect(throws: LedgerError.self) {
            _ = try field.log(Self.verification("1", id: "\(missionPrefix):\(theirs.seq)"), as: monitor)
        }
    }
}
