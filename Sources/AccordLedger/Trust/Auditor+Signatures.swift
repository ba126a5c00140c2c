import AccordStorage
import AccordTrust
import Crypto

/// Checking signed entries and checkpoints against the keys the journal registered.
extension Auditor {
    /// - Returns: true when the entry is unsigned, or its signature verifies
    ///   with the key valid at its seq (false: a finding was reported).
    @discardableResult
    mutating func checkSignature(_ entry: Entry, bytes: [UInt8], signature: [UInt8]?,
                                 keys: [String: (key: [UInt8], registered: Int64, revoked: Int64?)]) -> Bool {
        let seq = entry.seq
        switch (entry.signer, signature) {
        case (nil, nil):
            return true
        case (nil, _?):
            fail(.tampered, "signature", seq, "a signature is stored but the entry names no signer")
        case (let name?, nil):
            fail(.tampered, "signature", seq, "the entry is signed by \(name) but its signature is missing")
        case (let name?, let signature?):
            guard let key = keys[name] else {
                fail(.unverifiable, "signature", seq, "signed by \(name), a key this ledger never registered")
                return false
            }
            if let revoked = key.revoked, revoked < seq {
                fail(.tampered, "signature", seq, "signed by \(name), which was revoked by entry \(revoked)")
                return false
            }
            guard let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: key.key),
                  publicKey.isValidSignature(signature, for: bytes) else {
                fail(.tampered, "signature", seq, "the signature by \(name) does not verify")
                return false
            }
            return true
        }
        return false
    }

    /// Checks a checkpoint's signature, then what it vouches for. A checkpoint
    /// that no key of this ledger validly signed vouches for nothing, so its
    /// disagreement with the journal is reported as such, not as a rewrite.
    /// - Returns: the names of the keys whose signatures verified (empty when none did).
    @discardableResult
    mutating func checkCheckpoint(_ note: SignedNote, _ body: Checkpoint, name: String, journalSize: UInt64,
                                  roots: [UInt64: Hash32], keys: [String: (key: [UInt8], registered: Int64, revoked: Int64?)],
                                  trusted: [NoteVerifierKey] = []) -> [String] {
        let seq = Int64(exactly: body.size)
        // Whether it agrees with the journal, in words.
        var disagreement: (seq: Int64?, words: String)?
        if let root = roots[body.size] {
            if root != body.rootHash {
                disagreement = (seq, "it has root \(body.rootHash.hex) at size \(body.size) but the journal gives \(root.hex)")
            }
        } else {
            disagreement = (Int64(journalSize) + 1, "it covers \(body.size) entries but the journal holds only \(journalSize)")
        }
        // A key signs checkpoints of sizes after the entry that registered it and before the one that revoked it.
        var verifiers: [NoteVerifierKey] = []
        for (keyName, key) in keys.sorted(by: { $0.key < $1.key })
        where UInt64(clamping: key.registered) <= body.size && key.revoked.map({ UInt64(clamping: $0) > body.size }) ?? true {
            if let verifier = try? NoteVerifierKey(name: keyName, publicKey: Curve25519.Signing.PublicKey(rawRepresentation: key.key)) {
                verifiers.append(verifier)
            }
        }
        for key in trusted where !verifiers.contains(key) { verifiers.append(key) }
        let also = disagreement.map { "; \($0.words)" } ?? ""
        let signers: [String]
        do {
            signers = try note.verify(with: verifiers).verifiedBy.map(\.name)
        } catch SignedNoteError.noVerifiedSignature {
            fail(.unverifiable, "checkpoint", disagreement?.seq ?? seq,
                 "\(name) is signed by no key registered in this ledger and valid at size \(body.size)"
                    + (trusted.isEmpty ? "" : ", nor by a --trusted-key") + ", so it cannot be trusted\(also)")
            return []
        } catch SignedNoteError.invalidSignature(let keyName, _) {
            fail(.tampered, "checkpoint", disagreement?.seq ?? seq,
                 "\(name): the signature by \(keyName) does not verify (the checkpoint was altered, or the key in this ledger was replaced)\(also)")
            return []
        } catch {
            fail(.tampered, "checkpoint", disagreement?.seq ?? seq, "\(name): \(error)\(also)")
            return []
        }
        if let disagreement {
            let conclusion = roots[body.size] == nil ? "entries were cut off" : "history was rewritten"
            fail(.tampered, "checkpoint", disagreement.seq, "\(name) is validly signed, and \(disagreement.words): \(conclusion)")
        }
        return signers
    }
}
