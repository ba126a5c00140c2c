import AccordStorage
import AccordTrust
import Crypto
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Field ledgers: cloned from a mission ledger, working offline, pushing
/// their monitors' evidence back (docs/JOURNAL.md §8).
extension Ledger {
    /// The kinds of entry a definitions bundle carries: what a field ledger
    /// needs to check and judge evidence.
    static let definitionKinds: [EntryKind] = [
        .partyAdd, .agreementAdd, .commitmentAdd, .commitmentWithdraw, .guaranteeAdd, .guaranteeInvoke, .amendment,
        .keyRegister, .keyRevoke,
    ]

    /// Mission side: the definitions (parties, agreements, commitments and
    /// their amendments and withdrawals, guarantees and their invocations,
    /// keys) recorded after mission seq `after`, as a definitions bundle
    /// (JSON bytes) a field ledger adopts (``clone(at:definitions:remote:as:settings:)``,
    /// ``adoptDefinitions(_:as:)``): each entry's bytes and signature, as recorded.
    /// - Throws: ``LedgerError``.
    public func definitionsBundle(after: Int64 = 0) throws -> [UInt8] {
        guard after >= 0 else { throw LedgerError.invalid(.entry, "after \(after): a seq is 0 or more") }
        return try LedgerError.translating {
            try database.read { db in
                guard case .ledgerCreate(let created)? = try Ledger.entry(1, in: db)?.payload else {
                    throw LedgerError(.tampered, "entry 1 is not the ledger's creation", hint: .audit)
                }
                let size = try db.scalarInt("SELECT max(seq) FROM journal") ?? 0
                let kinds = Ledger.definitionKinds.map { String($0.code) }.joined(separator: ", ")
                var items: [JSON] = []
                try db.forEach("SELECT seq, entry, signature FROM journal WHERE seq > ? AND kind_code IN (\(kinds)) ORDER BY seq",
                               [after]) { row in
                    let bytes = row.blob(1)
                    // The kind column is only an index: the entry's own bytes decide.
                    guard let entry = try? Entry.decodeCanonical(bytes), entry.seq == row.int64(0),
                          Ledger.definitionKinds.contains(entry.kind) else {
                        throw LedgerError(.tampered, "journal entry \(row.int64(0)) does not decode as the definition its kind column says",
                                          hint: .audit)
                    }
                    items.append(.object([("seq", .int(entry.seq)), ("entry", .string(ByteEncoding.base64(bytes))),
                                          ("signature", row.optionalBlob(2).map { .string(ByteEncoding.base64($0)) } ?? .null)]))
                }
                let document = JSON.object([
                    ("accord", .string(BundleDocument.definitionsKind)), ("version", .int(1)),
                    ("mission", .string(created.ledgerID)), ("size", .int(size)), ("after", .int(after)), ("entries", .array(items)),
                ])
                return Array((document.serialized(pretty: true) + "\n").utf8)
            }
        }
    }

    /// Field side: creates a field ledger at `path` from a definitions bundle:
    /// a new ledger (its own id) whose first entries are the mission's
    /// definitions, each with its actor, signer and signature as recorded.
    /// `remote`: the server it came from (kept; never a token).
    /// - Throws: ``LedgerError``: `.invalid` naming the entry for a bad
    ///   bundle, `.conflict` when `path` is already a ledger. Nothing is left
    ///   at `path` when it fails.
    public static func clone(at path: String, definitions: [UInt8], remote: String?, as recorder: Recorder,
                             settings: LedgerSettings = LedgerSettings()) throws -> (ledger: Ledger, outcome: AdoptionOutcome) {
        let bundle = try DefinitionsBundle(parsing: definitions)
        let (ledger, created) = try create(at: path, as: recorder, settings: settings)
        guard created else {
            throw LedgerError(.conflict(.state), "\(path) is already a ledger; clone into a new file")
        }
        do {
            let outcome = try ledger.transact(recorder) { session in
                try session.db.run("INSERT INTO field_origin (id, mission_id, mission_seq, remote) VALUES (1, ?, 0, ?)",
                                   bundle.mission, remote)
                session.knownField = true
                return try session.adopt(bundle, after: 0)
            }
            return (ledger, outcome)
        } catch {
            for suffix in ["", "-wal", "-shm", "-journal"] { unlink(path + suffix) }
            throw error
        }
    }

