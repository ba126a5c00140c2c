import AccordStorage

/// What `accord audit` concluded.
public enum AuditOutcome: String, Sendable {
    /// Every check passed.
    case verified
    /// The content disagrees with itself or with a checkpoint: tampering or a bug.
    case tampered
    /// SQLite reports damage to the file itself.
    case corrupt
    /// A signature names a key the ledger does not know.
    case unverifiable
}

/// One failed check.
public struct AuditFinding: Sendable {
    public var outcome: AuditOutcome
    /// The check that failed: integrity, index, schema, sequence, encoding, hash, chain, time,
    /// signature, key, merkle, projection, state, checkpoint.
    public var check: String
    /// The first entry concerned, when there is one.
    public var seq: Int64?
    public var detail: String

    public var json: JSON {
        .object([("outcome", .string(outcome.rawValue)), ("check", .string(check)), ("seq", JSON(seq)), ("detail", .string(detail))])
    }
}

/// The result of an audit.
public struct AuditReport: Sendable {
    public var path: String
    public var entries: Int64
    public var root: String?
    public var ledgerID: String?
    public var storedCheckpoints: Int
    public var outsideCheckpoints: Int
    /// Whether `--full` was given (the audit runs `integrity_check` either way).
    public var full: Bool
    public var findings: [AuditFinding]
    /// Entries whose recording time was set by the operator (`ACCORD_NOW`),
    /// not taken from the clock: not tampering, but not evidence of time either.
    public var overriddenClock: Int64 = 0
    /// Whether evidence recorded after the first admin key had to be signed.
    public var requireSigned = false
    /// The entry that registered the ledger's first admin key (nil: none).
    public var adminSince: Int64?
    /// The admin keys the journal registered, in order.
    public var adminKeys: [AuditedKey] = []
    /// Evidence entries recorded after the first admin key, signed and unsigned.
    public var signedEvidence: Int64 = 0
    public var unsignedEvidence: Int64 = 0

    /// The worst outcome found: corrupt, then tampered, then unverifiable.
    public var outcome: AuditOutcome {
        for outcome in [AuditOutcome.corrupt, .tampered, .unverifiable] where findings.contains(where: { $0.outcome == outcome }) {
            return outcome
        }
        return .verified
    }

    /// 0 verified, 1 tampered, 2 corrupt, 3 unverifiable.
    public var exitCode: Int32 {
        switch outcome {
        case .verified: 0
        case .tampered: 1
        case .corrupt: 2
        case .unverifiable: 3
        }
    }

    public var json: JSON {
        .object([
            ("outcome", .string(outcome.rawValue)), ("path", .string(path)), ("entries", .int(entries)),
            ("root", JSON(root)), ("ledgerId", JSON(ledgerID)), ("storedCheckpoints", .int(Int64(storedCheckpoints))),
            ("outsideCheckpoints", .int(Int64(outsideCheckpoints))), ("full", .bool(full)),
            ("firstFailure", findings.first?.json ?? .null), ("findings", .array(findings.map(\.json))),
            ("overriddenClock", .int(overriddenClock)), ("requireSigned", .bool(requireSigned)),
            ("admin", adminSince.map { since in
                .object([
                    ("since", .int(since)),
                    ("keys", .array(adminKeys.map { key in
                        .object([("name", .string(key.name)), ("keyId", .string(key.keyID)), ("registered", .int(key.registered)),
                                 ("revoked", JSON(key.revoked))])
                    })),
                    ("signedEvidence", .int(signedEvidence)), ("unsignedEvidence", .int(unsignedEvidence)),
                ])
            } ?? .null),
        ])
    }

    /// What the summary says of admin keys and signed evidence (nothing for a ledger without admin keys).
    var adminLines: [String] {
        guard let since = adminSince else { return [] }
        let names = adminKeys.map { key in
            "\(key.name) (key id \(key.keyID), entry \(key.registered)" + (key.revoked.map { ", revoked by entry \($0)" } ?? "") + ")"
        }.joined(separator: ", ")
        let evidence = signedEvidence + unsignedEvidence
        var line = "evidence after entry \(since): \(evidence) entr\(evidence == 1 ? "y" : "ies"), "
        if unsignedEvidence == 0 {
            line += evidence == 0 ? "none unsigned" : "all signed"
        } else {
            line += "\(signedEvidence) signed, \(unsignedEvidence) unsigned"
        }
        if requireSigned { line += " (--require-signed)" }
        return ["admin keys: \(names); since entry \(since) every key change is signed by an admin key with proof of possession, "
                + "and every signed entry's actor is one its key may sign as", line]
    }

    /// A few lines for people.
    public var summary: String {
        var lines: [String] = []
        switch outcome {
        case .verified:
            lines.append("verified: \(entries) entries of \(path); root \(root ?? "-")")
            lines.append("checked: integrity_check, schema, sequence, canonical encoding, leaf hashes, chain, times, signatures, Merkle tree, "
                         + "projections, state root, \(storedCheckpoints) stored and \(outsideCheckpoints) outside checkpoint(s)")
            lines += adminLines
            if overriddenClock > 0 {
                lines.append("note: \(overriddenClock) entr\(overriddenClock == 1 ? "y was" : "ies were") recorded at a time set with "
                             + "ACCORD_NOW, not by the clock (accord history shows which)")
            }
        default:
            let first = findings.first
            lines.append("\(outcome.rawValue.uppercased()): \(first.map { ($0.seq.map { "entry \($0): " } ?? "") + $0.detail } ?? "")")
            lines.append("\(findings.count) check(s) failed in \(path) (\(entries) entries read):")
            for finding in findings.prefix(20) {
                lines.append("  [\(finding.check)] " + (finding.seq.map { "entry \($0): " } ?? "") + finding.detail)
            }
            if findings.count > 20 { lines.append("  … and \(findings.count - 20) more") }
        }
        return lines.joined(separator: "\n")
    }
}
