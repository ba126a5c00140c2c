/// The columns of an import file (CSV header names, JSONL keys).
///
/// They are named after the fields (``Field``) of the operations they
/// become (a verification, a breach, a party …). The read-only
/// columns are those an export adds (where a row came from, its status);
/// an import accepts and ignores them, so an export imports back.
package enum ImportColumn: Int, CaseIterable, Hashable, Sendable {
    case kind, id
    case commitment, quantity, outcome, observed, precision, source, sourceKind, confidence, party, severity
    case description, evidenceSHA256, evidenceURI, note, place, lat, lon, geoPrecision, corroborates
    case name, partyKind, title, date, venue, agreement, unit, commitmentKind, due, from, until, reciprocal
    case dependsOn, text, guarantor, covers, consequence, respondWithinDays, observedAt, decimals
    // Read-only: written by an export, ignored by an import.
    case record, seq, status, effectiveConfidence, sources, recordedAt, signer, dispute, withdrawn, invoked, error

    static let count = allCases.count

    /// The header name.
    var name: String {
        switch self {
        case .sourceKind: "source_kind"
        case .evidenceSHA256: "evidence_sha256"
        case .evidenceURI: "evidence_uri"
        case .geoPrecision: "geo_precision"
        case .partyKind: "party_kind"
        case .commitmentKind: "commitment_kind"
        case .dependsOn: "depends_on"
        case .respondWithinDays: "respond_within_days"
        case .effectiveConfidence: "effective_confidence"
        case .recordedAt: "recorded_at"
        case .observedAt: "observed_at"
        default: "\(self)"
        }
    }

    /// Columns that an export writes and an import ignores.
    var isReadOnly: Bool { rawValue >= ImportColumn.record.rawValue }

    /// The same name in camelCase (`source_kind` → `sourceKind`), the spelling
    /// of JSON keys; an import accepts either.
    var camelName: String { ImportColumn.camelCased(name) }

    /// `source_kind` → `sourceKind`.
    package static func camelCased(_ name: String) -> String {
        var result = ""
        var upper = false
        for character in name {
            if character == "_" {
                upper = true
            } else {
                result.append(upper ? Character(character.uppercased()) : character)
                upper = false
            }
        }
        return result
    }

    /// The column with this header name (exact, or its camelCase spelling), if any.
    static func named(_ name: String) -> ImportColumn? { byName[name] }

    private static let byName: [String: ImportColumn] = {
        var names: [String: ImportColumn] = [:]
        for column in allCases {
            names[column.name] = column
            names[column.camelName] = column
        }
        return names
    }()

    /// Every header name, in the order of the table in the README.
    static var allNames: [String] { allCases.map(\.name) }
}

extension ImportColumn {
    /// The field a column gives, for the errors that name it (nil for the
    /// columns an import ignores, and for `observed_at`, which gives `observed`'s value with its time).
    var field: Field? {
        switch self {
        case .kind: .rowKind
        case .id: .externalID
        case .commitment: .commitment
        case .quantity: .quantity
        case .outcome: .outcome
        case .observed, .observedAt: .observed
        case .precision: .precision
        case .source: .source
        case .sourceKind: .sourceKind
        case .confidence: .confidence
        case .party: .party
        case .severity: .severity
        case .description: .description
        case .evidenceSHA256: .evidenceSHA256
        case .evidenceURI: .evidenceURI
        case .note: .note
        case .place: .place
        case .lat: .lat
        case .lon: .lon
        case .geoPrecision: .geoPrecision
        case .corroborates: .corroborates
        case .name: .name
        case .partyKind: .partyKind
        case .title: .title
        case .date: .date
        case .venue: .venue
        case .agreement: .agreement
        case .unit: .unit
        case .commitmentKind: .commitmentKind
        case .due: .due
        case .from: .from
        case .until: .until
        case .reciprocal: .reciprocal
        case .dependsOn: .dependsOn
        case .text: .text
        case .guarantor: .guarantor
        case .covers: .covers
        case .consequence: .consequence
        case .respondWithinDays: .respondWithinDays
        case .decimals: .decimals
        case .record, .seq, .status, .effectiveConfidence, .sources, .recordedAt, .signer, .dispute, .withdrawn, .invoked, .error: nil
        }
    }
}