    /// Field side: adopts the definitions of a bundle (a pull): those after
    /// the mission seq this field ledger is as of; the rest are skipped.
    /// - Throws: ``LedgerError``; nothing is written on a refusal.
    public func adoptDefinitions(_ bundle: [UInt8], as recorder: Recorder) throws -> AdoptionOutcome {
        let bundle = try DefinitionsBundle(parsing: bundle)
        return try transact(recorder) { session in
            guard let origin = try Ledger.fieldOrigin(session.db) else { throw Ledger.notAField }
            guard bundle.mission == origin.missionID else {
                throw LedgerError.invalid(nil, "the bundle holds the definitions of mission ledger \(bundle.mission); this field ledger "
                                          + "was cloned from \(origin.missionID)")
            }
            return try session.adopt(bundle, after: origin.missionSeq)
        }
    }

    /// Field side: where this field ledger came from, or nil for a ledger that is not a field ledger.
    /// - Throws: ``LedgerError``.
    public func fieldOrigin() throws -> FieldOrigin? {
        try LedgerError.translating { try database.read { try Ledger.fieldOrigin($0) } }
    }

    static func fieldOrigin(_ db: Database) throws -> FieldOrigin? {
        var origin: FieldOrigin?
        try db.forEach("SELECT mission_id, mission_seq, remote FROM field_origin WHERE id = 1") { row in
            origin = FieldOrigin(missionID: row.text(0), missionSeq: row.int64(1), remote: row.isNull(2) ? nil : row.text(2))
        }
        return origin
    }

    static let notAField = LedgerError.invalid(nil, "this ledger is not a field ledger: it was not cloned from a mission ledger")
}

/// A definitions bundle as read: each entry decoded and checked to be a definition.
struct DefinitionsBundle {
    var mission: String
    var size: Int64
    var entries: [(entry: Entry, signature: [UInt8]?, pointer: String)]

    init(parsing bytes: [UInt8]) throws {
        let reader = try DocumentReader(parsing: bytes, kind: BundleDocument.definitionsKind, what: "the definitions bundle")
        mission = try reader.string("mission")
        size = try reader.int("size")
        entries = []
        var last: Int64 = 0
        for item in try reader.items("entries") {
            let seq = try item.int("seq")
            let entry: Entry
            do {
                entry = try Entry.decodeCanonical(try item.bytes("entry"))
            } catch let error as LedgerError {
                throw error
            } catch {
                throw item.refuse("the entry does not decode (\(error))", at: "entry")
            }
            guard entry.seq == seq, seq > last, seq <= size else {
                throw item.refuse("the entry is entry \(entry.seq), not the next definition up to \(size) after \(last)", at: "seq")
            }
            guard Ledger.definitionKinds.contains(entry.kind) else {
                throw item.refuse("a \(entry.kind.rawValue) entry is not a definition", at: "entry")
            }
            last = seq
            entries.append((entry, try item.optionalBytes("signature"), item.pointer))
        }
    }
}

extension Session {
    /// Records each definition of `bundle` after mission seq `after` as its
    /// own entry — the same actor and payload; the same signer and
    /// signature when its claim does not depend on where it is recorded
    /// (version 2 and later) — and moves the field ledger's mission seq on.
    func adopt(_ bundle: DefinitionsBundle, after: Int64) throws -> AdoptionOutcome {
        let own = recorder
        defer { record(as: own) }
        var adopted = 0
        for (entry, signature, pointer) in bundle.entries where entry.seq > after {
            var adopter = Recorder(actor: entry.actor)
            if entry.version >= 2 {
                adopter.presentedClaim = entry.signedBytes()
                if let name = entry.signer {
                    var key: [UInt8]?
                    try db.forEach("SELECT public_key FROM keys WHERE name = ?", [name]) { key = $0.blob(0) }
                    guard let signature, let key else {
                        throw LedgerError.invalid(nil, "the definitions bundle, at \(pointer): entry \(entry.seq) is signed by key \(name), "
                                                  + "which the bundle did not register before it, or its signature is missing")
                    }
                    adopter.signer = ClaimSignature(keyName: name, publicKey: key, signature: signature)
                }
            }
            record(as: adopter)
            do {
                _ = try append(entry.payload)
            } catch let error as LedgerError {
                throw LedgerError(error.kind, "the definitions bundle, at \(pointer): mission entry \(entry.seq) cannot be adopted: "
                                  + "\(error.message)")
            }
            adopted += 1
        }
        let seq = max(after, bundle.size)
        try db.run("UPDATE field_origin SET mission_seq = ? WHERE id = 1", seq)
        return AdoptionOutcome(adopted: adopted, missionSeq: seq)
    }
}
