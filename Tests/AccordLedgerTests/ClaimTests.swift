@testable import AccordLedger
import AccordTrust
import Crypto
import Foundation
import Testing

/// Claims prepared by one write and signed elsewhere (docs/JOURNAL.md §4):
/// a ``ClaimCapture`` keeps the claim and writes nothing, a
/// ``ClaimSignature`` records the entry only if it verifies over the claim
/// the ledger builds then, with the key the ledger registered.
@Suite struct ClaimTests {
    static func verification(_ id: String, quantity: String = "5") -> LedgerOperation {
        var input = VerificationInput(commitment: "C", observed: "2025-05-23", source: SourceInput(name: "ICRC"))
        input.quantity = quantity
        input.externalID = id
        return .log(input)
    }

    static func fixture() throws -> (LedgerFixture, Curve25519.Signing.PrivateKey) {
        let f = try LedgerFixture()
        try f.quantity("C", party: "P")
        let key = Curve25519.Signing.PrivateKey()
        _ = try f.ledger.registerKey(name: "mon", publicKey: try NoteVerifierKey(name: "mon", publicKey: key.publicKey),
                                     as: f.recorder)
        return (f, key)
    }

    @Test("a prepared claim is what the entry is then signed over; preparing writes nothing")
    func prepareThenSign() throws {
        let (f, key) = try Self.fixture()
        let before = try f.journal().count
        let capture = ClaimCapture(keyName: "mon")
        let results = try f.ledger.record([LedgerWrite(Self.verification("v1"), as: Recorder(actor: "mon", signer: capture)),
                                           LedgerWrite(Self.verification("v2"), as: f.recorder)])
        guard case .prepared(let claim) = results[0] else {
            Issue.record("expected a prepared claim: \(results[0])")
            return
        }
        #expect(results[1].receipt?.status == .recorded, "the other write of the batch is recorded")
        #expect(try f.journal().count == before + 1)
        #expect(claim.kind == .verification && claim.actor == "mon")
        #expect(claim.fields.contains { $0.name == "quantity" && $0.value == "5" })

        let signature = ClaimSignature(keyName: "mon", publicKey: Array(key.publicKey.rawRepresentation),
                                       signature: Array(try key.signature(for: claim.bytes)))
        let receipt = try f.ledger.record(Self.verification("v1"), as: Recorder(actor: "mon", signer: signature))
        let entry = try #require(try Ledger.entry(receipt.seq, in: f.ledger.database))
        #expect(entry.signer == "mon")
        #expect(entry.signedBytes() == claim.bytes)
        #expect(try Audit.run(path: f.path).outcome == .verified)
    }

    @Test("a signature is refused over other fields, by another key, or with a key the ledger did not register")
    func signaturesThatDoNotFit() throws {
        let (f, key) = try Self.fixture()
        let capture = ClaimCapture(keyName: "mon")
        _ = try f.ledger.record([LedgerWrite(Self.verification("v1"), as: Recorder(actor: "mon", signer: capture))])
        let claim = try #require(capture.claim)
        let before = try f.journal().count
        let other = Curve25519.Signing.PrivateKey()
        let registered = Array(key.publicKey.rawRepresentation)
        let cases: [(String, LedgerOperation, ClaimSignature, LedgerError.Kind)] = [
            ("other fields", Self.verification("v1", quantity: "6"),
             ClaimSignature(keyName: "mon", publicKey: registered, signature: Array(try key.signature(for: claim.bytes))),
             .invalid(.signature)),
            ("another key's signature", Self.verification("v1"),
             ClaimSignature(keyName: "mon", publicKey: registered, signature: Array(try other.signature(for: claim.bytes))),
             .invalid(.signature)),
            // Valid for the key it names, but that is not the key registered as mon.
            ("an unregistered public key", Self.verification("v1"),
             ClaimSignature(keyName: "mon", publicKey: Array(other.publicKey.rawRepresentation),
                            signature: Array(try other.signature(for: claim.bytes))),
             .forbidden),
        ]
        for (what, operation, signer, kind) in cases {
            let results = try f.ledger.record([LedgerWrite(operation, as: Recorder(actor: "mon", signer: signer))])
            #expect(results[0].error?.kind == kind, "\(what): \(results[0])")
        }
        #expect(try f.journal().count == before)
    }

    @Test("only a claim's exact bytes decode as a claim")
    func decoding() throws {
        let (f, _) = try Self.fixture()
        let capture = ClaimCapture(keyName: "mon")
        _ = try f.ledger.record([LedgerWrite(Self.verification("v1"), as: Recorder(actor: "mon", signer: capture))])
        let bytes = try #require(capture.claim).bytes
        #expect(try Claim(decoding: bytes).bytes == bytes)
        let entryBytes = try #require(try f.journal().last).1
        for (what, candidate) in [("an entry", entryBytes), ("bytes after it", bytes + [0]), ("cut short", Array(bytes.dropLast())),
                                  ("an unknown kind", Array(Entry.claimTag) + [250] + Array(bytes.dropFirst(Entry.claimTag.count + 1)))] {
            #expect(throws: LedgerError.self, "\(what)") { try Claim(decoding: candidate) }
            do {
                _ = try Claim(decoding: candidate)
            } catch let error as LedgerError {
                #expect(error.kind == .invalid(.claim), "\(what)")
            }
        }
    }
}
