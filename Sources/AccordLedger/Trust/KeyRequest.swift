import AccordTrust
import Crypto

extension KeyRegistration {
    /// "accord key possession v1" and a NUL: no entry (which starts with its
    /// version byte) and no claim ("accord claim v2") starts this way, so a
    /// proof of possession can never pass for a signature of either.
    static let possessionTag: [UInt8] = Array("accord key possession v1".utf8) + [0]

    /// What a proof of possession signs (docs/JOURNAL.md §4): the tag, then
    /// `str` name ‖ the 32-byte public key ‖ `u8` role code ‖ `list<str>`
    /// actors, in the canonical encoding of entries. The key's holder signs
    /// it with the new key, so a registration shows that whoever asked for it
    /// holds the private key, and which name, role and actors they asked for.
    public var possessionMessage: [UInt8] {
        var writer = CanonicalWriter(capacity: 96)
        writer.raw(KeyRegistration.possessionTag)
        writer.string(name)
        writer.raw(publicKey)
        writer.word(role)
        writer.list(actors) { $0.string($1) }
        return writer.bytes
    }

    /// Whether ``possession`` is there and is the key's own valid signature of ``possessionMessage``.
    public var provesPossession: Bool {
        guard let possession, let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(possession, for: possessionMessage)
    }

    /// Whether an entry signed by this key may carry `actor`: its name or one
    /// of its actors, compared as bytes.
    public func signs(as actor: String) -> Bool {
        let wanted = Array(actor.utf8)
        return Array(name.utf8) == wanted || actors.contains { Array($0.utf8) == wanted }
    }

    /// "mon", or "mon, ICRC" when it signs for more actors.
    var actorList: String { ([name] + actors).joined(separator: ", ") }

    /// What a receipt says was registered: "key mon registered", "admin key
    /// root registered", "key mon registered, signing also as ICRC".
    public var registeredWords: String {
        (role == .admin ? "admin key " : "key ") + "\(name) registered"
            + (actors.isEmpty ? "" : ", signing also as \(actors.joined(separator: ", "))")
    }

    /// The most actor names one key may sign for besides its own.
    static let actorLimit = 32

    /// The registration as a writer may record it: a key name that is an
    /// identifier and a valid C2SP key name (not `unsigned`, which listings
    /// print for entries without a signer), a 32-byte Ed25519 key, actors that
    /// are identifiers, distinct and not the key's name, and a proof of
    /// possession (when given) that verifies.
    /// - Throws: ``LedgerError`` `.badInput` saying what is wrong.
    func validated() throws -> KeyRegistration {
        try Keys.checkName(name)
        guard publicKey.count == 32, (try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey)) != nil else {
            throw LedgerError.invalid(.publicKeyFile, "key \(name): the public key is not a 32-byte Ed25519 key")
        }
        var seen: Set<String> = []
        for actor in actors {
            _ = try TextRules.identifier(actor, field: .signsFor)
            if actor == name {
                throw LedgerError.invalid(.signsFor, "\(option: .signsFor) \(actor): a key always signs as its own name; name other actors only")
            }
            guard seen.insert(actor).inserted else { throw LedgerError.invalid(.signsFor, "\(option: .signsFor) \(actor) is given twice") }
        }
        guard actors.count <= KeyRegistration.actorLimit else {
            throw LedgerError.invalid(.signsFor, "\(option: .signsFor) is given \(actors.count) times; a key signs for at most "
                                      + "\(KeyRegistration.actorLimit) actors")
        }
        if possession != nil, !provesPossession {
            throw LedgerError.invalid(.keyRequest, "the proof of possession of key \(name) does not verify: the request was altered "
                                      + "after it was made, or made with another key", hint: .newKeyRequest)
        }
        return self
    }
}

/// A request to register a key, made by the key's holder with the private
/// key: the key's name and public key, the role and actors asked for, and the
/// proof of possession over them. An admin registers it, signing the
/// registration with an admin key (``Ledger/registerKey(request:as:)``).
///
/// Its text is one line of five fields separated by single spaces
/// (docs/JOURNAL.md §4):
///
///     accord-key-request-v1 <name>+<key id>+<base64(0x01 ‖ key)> <role> <actors, comma-separated, or -> <base64 proof>
public struct KeyRequest: Sendable, Equatable {
    /// The first field of a request line.
    public static let tag = "accord-key-request-v1"

    /// What will be registered, with its proof of possession.
    public let registration: KeyRegistration

    /// Makes a request for `key`, signing the proof of possession with it.
    /// - Throws: ``LedgerError`` `.badInput` for a bad name or actor.
    public init(key: NoteSigningKey, role: KeyRole = .monitor, actors: [String] = []) throws {
        var registration = KeyRegistration(name: key.name, publicKey: key.verifierKey.publicKeyBytes, role: role, actors: actors)
        _ = try registration.validated()
        do {
            registration.possession = try key.signature(for: registration.possessionMessage)
        } catch {
            throw LedgerError.invalid(.keyFile, "cannot sign the request with key \(key.name): \(error)")
        }
        self.registration = try registration.validated()
    }

    /// Parses a request line (surrounding white space ignored).
    /// - Parameter source: what to call it in errors (a file name).
    /// - Throws: ``LedgerError`` `.badInput` naming what is wrong, including
    ///   a proof of possession that does not verify.
    public init(parsing text: String, source: String) throws {
        let fields = TextRules.trimmed(text).split(separator: " ", omittingEmptySubsequences: false)
        func refuse(_ why: String) -> LedgerError {
            LedgerError.invalid(.keyRequest, "\(source) is not a key request (\(KeyRequest.tag) NAME+ID+KEY ROLE ACTORS|- PROOF"
                                + "\(hint: .keyRequestFormat)): \(why)")
        }
        guard fields.count == 5, fields[0] == KeyRequest.tag else {
            throw refuse(fields.first == Substring(KeyRequest.tag)
                         ? "it has \(fields.count) fields, not 5" : "it does not start with \(KeyRequest.tag)")
        }
        let key: NoteVerifierKey
        do {
            key = try NoteVerifierKey(String(fields[1]))
        } catch {
            throw refuse("the public key is not name+id+base64 (\(error))")
        }
        guard let role = KeyRole(rawValue: String(fields[2])) else {
            throw refuse("the role '\(TextRules.printable(String(fields[2])))' is neither monitor nor admin")
        }
        let actors = fields[3] == "-" ? [] : fields[3].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard let proof = ByteEncoding.decodeBase64(fields[4]), proof.count == 64 else {
            throw refuse("the proof of possession is not the base64 of a 64-byte signature")
        }
        let registration = KeyRegistration(name: key.name, publicKey: key.publicKeyBytes, role: role, actors: actors,
                                           possession: proof)
        self.registration = try registration.validated()
    }

    /// The request as one line (no newline).
    public var text: String {
        // A validated registration holds a valid name and key.
        let key = (try? Curve25519.Signing.PublicKey(rawRepresentation: registration.publicKey))
            .flatMap { try? NoteVerifierKey(name: registration.name, publicKey: $0) }?.text ?? registration.name
        let actors = registration.actors.isEmpty ? "-" : registration.actors.joined(separator: ",")
        return [KeyRequest.tag, key, registration.role.rawValue, actors, ByteEncoding.base64(registration.possession ?? [])]
            .joined(separator: " ")
    }
}
