import AccordLedger
import AccordPresentation
import AccordTrust
import Crypto
import Foundation
import Testing

/// `Ledger.record([LedgerWrite])`: the writes of many callers in one
/// transaction, each in its own savepoint with its own recorder and
/// idempotency key — the server's group commit.
@Suite struct GroupWriteTests {
    static func verification(_ id: String, quantity: String = "1") -> LedgerOperation {
        var input = VerificationInput(commitment: "UA-release", observed: "2025-05-26",
                                      source: SourceInput(name: "Field", kind: "monitor"))
        input.quantity = quantity
        input.externalID = id
        return .log(input)
    }

    /// Signs with a key, first calling `peek` (in the middle of the group's transaction).
    struct PeekingSigner: EntrySigner {
        let key: NoteSigningKey
        let peek: @Sendable () -> Void
        var keyName: String { key.name }
        func sign(_ bytes: [UInt8]) throws -> [UInt8] {
            peek()
            return try key.signature(for: bytes)
        }
    }

    /// A registered key whose signer refuses: its write fails after the
    /// entry before it was written and the entry itself was made.
    struct RefusingSigner: EntrySigner {
        let keyName: String
        func sign(_ bytes: [UInt8]) throws -> [UInt8] {
            throw LedgerError(.forbidden, "refused by the test")
        }
    }

    static func demo() throws -> (TemporaryDirectory, String, Ledger, NoteSigningKey) {
        let directory = try TemporaryDirectory()
        let path = directory.path("group.sqlite")
        let ledger = try Demo.create(at: path, force: false, as: Recorder(actor: "setup"))
        let key = try NoteSigningKey.generate(name: "field-key")
        _ = try ledger.registerKey(name: "field-key", publicKey: key.verifierKey, as: Recorder(actor: "setup"))
        return (directory, path, ledger, key)
    }

    static func actor(of seq: Int64, in ledger: Ledger) throws -> String? {
        try ledger.history(of: String(seq)).items.first?.actor
    }

    /// A refused write and a write rolled back after it appended leave no
    /// trace; their neighbours keep consecutive seqs and their own actors, a
    /// retry in the same group is already recorded, and the audit verifies.
    @Test func aFailureIsRolledBackAlone() throws {
        let (directory, path, ledger, _) = try Self.demo()
        defer { withExtendedLifetime(directory) {} }
        let before = try ledger.consistencyProof(oldSize: 1).newSize
        let tester = Recorder(actor: "tester")
        let results = try ledger.record([
            LedgerWrite(Self.verification("g-1"), as: tester),
            LedgerWrite(Self.verification("bad", quantity: "-1"), as: tester),
            // Appends (the entry before it is written out, this one is made), then fails: the savepoint takes it back.
            LedgerWrite(Self.verification("undone"), as: Recorder(actor: "field-key", signer: RefusingSigner(keyName: "field-key"))),
            LedgerWrite(Self.verification("g-3"), as: Recorder(actor: "other")),
            LedgerWrite(Self.verification("g-1"), as: Recorder(actor: "someone else")),
            LedgerWrite(Self.verification("g-5"), as: Recorder(actor: "two\nlines")),
        ])
        #expect(results[0].receipt?.seq == before + 1)
        #expect(results[0].receipt?.status == .recorded)
        #expect(results[1].error?.kind == .invalid(.quantity))
        #expect(results[2].error?.kind == .forbidden)
        #expect(results[3].receipt?.seq == before + 2)
        #expect(results[3].receipt?.treeSize == before + 2)
        #expect(results[4].receipt?.status == .alreadyRecorded)
        #expect(results[4].receipt?.seq == before + 1)
        #expect(results[5].error?.kind == .invalid(.actor))
        #expect(try ledger.consistencyProof(oldSize: 1).newSize == before + 2)
        #expect(try Self.actor(of: before + 1, in: ledger) == "tester")
        #expect(try Self.actor(of: before + 2, in: ledger) == "other")
        #expect(try Audit.run(path: path).outcome == .verified)
    }

