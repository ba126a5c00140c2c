import AccordStorage

/// The admin rules and the actor rule, applied to the journal as it was
/// written (docs/JOURNAL.md §4): from the entry after the first admin key's
/// registration on, a key.register or key.revoke must be signed by an admin
/// key valid at that point, a registration must carry a proof of possession,
/// a signed entry's actor must be its key's name or one of its actors, and
/// (when signatures are required) every evidence entry must be signed. A proof of
/// possession that is present must verify wherever it is.
extension Auditor {
    /// Checks `entry` against the rules in force after the entries `facts` holds.
    /// - Parameter signatureVerified: the entry is unsigned or its signature
    ///   verified (otherwise a finding was reported, and is not repeated).
    mutating func checkKeyRules(_ entry: Entry, signatureVerified: Bool, facts: inout JournalFacts) {
        let seq = entry.seq
        if case .keyRegister(let key) = entry.payload, key.possession != nil, !key.provesPossession {
            fail(.tampered, "key", seq, "the proof of possession of key \(key.name) does not verify: the registration was altered, "
                 + "or made without the key's private half")
        }
        guard let since = facts.firstAdmin else { return }
        if entry.kind.isEvidence {
            // An adopted copy of a reviewer's field ledger counts as its mission entry is: signed there, the receipt proves it.
            if entry.signer == nil, !signedAtMission.contains(seq) {
                report.unsignedEvidence += 1
                if requireSigned {
                    fail(.tampered, "signature", seq, "an unsigned \(entry.kind.rawValue) entry: \(option: .requireSigned) requires every evidence "
                         + "entry recorded after the ledger's first admin key (entry \(since)) to be signed")
                }
            } else {
                report.signedEvidence += 1
            }
        }
        if let signer = entry.signer, signatureVerified, let registration = facts.registrations[signer],
           !registration.signs(as: entry.actor) {
            fail(.tampered, "signature", seq, "signed by \(signer) as '\(TextRules.printable(entry.actor))', an actor that key was not "
                 + "registered for (it signs as \(registration.actorList)): after the first admin key (entry \(since)) a signed "
                 + "entry's actor is its key's name or one of its actors")
        }
        switch entry.payload {
        case .keyRegister(let key):
            requireAdmin(entry, signatureVerified: signatureVerified, facts: facts, since: since, what: "registers key \(key.name)")
            if key.possession == nil {
                fail(.tampered, "key", seq, "registers key \(key.name) without a proof of possession, which every registration "
                     + "after the first admin key (entry \(since)) carries")
            }
        case .keyRevoke(let revocation):
            requireAdmin(entry, signatureVerified: signatureVerified, facts: facts, since: since, what: "revokes key \(revocation.name)")
        default:
            break
        }
    }

    /// A key change must be signed by an admin key (whose validity at this
    /// seq the signature check established).
    private mutating func requireAdmin(_ entry: Entry, signatureVerified: Bool, facts: JournalFacts, since: Int64, what: String) {
        guard signatureVerified else { return }
        let rule = "after the first admin key (entry \(since)) only an entry signed by an admin key registers or revokes keys"
        guard let signer = entry.signer else {
            fail(.tampered, "key", entry.seq, "\(what) without a signature: \(rule)")
            return
        }
        if facts.registrations[signer]?.role != .admin {
            fail(.tampered, "key", entry.seq, "\(what), signed by \(signer), which is not an admin key: \(rule)")
        }
    }

    /// Records what the journal says of its admin keys, once every entry is read.
    mutating func concludeKeyRules(_ facts: JournalFacts) {
        report.adminSince = facts.firstAdmin
        report.adminKeys = facts.registrations.values.filter { $0.role == .admin }.compactMap { key in
            facts.keys[key.name].map { AuditedKey(name: key.name, keyID: Keys.keyIDHex(name: key.name, publicKey: key.publicKey),
                                                  registered: $0.registered, revoked: $0.revoked) }
        }.sorted { $0.registered < $1.registered }
        if requireSigned, facts.firstAdmin == nil {
            fail(.unverifiable, "signature", nil, "\(option: .requireSigned): this ledger has no admin key, so nothing says whose keys "
                 + "may sign and no signature can be required\(hint: .giveAdminKey)")
        }
    }
}

/// An admin key, as the audit found it in the journal.
public struct AuditedKey: Sendable, Equatable {
    /// The key's name.
    public var name: String
    /// The C2SP key id (8 hex digits), which its public key file shows: what
    /// an auditor compares with the key they expect.
    public var keyID: String
    /// The seq of the entry that registered it.
    public var registered: Int64
    /// The seq of the entry that revoked it; nil while valid.
    public var revoked: Int64?
}
