import AccordStorage
import AccordTrust

/// Registering and revoking keys, and the rules that admin keys add
/// (docs/JOURNAL.md §4): once a ledger has an admin key, only an entry signed
/// by an admin key registers or revokes a key, every registration carries the
/// new key's proof of possession, and a signed entry's actor is its key's
/// name or one of the actors that key was registered for.
///
/// These checks stop whoever runs `accord` without an admin key. Someone who
/// can write the file with other tools can still append what they like; the
/// audit applies the same rules to the journal and names such an entry.
extension Ledger {
    /// Registers a public key under `name`; entries after this one may be
    /// signed with it. On a ledger with admin keys, refused: a registration
    /// there needs the key's proof of possession (``registerKey(_:as:)``).
    /// - Parameters:
    ///   - role: `.admin` on a ledger without admin keys registers its first one.
    ///   - actors: actor names the key may sign as, besides its own.
    /// - Throws: ``LedgerError`` `.badInput` when the name is taken or differs
    ///   from the key file's, or the ledger's admin rules refuse it.
    public func registerKey(name: String, publicKey: NoteVerifierKey, role: KeyRole = .monitor, actors: [String] = [],
                            as recorder: Recorder) throws -> Receipt {
        _ = try TextRules.identifier(name, field: .keyName)
        guard publicKey.name == name else {
            throw LedgerError.invalid(.keyName, "the key file names its key '\(publicKey.name)', not '\(name)'; register it as \(publicKey.name)")
        }
        let registration = try KeyRegistration(name: name, publicKey: publicKey.publicKeyBytes, role: role, actors: actors).validated()
        return try record(recorder) { session in
            try session.refuseLocalKeyOperation()
            return try session.register(registration, firstAdmin: false)
        }
    }

    /// Registers the key a request names, with its role, actors and proof of
    /// possession.
    /// - Throws: ``LedgerError`` `.badInput` when the name is taken or the
    ///   ledger's admin rules refuse it.
    public func registerKey(_ request: KeyRequest, as recorder: Recorder) throws -> Receipt {
        try record(recorder) { session in
            try session.refuseLocalKeyOperation()
            return try session.register(request.registration, firstAdmin: false)
        }
    }

    /// Registers the ledger's first admin key (from its public key file, or
    /// from a request with role admin). From this entry on, keys are
    /// registered and revoked only by entries an admin key signs.
    /// - Throws: ``LedgerError`` `.badInput` when the ledger already has an
    ///   admin key (revoked or not), or the name is taken.
    public func registerFirstAdminKey(_ key: NoteVerifierKey, as recorder: Recorder) throws -> Receipt {
        let registration = try KeyRegistration(name: key.name, publicKey: key.publicKeyBytes, role: .admin).validated()
        return try record(recorder) { session in
            try session.refuseLocalKeyOperation()
            return try session.register(registration, firstAdmin: true)
        }
    }

    /// As ``registerFirstAdminKey(_:as:)``, from a request (which must ask for the admin role).
    public func registerFirstAdminKey(_ request: KeyRequest, as recorder: Recorder) throws -> Receipt {
        guard request.registration.role == .admin else {
            throw LedgerError.invalid(.role, "the request is for a \(request.registration.role.rawValue) key", hint: .requestAdminRole)
        }
        return try record(recorder) { session in
            try session.refuseLocalKeyOperation()
            return try session.register(request.registration, firstAdmin: true)
        }
    }

