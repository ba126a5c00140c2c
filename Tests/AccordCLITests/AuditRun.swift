import Foundation
import Testing

/// One finding of `accord audit --format json`.
struct Finding: CustomStringConvertible {
    let outcome: String
    let check: String
    let seq: Int64?
    let detail: String
    var description: String { "[\(outcome) \(check)] \(seq.map { "entry \($0): " } ?? "")\(detail)" }
}

/// `accord audit --format json`, run as a user would, and its report.
struct AuditRun: CustomStringConvertible {
    let status: Int32
    let stderr: String
    let json: [String: Any]

    init(_ accord: AccordRunner, _ path: String, _ extra: [String] = []) throws {
        let outcome = try accord(["audit", "--db", path, "--format", "json"] + extra)
        status = outcome.status
        stderr = outcome.stderr
        json = (try? JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8))) as? [String: Any] ?? [:]
    }

    var outcome: String { json["outcome"] as? String ?? "?" }
    var entries: Int64 { (json["entries"] as? NSNumber)?.int64Value ?? -1 }
    var root: String? { json["root"] as? String }

    var findings: [Finding] {
        (json["findings"] as? [[String: Any]] ?? []).map { item in
            Finding(outcome: item["outcome"] as? String ?? "?", check: item["check"] as? String ?? "?",
                    seq: (item["seq"] as? NSNumber)?.int64Value, detail: item["detail"] as? String ?? "")
        }
    }

    var first: Finding? {
        guard let item = json["firstFailure"] as? [String: Any] else { return nil }
        return Finding(outcome: item["outcome"] as? String ?? "?", check: item["check"] as? String ?? "?",
                       seq: (item["seq"] as? NSNumber)?.int64Value, detail: item["detail"] as? String ?? "")
    }

    var description: String {
        "exit \(status), \(outcome)\(stderr.isEmpty ? "" : ", stderr: \(stderr)")\n" + findings.prefix(8).map { "  \($0)" }.joined(separator: "\n")
    }
}
