import AccordStorage
import AccordTrust

/// A row of `checkpoints`, its text columns as stored (bytes).
struct StoredCheckpoint {
    let size: Int64
    let root: [UInt8]
    let key: [UInt8]
    let note: [UInt8]
    let signedAt: [UInt8]
}

/// A checkpoint the audit was given from outside the ledger.
struct OutsideCheckpoint {
    let name: String
    let note: SignedNote
    let body: Checkpoint
}

/// What the audit learnt from reading the journal, for checking checkpoints.
struct JournalFacts {
    var ledgerID: String?
    /// Entries read.
    var size: UInt64 = 0
    /// The Merkle root at each size a checkpoint names.
    var roots: [UInt64: Hash32] = [:]
    var keys: [String: (key: [UInt8], registered: Int64, revoked: Int64?)] = [:]
    /// Each key's registration, as its entry gives it.
    var registrations: [String: KeyRegistration] = [:]
    /// The entry that registered the ledger's first admin key: the admin
    /// rules hold for every entry after it.
    var firstAdmin: Int64?
    /// The seq of each entry read, in order, and the latest time recorded up to it.
    private(set) var seqs: [Int64] = []
    private(set) var latest: [Int64] = []

    mutating func note(seq: Int64, recordedAt: Timestamp) {
        seqs.append(seq)
        latest.append(max(latest.last ?? .min, recordedAt.milliseconds))
    }

    /// The first entry within the first `size` entries recorded after `limit`,
    /// and its time; nil when there is none.
    func firstRecorded(after limit: Int64, within size: UInt64) -> (seq: Int64, at: Timestamp)? {
        // Entries are read in seq order: those a checkpoint of `size` covers come first.
        let end = partition(seqs.count) { seqs[$0] > Int64(clamping: size) }
        // `latest` never decreases, so the first entry past the limit is where it first exceeds it.
        let index = partition(end) { latest[$0] > limit }
        return index < end ? (seqs[index], Timestamp(milliseconds: latest[index])) : nil
    }

    /// The first index in 0..<count where `isAfter` holds, given it holds for every index after one where it does.
    private func partition(_ count: Int, _ isAfter: (Int) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if isAfter(middle) { high = middle } else { low = middle + 1 }
        }
        return low
    }

    var origin: String? { ledgerID.map { Ledger.origin(ledgerID: $0) } }
}

/// Checking the checkpoints the ledger stores and those brought from outside.
extension Auditor {
    mutating func checkStoredCheckpoints(_ stored: [StoredCheckpoint], facts: JournalFacts, auditTime: Timestamp) {
        for checkpoint in stored {
            let name = "the checkpoint stored for size \(checkpoint.size)"
            let note: SignedNote
            let body: Checkpoint
            do {
                note = try SignedNote(parsing: try Auditor.utf8(checkpoint.note, "its note"))
                body = try Checkpoint.parse(note.text)
            } catch {
                fail(.tampered, "checkpoint", nil, "\(name) is not a signed checkpoint (\(error))")
                continue
            }
            guard body.size == UInt64(exactly: checkpoint.size) ?? .max, body.rootHash.bytes == checkpoint.root else {
                fail(.tampered, "checkpoint", nil, "\(name): its size and root columns differ from its signed note (size \(body.size), root \(body.rootHash.hex))")
                continue
            }
            if let origin = facts.origin, !Auditor.same(body.origin, origin) {
                fail(.tampered, "checkpoint", nil, "\(name) names another log (\(TextRules.printable(body.origin, limit: 100))), not this ledger (\(origin))")
                continue
            }
            let signers = checkCheckpoint(note, body, name: name, journalSize: facts.size, roots: facts.roots, keys: facts.keys)
            // The key_name column must name, byte for byte, a key that signed the note.
            if !signers.isEmpty, !signers.contains(where: { Array($0.utf8) == checkpoint.key }) {
                fail(.tampered, "checkpoint", checkpoint.size, "\(name) is recorded as signed by "
                     + "'\(TextRules.printable(String(decoding: checkpoint.key, as: UTF8.self)))' but its note is signed by \(signers.joined(separator: ", "))")
            }
            let signedTime = signers.isEmpty ? nil : checkSignedTime(body, name: name, facts: facts, auditTime: auditTime)
            let signedAt = String(decoding: checkpoint.signedAt, as: UTF8.self)
            if let signedTime {
                // signed_at must be the time the note signs.
                if Array(signedTime.iso8601.utf8) != checkpoint.signedAt {
                    fail(.tampered, "checkpoint", checkpoint.size, "\(name) has signed_at '\(TextRules.printable(signedAt))', "
                         + "but its note is signed at \(signedTime)")
                }
            } else if (try? Moment(parsing: signedAt, field: .date))?.timestamp.iso8601.utf8.elementsEqual(checkpoint.signedAt) != true {
                // A note without a signed time: signed_at must at least be a time as Accord writes it.
                fail(.tampered, "checkpoint", checkpoint.size, "\(name) has signed_at '\(TextRules.printable(signedAt))', "
                     + "which is not a UTC time written as the ledger writes times (2025-05-23T10:00:00.000Z)")
            }
        }
    }

