/// An entry's fields by the names an export and an import give
/// them, for saying field by field how two versions of the same thing differ.
enum PayloadFields {
    /// The fields of a definition or an evidence entry (its id left out), as
    /// name and text; nil for other entries.
    static func fields(_ payload: Payload) -> [(name: String, value: String)]? {
        switch payload {
        case .verification(let v):
            return named(Array(ExportTable.verifications.columns.dropFirst(2).prefix(16)), RecordExport.fields(.verification(v)))
        case .breach(let b):
            return named(Array(ExportTable.breaches.columns.dropFirst(2).prefix(17)), RecordExport.fields(.breach(b)))
        case .corroboration(let c):
            return [("corroborates", "entry \(c.record)"), ("source", c.source.name), ("source_kind", c.source.kind.rawValue),
                    ("confidence", c.source.confidence.rawValue), ("evidence_sha256", c.evidence.sha256Hex ?? ""),
                    ("evidence_uri", c.evidence.uri ?? ""), ("note", c.note ?? "")]
        case .partyAdd(let p):
            return [("name", p.name), ("party_kind", p.kind?.rawValue ?? "")]
        case .agreementAdd(let a):
            return [("title", a.title), ("date", a.date?.text ?? ""), ("venue", a.venue ?? "")]
        case .commitmentAdd(let c):
            return [("agreement", c.agreement), ("party", c.party), ("commitment_kind", c.kind.rawValue),
                    ("quantity", c.targetQuantity?.description ?? ""), ("unit", c.unit ?? ""), ("due", c.due?.text ?? ""),
                    ("from", c.from?.text ?? ""), ("until", c.until?.text ?? ""), ("reciprocal", c.reciprocal ?? ""),
                    ("depends_on", c.dependsOn.joined(separator: " ")), ("text", c.text ?? "")]
        case .guaranteeAdd(let g):
            return [("guarantor", g.guarantor), ("covers", g.covers.joined(separator: " ")), ("consequence", g.consequence),
                    ("respond_within_days", String(g.respondWithinDays))]
        default:
            return nil
        }
    }

    private static func named(_ names: [String], _ cells: [Cell]) -> [(name: String, value: String)] {
        zip(names, cells).map { ($0, $1.plain) }
    }

    /// "quantity 35000 → 35001", one per field that differs, in column order;
    /// empty when the entries are of different kinds or hold the same fields.
    static func differences(from old: Payload, to new: Payload) -> [String] {
        guard old.kind == new.kind, let before = fields(old), let after = fields(new), before.count == after.count else { return [] }
        var result: [String] = []
        for (a, b) in zip(before, after) where a.value != b.value {
            result.append("\(a.name) \(shown(a.value)) → \(shown(b.value))")
        }
        return result
    }

    private static func shown(_ value: String) -> String {
        guard !value.isEmpty else { return "(empty)" }
        let printable = TextRules.printable(value, limit: 40)
        return printable.contains(" ") || printable.contains(",") ? "'\(printable)'" : printable
    }
}

/// An id recorded once with other content: what differs, and where the first one is.
public struct IDConflict: Hashable, Sendable {
    /// "id v1", "party UA".
    public var what: String
    /// The entry that holds the first one.
    public var seq: Int64
    /// "quantity 35000 → 35001", field by field.
    public var differences: [String]
    /// The id to give a correction when the first is a verification or breach.
    public var correctable: String?
    /// The id to give a retraction when the first is a corroboration.
    public var retractable: String?

    /// The message, naming where the first one is ("entry 14", "line 3 of batch.csv").
    public func phrase(at place: String, inThisImport: Bool = false) -> Phrase {
        let changes = differences.isEmpty ? "other content" : "other values: " + differences.joined(separator: ", ")
        if inThisImport {
            var text: Phrase = "\(what) already exists on \(place) with \(changes); keep the row that is right"
            if let correctable { text = text + " (once recorded, \(hint: .correctLater(correctable)))" }
            return text
        }
        // Each hint brings its own joining words ("; if the new values are right, …"): without one, the sentence stands.
        let text: Phrase = "\(what) already exists (\(place)) with \(changes)"
        if let correctable {
            return text + "\(hint: .correct(correctable)); sent again unchanged, it is harmless"
        } else if let retractable {
            return text + "; adding it again does not change it\(hint: .retractAndRecord(retractable))"
        }
        return text + "; adding it again does not change it"
    }
}
