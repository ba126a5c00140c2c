import AccordStorage
import AccordTrust
import Crypto

/// What a field ledger takes only on a mission admin's signature: the
/// checkpoints its receipts are proved against and the mission's refusals
/// (docs/JOURNAL.md §8). A monitor's key, which the field ledger also holds,
/// signs that monitor's own entries and nothing the mission says.
extension Ledger {
    /// The mission's word, signed by an admin key, that it refused a pushed
    /// entry: which field entry (by field ledger id and local seq), which
    /// claim (its SHA-256, so the refusal cannot be moved to another entry or
    /// to the same seq with other content), and why.
    struct RefusalNote: Equatable {
        static let tag = "accord refusal v1"
        var mission: String
        var field: String
        var seq: Int64
        var claimSHA256: [UInt8]
        var reason: String

        /// The signed text: the tag, the mission's checkpoint origin, `<field id> <seq>`,
        /// the claim's SHA-256 in hex, and the reason on one line.
        var text: String {
            "\(RefusalNote.tag)\n\(Ledger.origin(ledgerID: mission))\n\(field) \(seq)\n\(hexString(claimSHA256))\n\(reason)\n"
        }

        /// `reason` as one line of a signed note: each control character becomes a space.
        static func oneLine(_ reason: String) -> String {
            String(String.UnicodeScalarView(reason.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
        }

        func signed(with key: NoteSigningKey) throws -> String {
            try Ledger.signedNote(text, with: key, what: "the refusal of field entry \(seq)")
        }
    }

    /// `text` as a C2SP signed note by `key`, formatted.
    static func signedNote(_ text: String, with key: NoteSigningKey, what: String) throws -> String {
        do {
            return try SignedNote.sign(text, with: [key]).formatted
        } catch {
            throw LedgerError(.failure, "cannot sign \(what): \(error)")
        }
    }

    /// The keys a field ledger takes the mission's word from: its admin keys
    /// (adopted from the mission's definitions; a field ledger registers no
    /// key of its own), not revoked — or, `includingRevoked`, all of them, to
    /// check again what was taken in before a revocation.
    static func missionVerifiers(_ db: Database, includingRevoked: Bool = false) throws -> [NoteVerifierKey] {
        var verifiers: [NoteVerifierKey] = []
        let revoked = includingRevoked ? "" : "revoked_seq IS NULL AND "
        try db.forEach("SELECT name, public_key FROM keys WHERE \(revoked)role = 'admin' ORDER BY name") { row in
            if let key = try? Curve25519.Signing.PublicKey(rawRepresentation: row.blob(1)),
               let verifier = try? NoteVerifierKey(name: row.text(0), publicKey: key) {
                verifiers.append(verifier)
            }
        }
        return verifiers
    }

    /// The text of `note` once it verifies with a mission admin key this ledger holds.
    /// - Throws: ``LedgerError`` `.invalid` saying why it does not, about `what`.
    static func verifiedMissionNote(_ note: String, what: String, db: Database, includingRevoked: Bool = false) throws -> String {
        do {
            let parsed = try SignedNote(parsing: note)
            _ = try parsed.verify(with: try missionVerifiers(db, includingRevoked: includingRevoked))
            return parsed.text
        } catch let error as LedgerError {
            throw error
        } catch {
            throw LedgerError.invalid(.checkpoint, "\(what) is not signed by a mission admin key this field ledger holds "
                                      + "(\(error)); pull the mission's keys, or ask for it signed with an admin key")
        }
    }

    /// Why the refusal `note` does not say that the mission refused local
    /// entry `local` (whose portable claim is `claim`) for `reason`, or nil
    /// when it does.
    static func refusalProblem(_ note: String, mission: String, field: String, local: Int64, claim: [UInt8], reason: String,
                               db: Database, includingRevoked: Bool = false) -> String? {
        let text: String
        do {
            text = try verifiedMissionNote(note, what: "the refusal", db: db, includingRevoked: includingRevoked)
        } catch {
            return (error as? LedgerError)?.message ?? "\(error)"
        }
        let expected = RefusalNote(mission: mission, field: field, seq: local, claimSHA256: SHA256.hash(data: claim).byteArray,
                                   reason: reason)
        guard text == expected.text else {
            return "the signed refusal is not the mission's refusal of this entry as it is, for this reason"
        }
        return nil
    }

    /// The mission's admin's word that a definitions bundle holds every
    /// definition recorded after mission seq `after` up to `size`: the SHA-256
    /// of their (seq, leaf hash) list, signed.
    /// With the evidence too, the tag says so (``evidenceTag``): a list of
    /// the definitions alone never passes for one that says no evidence was
    /// left out, nor the other way round.
    struct DefinitionsManifest {
        static let tag = "accord definitions v1"
        static let evidenceTag = "accord definitions and evidence v1"
        var mission: String
        var after: Int64
        var size: Int64
        var leaves: [(seq: Int64, leaf: Hash32)]
        var evidence = false

        /// The tag, the mission's checkpoint origin, `<after> <size>`, and the
        /// SHA-256 of the canonical `list` of (`i64` seq, 32-byte leaf hash).
        var text: String {
            var writer = CanonicalWriter()
            writer.list(leaves) { w, item in
                w.i64(item.seq)
                w.raw(item.leaf.bytes)
            }
            let digest = hexString(SHA256.hash(data: writer.bytes).byteArray)
            let tag = evidence ? DefinitionsManifest.evidenceTag : DefinitionsManifest.tag
            return "\(tag)\n\(Ledger.origin(ledgerID: mission))\n\(after) \(size)\n\(digest)\n"
        }

        func signed(with key: NoteSigningKey) throws -> String {
            try Ledger.signedNote(text, with: key, what: "the list of definitions")
        }
    }

    /// The mission's word, signed, that it holds this checkpoint of field
    /// ledger `field` (the latest a bundle proved there): a field ledger
    /// stops proving its history from older ones only on it.
    struct FieldCheckpointNote: Equatable {
        static let tag = "accord field checkpoint v1"
        var mission: String
        var field: String
        var size: Int64
        var root: Hash32

        var text: String {
            "\(FieldCheckpointNote.tag)\n\(Ledger.origin(ledgerID: mission))\n\(field) \(size)\n\(root.hex)\n"
        }

        func signed(with key: NoteSigningKey) throws -> String {
            try Ledger.signedNote(text, with: key, what: "field ledger \(field)'s checkpoint")
        }
    }

    /// Mission side: `key` may sign the checkpoints of receipts and the
    /// refusals only when it is an admin key registered here and not revoked.
    /// - Throws: ``LedgerError`` `.forbidden` (or `.notFound`) saying why not.
    public func requireReceiptSigner(_ key: NoteSigningKey) throws {
        try LedgerError.translating {
            try database.read { db in
                _ = try Keys.requireRegistered(key.name, publicKey: key.verifierKey.publicKeyBytes, in: db, prefix: "",
                                               purpose: "sign receipts")
                var role: String?
                try db.forEach("SELECT role FROM keys WHERE name = ?", [key.name]) { role = $0.text(0) }
                guard role == "admin" else {
                    throw LedgerError(.forbidden, "key \(key.name) is registered as a monitor's key, and field ledgers take receipts "
                                      + "and refusals only signed by a mission admin key (a monitor's key signs that monitor's "
                                      + "entries, not the mission's word); sign with an admin key")
                }
            }
        }
    }
}
