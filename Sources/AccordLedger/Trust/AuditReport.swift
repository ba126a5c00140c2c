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
    /// signature, merkle, projection, checkpoint.
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
            ("overriddenClock", .int(overriddenClock)),
        ])
    }

    /// A few lines for people.
    public var summary: String {
        var lines: [String] = []
        switch outcome {
        case .verified:
            lines.append("verified: \(entries) entries of \(path); root \(root ?? "-")")
            lines.append("checked: integrity_check, schema, sequence, canonical encoding, leaf hashes, chain, times, signatures, Merkle tree, "
                         + "projections, state root, \(storedCheckpoints) stored and \(outsideCheckpoints) outside checkpoint(s)")
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
