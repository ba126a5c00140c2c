import AccordLedger

/// The audit's report in a few lines for people (the JSON form is the engine's).
extension AuditReport {
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
    func summary(_ phrasing: some Phrasing) -> String {
        var lines: [String] = []
        switch outcome {
        case .verified:
            lines.append("verified: \(entries) entries of \(path); root \(root ?? "-")")
            lines.append("checked: integrity_check, schema, sequence, canonical encoding, leaf hashes, chain, times, signatures, Merkle tree, "
                         + "projections, state root, \(storedCheckpoints) stored and \(outsideCheckpoints) outside checkpoint(s)")
            lines += adminLines
            if let field = fieldAnswers {
                lines.append("field ledger of mission \(field.mission): \(field.receipts) receipt\(field.receipts == 1 ? "" : "s") and "
                             + "\(field.refusals) refusal\(field.refusals == 1 ? "" : "s") verified against mission admin keys, "
                             + "\(field.checkpoints) kept checkpoint\(field.checkpoints == 1 ? "" : "s") of this ledger's own"
                             + (field.adopted.map { ", \($0) adopted cop\($0 == 1 ? "y" : "ies") of the mission's evidence" } ?? ""))
            }
            if overriddenClock > 0 {
                lines.append("note: \(overriddenClock) entr\(overriddenClock == 1 ? "y was" : "ies were") recorded at a time set with "
                             + "ACCORD_NOW, not by the clock (accord history shows which)")
            }
        default:
            let first = findings.first
            lines.append("\(outcome.rawValue.uppercased()): \(first.map { ($0.seq.map { "entry \($0): " } ?? "") + $0.detail(phrasing) } ?? "")")
            lines.append("\(findings.count) check(s) failed in \(path) (\(entries) entries read):")
            for finding in findings.prefix(20) {
                lines.append("  [\(finding.check)] " + (finding.seq.map { "entry \($0): " } ?? "") + finding.detail(phrasing))
            }
            if findings.count > 20 { lines.append("  … and \(findings.count - 20) more") }
        }
        return lines.joined(separator: "\n")
    }
}