    /// Nothing of a group is visible to another connection before it
    /// commits; each write is signed by its own recorder's key.
    /// A signer found good once in a group is not checked again, but only
    /// for the same key and actor: the same key signing as an actor it was
    /// not registered for is refused every time, before and after.
    @Test func aSignerCheckHoldsOnlyForItsActor() throws {
        let (directory, _, ledger, key) = try Self.demo()
        defer { withExtendedLifetime(directory) {} }
        let admin = try NoteSigningKey.generate(name: "admin-key")
        _ = try ledger.registerKey(name: "admin-key", publicKey: admin.verifierKey, role: .admin, as: Recorder(actor: "setup"))
        let signer = KeySigner(key: key)
        let stranger = try NoteSigningKey.generate(name: "stranger")
        let results = try ledger.record([
            LedgerWrite(Self.verification("s-1"), as: Recorder(actor: "someone", signer: signer)),
            LedgerWrite(Self.verification("s-2"), as: Recorder(actor: "field-key", signer: signer)),
            LedgerWrite(Self.verification("s-3"), as: Recorder(actor: "someone", signer: signer)),
            LedgerWrite(Self.verification("s-4"), as: Recorder(actor: "field-key", signer: signer)),
            LedgerWrite(Self.verification("s-5"), as: Recorder(actor: "stranger", signer: KeySigner(key: stranger))),
        ])
        #expect(results[0].error?.kind == .forbidden)
        #expect(results[1].receipt?.status == .recorded)
        #expect(results[2].error?.kind == .forbidden)
        #expect(results[3].receipt?.status == .recorded)
        #expect(results[4].error != nil)
        #expect(results[3].receipt?.seq == (results[1].receipt?.seq ?? 0) + 1)
    }

    @Test func aGroupCommitsOnce() throws {
        let (directory, path, ledger, key) = try Self.demo()
        defer { withExtendedLifetime(directory) {} }
        let before = try ledger.consistencyProof(oldSize: 1).newSize
        final class Seen: @unchecked Sendable { var sizes: [Int64] = [] }
        let seen = Seen()
        let peeking = PeekingSigner(key: key) {
            seen.sizes.append((try? Ledger.open(at: path, readOnly: true).consistencyProof(oldSize: 1).newSize) ?? -1)
        }
        let results = try ledger.record((0..<3).map { index in
            LedgerWrite(Self.verification("c-\(index)"), as: Recorder(actor: "field-key", signer: peeking))
        } + [LedgerWrite(Self.verification("c-unsigned"), as: Recorder(actor: "tester"))])
        #expect(results.allSatisfy { $0.receipt?.status == .recorded })
        #expect(seen.sizes == [before, before, before])
        #expect(try Ledger.open(at: path, readOnly: true).consistencyProof(oldSize: 1).newSize == before + 4)
        var signers: [String] = []
        try ledger.exportJournal { entry in
            guard case .object(let members) = entry,
                  case .int(let seq)? = members.first(where: { $0.0 == "seq" })?.1, seq > before else { return }
            if case .string(let signer)? = members.first(where: { $0.0 == "signer" })?.1 { signers.append(signer) } else {
                signers.append("-")
            }
        }
        #expect(signers == ["field-key", "field-key", "field-key", "-"])
        #expect(try Audit.run(path: path).outcome == .verified)
    }

    /// Each write keeps its own idempotency key: a repeat of the same request
    /// (in the same batch or a later one) is already recorded, another request
    /// under the key is a conflict with the entry it recorded, keys are per
    /// actor, and a refused write does not keep its key.
    @Test func idempotencyKeysPerWrite() throws {
        let (directory, path, ledger, _) = try Self.demo()
        defer { withExtendedLifetime(directory) {} }
        let before = try ledger.consistencyProof(oldSize: 1).newSize
        func key(_ actor: String, _ key: String, _ request: String) -> IdempotencyKey {
            IdempotencyKey(actor: actor, key: key, requestSHA256: Array(SHA256.hash(data: Data(request.utf8))))
        }
        var correction = CorrectionInput(target: "1", reason: "never valid")
        correction.quantity = "3"
        let results = try ledger.record([
            LedgerWrite(Self.verification("first"), as: Recorder(actor: "a"), idempotency: key("a", "k1", "first")),
            // The same request again (a verification without an id would otherwise be recorded twice).
            LedgerWrite(Self.verification("first"), as: Recorder(actor: "a"), idempotency: key("a", "k1", "first")),
            LedgerWrite(Self.verification("other"), as: Recorder(actor: "a"), idempotency: key("a", "k1", "second")),
            LedgerWrite(Self.verification("by-b"), as: Recorder(actor: "b"), idempotency: key("b", "k1", "third")),
            LedgerWrite(.correct(correction), as: Recorder(actor: "a"), idempotency: key("a", "k2", "refused")),
        ])
        #expect(results[0].receipt?.seq == before + 1)
        #expect(results[1].receipt?.status == .alreadyRecorded)
        #expect(results[1].receipt?.seq == before + 1)
        #expect(results[2].error?.kind == .conflict(.entry(before + 1)))
        #expect(results[3].receipt?.seq == before + 2)
        #expect(results[4].error != nil)
        // The refused write did not keep k2: the key records the next request made with it.
        let later = try ledger.record([LedgerWrite(Self.verification("later"), as: Recorder(actor: "a"),
                                                   idempotency: key("a", "k2", "now fine"))])
        #expect(later[0].receipt?.seq == before + 3)
        #expect(try Audit.run(path: path).outcome == .verified)
    }
}
