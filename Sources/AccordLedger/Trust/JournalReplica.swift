import AccordStorage
import AccordTrust

/// One entry of a journal export (``Ledger/exportJournal(_:)``) as read
/// back: its seq, canonical bytes and signature, and the leaf hash the
/// export states for it.
public struct ExportedEntry: Sendable {
    /// The seq the export gives it.
    public var seq: Int64
    /// The entry's canonical bytes.
    public var bytes: [UInt8]
    /// Its Ed25519 signature; nil when unsigned.
    public var signature: [UInt8]?
    /// The leaf hash the export states; checked against the bytes.
    public var leafHash: Hash32?

    /// An exported entry.
    public init(seq: Int64, bytes: [UInt8], signature: [UInt8]?, leafHash: Hash32?) {
        self.seq = seq
        self.bytes = bytes
        self.signature = signature
        self.leafHash = leafHash
    }
}

/// A ledger rebuilt from a journal export alone, in a scratch file that is
/// removed with it: every entry copied byte for byte (each decoding
/// canonically, numbered in order, chained to the one before, its stated
/// leaf hash that of its bytes) and every projection derived again from
/// them. ``Audit/run(path:full:checkpoints:trustedKeys:requireSigned:settings:)``
/// on ``path`` then checks what the journal alone can prove: signatures, key
/// rules, times, the Merkle tree, the state roots the entries carry, and
/// checkpoints against that tree. The storage of the ledger the export came
/// from is not seen.
public final class JournalReplica {
    private let scratch: ScratchLedger

    /// The scratch file, for the audit.
    public var path: String { scratch.path }

    /// Rebuilds a ledger from `entries`, in order, in a scratch file in `settings.scratchDirectory`.
    /// - Throws: ``ReplayFailure`` for the first entry that does not check;
    ///   ``LedgerError`` `.io` when no scratch file can be made.
    public init(entries: some Sequence<ExportedEntry>, settings: LedgerSettings = LedgerSettings()) throws {
        scratch = try ScratchLedger(directory: settings.scratchDirectory)
        try LedgerError.translating {
            try scratch.database.write { db in
                let writer = try JournalWriter(db: db, rebuilding: true)
                var expected: Int64 = 1
                for exported in entries {
                    guard exported.seq == expected else {
                        throw JournalReplica.tampered(exported.seq, "the export gives it where entry \(expected) should come")
                    }
                    let entry: Entry
                    do {
                        entry = try Entry.decodeCanonical(exported.bytes)
                    } catch {
                        throw JournalReplica.tampered(exported.seq, "it cannot be decoded (\(error))")
                    }
                    guard entry.seq == exported.seq else {
                        throw JournalReplica.tampered(exported.seq, "its bytes say it is entry \(entry.seq)")
                    }
                    if let stated = exported.leafHash, stated != Merkle.leafHash(exported.bytes) {
                        throw JournalReplica.tampered(exported.seq, "the stated leaf hash "
                                                      + "\(stated.hex.prefix(16))… is not that of its bytes")
                    }
                    do {
                        try writer.appendVerbatim(entry, bytes: exported.bytes, signature: exported.signature)
                    } catch let error as LedgerError {
                        throw ReplayFailure(seq: exported.seq, phrase: error.phrase)
                    }
                    expected += 1
                }
                try writer.finish()
            }
        }
    }

    private static func tampered(_ seq: Int64, _ message: String) -> ReplayFailure {
        ReplayFailure(seq: seq, phrase: Phrase(verbatim: message))
    }
}

/// The first entry of a journal export that does not check, and why: the
/// export is not a journal this engine would have written.
public struct ReplayFailure: Error, Sendable {
    /// The entry's seq (as the export gives it).
    public var seq: Int64
    /// What is wrong with it.
    public var phrase: Phrase

    /// Entry `seq` does not check, for the reason `phrase` gives.
    public init(seq: Int64, phrase: Phrase) {
        self.seq = seq
        self.phrase = phrase
    }
}
