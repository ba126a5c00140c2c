import AccordStorage
import AccordTrust

/// A signed checkpoint, as recorded.
public struct SignedCheckpoint: Sendable {
    /// The tree size it commits to.
    public var size: Int64
    /// The Merkle root at that size.
    public var root: Hash32
    /// The C2SP signed note (checkpoint body and signature lines).
    public var note: String
}

extension Ledger {
    /// The checkpoint origin line of a ledger: `accord/<ledger id>`.
    static func origin(ledgerID: String) -> String { "accord/\(ledgerID)" }

    /// The C2SP extension line that signs the time a checkpoint was made:
    /// `accord-time YYYY-MM-DDTHH:MM:SS.sssZ` (the form of `recorded_at`).
    /// Verifiers that do not know it ignore it (extension lines are opaque).
    static func timeLine(_ time: Timestamp) -> String { timeLinePrefix + time.iso8601 }
    static let timeLinePrefix = "accord-time "

    /// Why a checkpoint's `accord-time` line cannot be read.
    struct MalformedTime: Error, CustomStringConvertible {
        let description: String
    }

    /// The time a checkpoint's `accord-time` extension line signs, or nil when
    /// it has none (checkpoints signed before the line existed, or by other tools).
    /// - Throws: ``MalformedTime`` when the line is there twice, or is not a
    ///   time exactly as Accord writes it.
    static func signedTime(of checkpoint: Checkpoint) throws -> Timestamp? {
        let lines = checkpoint.extensions.filter { $0.utf8.starts(with: timeLinePrefix.utf8) }
        guard let line = lines.first else { return nil }
        guard lines.count == 1 else { throw MalformedTime(description: "it has \(lines.count) accord-time lines") }
        let text = String(decoding: line.utf8.dropFirst(timeLinePrefix.utf8.count), as: UTF8.self)
        guard let moment = try? Moment(parsing: text, field: .date), Array(moment.timestamp.iso8601.utf8) == Array(text.utf8) else {
            throw MalformedTime(description: "its accord-time line '\(TextRules.printable(text))' is not a UTC time written as the ledger writes times (2025-05-23T10:00:00.000Z)")
        }
        return moment.timestamp
    }

    /// Signs a checkpoint of the whole journal (its size and Merkle root, and
    /// the time, in an `accord-time` extension line) with a registered key,
    /// records it, and returns the signed note.
    ///
    /// Refuses a key that is not registered (or revoked), and refuses to sign a
    /// root different from one already signed for the same size.
    /// - Throws: ``LedgerError``.
    public func checkpoint(signingWith key: NoteSigningKey) throws -> SignedCheckpoint {
        let now = try settings.clock.now()
        return try LedgerError.translating {
            try database.write { db in
                try Ledger.requireUnalteredSchema(db)
                try Keys.requireRegistered(key.name, publicKey: key.verifierKey.publicKeyBytes, in: db,
                                           prefix: "", purpose: "sign checkpoints")
                // Signed only once the root is recomputed from the journal's leaf hashes
                // (and cached subtrees) and the state the last entry vouches for checks.
                let stamp: LedgerStamp
                do {
                    stamp = try LedgerView(head: db).stamp()
                } catch let error as LedgerError where error.kind == .tampered {
                    throw LedgerError(.tampered, "nothing was signed: \(error)")
                }
                guard let root = Hash32(hex: stamp.root) else {
                    throw LedgerError(.tampered, "the ledger's Merkle root cannot be read", hint: .audit)
                }
                var earlier: [UInt8]?
                try db.forEach("SELECT root FROM checkpoints WHERE size = ? LIMIT 1", [stamp.seq]) { row in earlier = row.blob(0) }
                if let earlier, earlier != root.bytes {
                    throw LedgerError(.tampered, "a checkpoint of size \(stamp.seq) was already signed with root \(hexString(earlier)), "
                                      + "but the journal now gives \(root.hex): history was rewritten", hint: .audit)
                }
                let body: Checkpoint
                do {
                    body = try Checkpoint(origin: Ledger.origin(ledgerID: stamp.ledgerID), size: UInt64(stamp.seq), rootHash: root,
                                          extensions: [Ledger.timeLine(now)])
                } catch {
                    throw LedgerError(.failure, "cannot form a checkpoint: \(error)")
                }
                let note = try SignedNote.sign(body.format(), with: [key]).formatted
                try db.run("INSERT OR IGNORE INTO checkpoints (size, root, key_name, note, signed_at) VALUES (?, ?, ?, ?, ?)",
                           stamp.seq, root.bytes, key.name, note, now.iso8601)
                var stored = note
                try db.forEach("SELECT note FROM checkpoints WHERE size = ? AND key_name = ?", [stamp.seq, key.name]) { row in
                    stored = row.text(0)
                }
                return SignedCheckpoint(size: stamp.seq, root: root, note: stored)
            }
        }
    }
}
