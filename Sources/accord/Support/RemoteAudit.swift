import AccordCSV
import AccordLedger
import AccordTrust

/// `accord audit --remote URL`: the server's journal (`GET /v1/journal`)
/// and checkpoint (`GET /v1/checkpoint`, asked first, so the journal
/// read after it holds at least its entries), audited here. The journal is
/// rebuilt into a scratch ledger from the exported bytes alone
/// (``JournalReplica``) and that ledger audited as a file is: chain,
/// canonical encoding, leaf hashes, times, signatures and key rules, Merkle
/// tree, the state roots the entries carry. The server's checkpoint must
/// name a root of that tree: a signed one is checked as an outside
/// checkpoint (its signature by a key the journal registered or
/// --trusted-key), an unsigned one (a server without --checkpoint-key)
/// against the root of its tree size. What the server's file holds beside
/// its journal is not seen.
enum RemoteAudit {
    static func run(_ server: RemoteLedger, checkpoints given: [(name: String, text: String)], trustedKeys: [NoteVerifierKey],
                    full: Bool, requireSigned: Bool, settings: LedgerSettings) throws -> (AuditReport, [String]) {
        let checkpoint = try RemoteLedger.document(try server.get("/v1/checkpoint"), what: "the checkpoint")
        guard case .number(let sizeText)? = checkpoint["treeSize"], let treeSize = Int64(sizeText),
              case .string(let rootHex)? = checkpoint["root"], let root = Hash32(hex: rootHex) else {
            throw RemoteLedger.notTheAPI(server.base, "its checkpoint lacks treeSize or root")
        }
        var note: String?
        if case .string(let text)? = checkpoint["note"] { note = text }
        let journal = try server.get("/v1/journal")
        let source = "the journal of \(server.base)"
        var report = AuditReport(path: source, entries: 0, root: nil, ledgerID: nil, storedCheckpoints: 0,
                                 outsideCheckpoints: given.count + (note == nil ? 0 : 1), full: full, findings: [])
        report.requireSigned = requireSigned
        let entries: [ExportedEntry]
        do {
            entries = try parse(journal)
        } catch let failure as ReplayFailure {
            report.findings.append(AuditFinding(outcome: .tampered, check: "journal", seq: failure.seq, phrase: failure.phrase))
            return (report, [])
        }
        let replica: JournalReplica
        do {
            replica = try JournalReplica(entries: entries, settings: settings)
        } catch let failure as ReplayFailure {
            report.entries = Int64(entries.count)
            report.findings.append(AuditFinding(outcome: .tampered, check: "journal", seq: failure.seq, phrase: failure.phrase))
            return (report, [])
        }
        let outside = given + (note.map { [("the checkpoint of \(server.base)", $0)] } ?? [])
        report = try Audit.run(replica, full: full, checkpoints: outside, trustedKeys: trustedKeys,
                               requireSigned: requireSigned, settings: settings)
        report.path = source
        // The checkpoint's tree head, signed or not, must be the journal's at its size.
        var line = "server checkpoint: tree size \(treeSize), root \(root.hex.prefix(16))…, "
            + (note == nil ? "unsigned (the server has no --checkpoint-key)" : "signed (checked as an outside checkpoint)")
        if treeSize < 1 || treeSize > report.entries {
            report.findings.append(AuditFinding(outcome: .tampered, check: "checkpoint", seq: nil, phrase: Phrase(verbatim:
                "the server's checkpoint is of \(treeSize) entries; its journal, read after it, has \(report.entries)")))
        } else {
            let head = try Ledger.open(at: replica.path, readOnly: true).consistencyProof(oldSize: treeSize).oldRoot
            if head == root {
                line += "; the journal's root at that size is the same"
            } else {
                report.findings.append(AuditFinding(outcome: .tampered, check: "checkpoint", seq: nil, phrase: Phrase(verbatim:
                    "the server's checkpoint gives root \(root.hex.prefix(16))… at tree size \(treeSize), its journal "
                    + "\(head.hex.prefix(16))…")))
            }
        }
        return (report, [line, "the journal was rebuilt here from the server's export: integrity_check and schema are of that "
                         + "rebuilt copy; the server's own file is not seen"])
    }

    /// The journal export's NDJSON lines as entries.
    /// - Throws: ``ReplayFailure`` for a line that is not an exported entry.
    static func parse(_ bytes: [UInt8]) throws -> [ExportedEntry] {
        var entries: [ExportedEntry] = []
        var line = 0
        for text in bytes.split(separator: 10, omittingEmptySubsequences: true) {
            line += 1
            let expected = Int64(entries.count + 1)
            func refuse(_ why: String) -> ReplayFailure {
                ReplayFailure(seq: expected, phrase: Phrase(verbatim: "line \(line) of the journal export: \(why)"))
            }
            guard let document = try? JSONDocument.parse(Array(text)) else { throw refuse("not JSON") }
            guard case .number(let seqText)? = document["seq"], let seq = Int64(seqText) else { throw refuse("no seq") }
            guard case .string(let encoded)? = document["bytes"], let entryBytes = ByteEncoding.decodeBase64(encoded) else {
                throw refuse("no base64 bytes")
            }
            var signature: [UInt8]?
            switch document["signature"] {
            case .string(let text)?:
                guard let decoded = ByteEncoding.decodeBase64(text) else { throw refuse("the signature is not base64") }
                signature = decoded
            case .null?, nil: signature = nil
            default: throw refuse("the signature is not base64")
            }
            var leaf: Hash32?
            if case .string(let hex)? = document["leafHash"] {
                guard let hash = Hash32(hex: hex) else { throw refuse("the leaf hash is not 64 hexadecimal digits") }
                leaf = hash
            }
            entries.append(ExportedEntry(seq: seq, bytes: entryBytes, signature: signature, leafHash: leaf))
        }
        return entries
    }
}