    mutating func checkOutsideCheckpoints(_ outside: [OutsideCheckpoint], stored: [StoredCheckpoint], facts: JournalFacts, auditTime: Timestamp) {
        for item in outside {
            if let origin = facts.origin, !Auditor.same(item.body.origin, origin) {
                // The ledger's id is the payload of entry 1: a ledger rebuilt from scratch gets a new one.
                fail(.tampered, "checkpoint", nil, "\(item.name) is a checkpoint of another log (\(TextRules.printable(item.body.origin, limit: 100))), "
                     + "not of this ledger (\(origin)): the ledger was rebuilt under a new id, or the checkpoint belongs to another ledger")
                continue
            }
            let signers = checkCheckpoint(item.note, item.body, name: item.name, journalSize: facts.size, roots: facts.roots, keys: facts.keys,
                                          trusted: trustedKeys)
            guard !signers.isEmpty else { continue }
            _ = checkSignedTime(item.body, name: item.name, facts: facts, auditTime: auditTime)
            // Accord records every checkpoint it signs before handing it out, so
            // one that this ledger's keys validly signed for its own journal but
            // that the ledger does not hold means the file lost that record: its
            // last writes were cut off (a WAL damaged at its end is replayed only
            // up to the damage), or it is an older copy.
            if keepsCheckpointRecords, facts.roots[item.body.size] == item.body.rootHash,
               !stored.contains(where: { record in
                   UInt64(exactly: record.size) == item.body.size && record.root == item.body.rootHash.bytes
                       && signers.contains { Array($0.utf8) == record.key }
               }) {
                fail(.tampered, "checkpoint", Int64(exactly: item.body.size),
                     "\(item.name) was signed by this ledger at size \(item.body.size), but the ledger holds no record of it: "
                     + "its last writes were lost, or it is an older copy of the file")
            }
        }
    }

    /// A validly signed checkpoint's `accord-time`: no later than the audit's
    /// clock, and no entry it covers recorded after it (each beyond
    /// ``clockSkew``). An entry the signer saw was recorded before the signer
    /// signed, so a later recorded time is false.
    /// - Returns: the signed time, or nil when the note has none (or a malformed one, reported).
    mutating func checkSignedTime(_ body: Checkpoint, name: String, facts: JournalFacts, auditTime: Timestamp) -> Timestamp? {
        let time: Timestamp
        do {
            guard let signed = try Ledger.signedTime(of: body) else { return nil }
            time = signed
        } catch {
            fail(.tampered, "checkpoint", Int64(exactly: body.size), "\(name) is validly signed, but \(error)")
            return nil
        }
        if time.milliseconds > auditTime.milliseconds &+ Auditor.clockSkew {
            fail(.tampered, "time", Int64(exactly: body.size), "\(name) is signed at \(time), more than 5 minutes after the time of this audit "
                 + "(\(auditTime), by the system clock): its signer's clock was wrong, or the time is false")
        }
        if let late = facts.firstRecorded(after: time.milliseconds &+ Auditor.clockSkew, within: body.size) {
            fail(.tampered, "time", late.seq, "recorded at \(late.at), more than 5 minutes after \(name) that covers it "
                 + "(size \(body.size)) was signed at \(time): the recorded time is false")
        }
        return time
    }

    /// True when two strings are the same bytes (not merely canonically equivalent).
    static func same(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

    /// Stored text as a string, refusing bytes that are not UTF-8 (which
    /// reading it as text would silently repair).
    static func utf8(_ bytes: [UInt8], _ what: String) throws -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.utf8.elementsEqual(bytes) else { throw InvalidText(what: what) }
        return text
    }

    struct InvalidText: Error, CustomStringConvertible {
        let what: String
        var description: String { "\(what) is not valid UTF-8" }
    }
}

extension Auditor {
    /// Appends `leaf` to the recomputed tree, comparing each cached Merkle node it
    /// completes with the stored one, and keeps the root at the sizes of interest.
    mutating func appendLeaf(_ frontier: inout MerkleFrontier, _ leaf: Hash32, seq: Int64, storedNodes: inout [String: [UInt8]],
                             sizes: Set<UInt64>, roots: inout [UInt64: Hash32]) throws {
        var findings: [(Int64?, String)] = []
        try frontier.append(leaf) { subtree in
            guard subtree.level >= JournalWriter.cachedLevel else { return }
            let key = "\(subtree.level)/\(subtree.index)"
            if let stored = storedNodes.removeValue(forKey: key) {
                if stored != subtree.hash.bytes {
                    findings.append((seq, "the cached Merkle node \(key) differs from the one recomputed"))
                }
            } else {
                findings.append((seq, "the cached Merkle node \(key) is missing"))
            }
        }
        for finding in findings { fail(.tampered, "merkle", finding.0, finding.1) }
        if sizes.contains(frontier.size) { roots[frontier.size] = frontier.root }
    }
}