    /// Revokes a key: entries after this one may not be signed with it.
    /// - Throws: ``LedgerError`` `.badInput` for an unknown or revoked key, a
    ///   revocation no admin key signs on a ledger with admin keys, or the
    ///   last admin key.
    public func revokeKey(name: String, reason: String?, as recorder: Recorder) throws -> Receipt {
        let reason = try TextRules.optionalText(reason, field: .reason)
        return try record(recorder) { session in
            try session.refuseLocalKeyOperation()
            try session.checkSignerOnce()
            let admins = try session.adminKeys()
            if !admins.isEmpty { try session.requireAdminSigner(admins, to: "revoke a key") }
            var revoked: Int64?
            var known = false
            try session.db.forEach("SELECT revoked_seq FROM keys WHERE name = ?", [name]) { row in
                known = true
                revoked = row.optionalInt64(0)
            }
            guard known else { throw LedgerError.notFound(.key, name, "no key named '\(TextRules.printable(name))' is registered") }
            if let revoked { throw LedgerError.conflict(revoked, "key \(name) was already revoked by entry \(revoked)") }
            let valid = admins.filter { $0.revoked == nil }
            if valid.count == 1, valid[0].name == name {
                throw LedgerError(.conflict(.state), "key \(name) is this ledger's last admin key: revoked, nobody could register "
                                  + "or revoke keys again", hint: .registerAnotherAdmin)
            }
            return try session.append(.keyRevoke(KeyRevocation(name: name, reason: reason)))
        }
    }
}

/// An admin key as the `keys` table holds it.
struct AdminKey {
    var name: String
    var registered: Int64
    var revoked: Int64?
}

extension Session {
    /// Refuses a signer whose key is not registered, is revoked, or does not
    /// match the registered public key; and, once the ledger has an admin
    /// key, an actor that the signing key was not registered for.
    func checkSigner() throws {
        guard let signer = recorder.signer else { return }
        let seq = try Keys.requireRegistered(signer.keyName, publicKey: signer.verifyingKey, in: db,
                                             prefix: "\(option: .signWith): ", purpose: "sign entries")
        guard try hasAdminKeys() else { return }
        guard let entry = try entry(seq), case .keyRegister(let registration) = entry.payload, registration.name == signer.keyName else {
            throw LedgerError(.tampered, "the entry that registered key \(signer.keyName) (\(seq)) is not a registration of it; "
                              + "nothing was written", hint: .audit)
        }
        guard registration.signs(as: recorder.actor) else {
            throw LedgerError(.forbidden, "\(option: .actor) \(TextRules.printable(recorder.actor)): key \(registration.name) signs "
                              + "only as \(registration.actorList); on a ledger with admin keys a signed entry's actor is its key's "
                              + "name or an actor the key was registered for (leave out \(option: .actor) to record as "
                              + "\(registration.name))")
        }
    }

    /// Refuses to register or revoke a key in a field ledger: its keys are
    /// the mission's, adopted with the definitions, and it takes the
    /// mission's word from their admin keys — one registered here would
    /// vouch for anything.
    func refuseLocalKeyOperation() throws {
        guard try isFieldLedger() else { return }
        throw LedgerError(.forbidden, "this is a field ledger: its keys are the mission ledger's, adopted when it was cloned or "
                          + "pulled; register or revoke the key on the mission ledger, then pull; nothing was written")
    }

    /// Refuses a definition (a party, agreement, commitment or guarantee, an
    /// amendment, a withdrawal), an invocation or a token made in a field
    /// ledger: its definitions are the mission's, adopted when it was cloned
    /// or pulled, and a push carries only records and what refers to them
    /// (``Session/pushableKinds``), so one made here would never reach the
    /// mission, and evidence about it would be refused there.
    /// - Parameters:
    ///   - what: what to do on the mission ledger instead ("add the party").
    ///   - thenPull: whether a pull then brings it here (a definition does, a token does not).
    func refuseLocalDefinition(_ what: String, thenPull: Bool = true) throws {
        guard try isFieldLedger() else { return }
        throw LedgerError(.forbidden, "this is a field ledger: a push carries only its records and what refers to them, and its "
                          + "definitions are the mission ledger's, adopted when it was cloned or pulled; \(what) on the mission "
                          + "ledger\(thenPull ? ", then pull" : "")" + "; nothing was written")
    }

    /// Whether any admin key was ever registered (revoked ones count: the
    /// rules hold from the first one on).
    func hasAdminKeys() throws -> Bool {
        try db.scalarInt("SELECT EXISTS (SELECT 1 FROM keys WHERE role = 'admin')") == 1
    }

    /// The admin keys, in the order they were registered, revoked ones included.
    func adminKeys() throws -> [AdminKey] {
        var keys: [AdminKey] = []
        try db.forEach("SELECT name, registered_seq, revoked_seq FROM keys WHERE role = 'admin' ORDER BY registered_seq") { row in
            keys.append(AdminKey(name: row.text(0), registered: row.int64(1), revoked: row.optionalInt64(2)))
        }
        return keys
    }

    /// Refuses a recorder that does not sign with one of `admins` (the key
    /// itself was checked by ``checkSignerOnce()``).
    func requireAdminSigner(_ admins: [AdminKey], to what: String) throws {
        let names = admins.filter { $0.revoked == nil }.map(\.name).joined(separator: ", ")
        guard let signer = recorder.signer else {
            throw LedgerError(.forbidden, "this ledger has admin keys (\(names)): to \(what), sign the entry with one "
                              + "(\(option: .signWith) ADMIN.key); nothing was written")
        }
        guard admins.contains(where: { $0.name == signer.keyName && $0.revoked == nil }) else {
            throw LedgerError(.forbidden, "\(option: .signWith): key \(signer.keyName) is not an admin key of this ledger; to "
                              + "\(what), sign with an admin key (\(names)); nothing was written")
        }
    }

    /// Appends a key registration under the admin rules: with `firstAdmin`,
    /// only while the ledger has no admin key; otherwise, once it has one,
    /// signed by an admin key and carrying the key's proof of possession.
    func register(_ registration: KeyRegistration, firstAdmin: Bool) throws -> Recorded {
        try checkSignerOnce()
        let admins = try adminKeys()
        if firstAdmin, let first = admins.first {
            throw LedgerError.conflict(first.registered, "this ledger already has an admin key (\(first.name), entry "
                                       + "\(first.registered))", hint: .adminRegistersAdmin)
        }
        if !admins.isEmpty {
            try requireAdminSigner(admins, to: "register a key")
            guard registration.possession != nil else {
                throw LedgerError.invalid(.keyRequest, "this ledger has admin keys, so a registration carries the new key's proof "
                                          + "of possession", hint: .proveKeyPossession)
            }
        }
        let name = registration.name
        var existing: (seq: Int64, key: [UInt8], revoked: Int64?)?
        try db.forEach("SELECT registered_seq, public_key, revoked_seq FROM keys WHERE name = ?", [name]) { row in
            existing = (row.int64(0), row.blob(1), row.optionalInt64(2))
        }
        guard let existing else { return try append(.keyRegister(registration)) }
        // Key names are unique for the life of the ledger (docs/JOURNAL.md §4).
        if let revoked = existing.revoked {
            throw LedgerError.conflict(revoked, "key \(name) was revoked by entry \(revoked) and key names are never reused; "
                                       + "generate a new key under another name")
        }
        guard existing.key == registration.publicKey else {
            throw LedgerError.conflict(existing.seq, "the name \(name) is already registered (entry \(existing.seq)) for another public key; "
                                       + "key names are never reused: register this key under another name")
        }
        guard let entry = try entry(existing.seq), case .keyRegister(let stored) = entry.payload else {
            throw LedgerError(.tampered, "key \(name) points at entry \(existing.seq), which does not register it", hint: .audit)
        }
        // The same key again: nothing to do, whatever its proof (Ed25519 signatures may differ each time).
        guard stored.role == registration.role, stored.actors == registration.actors else {
            throw LedgerError.conflict(existing.seq, "key \(name) is already registered (entry \(existing.seq)) as \(stored.role.rawValue), signing as "
                                       + "\(stored.actorList); a registration never changes: revoke it and register a new key "
                                       + "under another name")
        }
        return .alreadyPresent(seq: existing.seq)
    }
}
