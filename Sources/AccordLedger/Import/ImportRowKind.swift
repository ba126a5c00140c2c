/// What one row of an import file adds: the `kind` column, `verification` by default.
public enum ImportRowKind: String, CaseIterable, Sendable {
    /// Evidence rows (verification, breach, corroboration) and definition rows (party, agreement, commitment, guarantee).
    case verification, breach, corroboration, party, agreement, commitment, guarantee

    /// Whether a row of this kind may fill each column, by ``ImportColumn/rawValue``
    /// (`kind` and the read-only columns always).
    var allows: [Bool] { ImportRowKind.allowTable[position] }

    private var position: Int {
        switch self {
        case .verification: 0
        case .breach: 1
        case .corroboration: 2
        case .party: 3
        case .agreement: 4
        case .commitment: 5
        case .guarantee: 6
        }
    }

    private static let allowTable: [[Bool]] = allCases.map { kind in
        let columns = kind.columns
        return ImportColumn.allCases.map { $0 == .kind || $0.isReadOnly || columns.contains($0) }
    }

    /// The columns a row of this kind may fill (besides `kind` and the read-only columns).
    var columns: Set<ImportColumn> {
        switch self {
        case .verification:
            [.id, .commitment, .quantity, .outcome, .observed, .observedAt, .precision, .source, .sourceKind, .confidence,
             .evidenceSHA256, .evidenceURI, .note, .place, .lat, .lon, .geoPrecision]
        case .breach:
            [.id, .commitment, .party, .observed, .observedAt, .precision, .severity, .source, .sourceKind, .confidence, .description,
             .evidenceSHA256, .evidenceURI, .note, .place, .lat, .lon, .geoPrecision]
        case .corroboration:
            [.id, .corroborates, .source, .sourceKind, .confidence, .evidenceSHA256, .evidenceURI, .note]
        case .party:
            [.id, .name, .partyKind]
        case .agreement:
            [.id, .title, .date, .venue]
        case .commitment:
            [.id, .agreement, .party, .quantity, .decimals, .unit, .commitmentKind, .due, .from, .until, .reciprocal, .dependsOn, .text]
        case .guarantee:
            [.id, .guarantor, .covers, .consequence, .respondWithinDays]
        }
    }

    /// The columns that must hold a value in a row of this kind.
    var required: [ImportColumn] {
        switch self {
        case .verification: [.commitment, .observed, .source]
        case .breach: [.commitment, .observed, .severity, .source]
        case .corroboration: [.corroborates, .source]
        case .party: [.id, .name]
        case .agreement: [.id, .title]
        case .commitment: [.id, .agreement, .party]
        case .guarantee: [.id, .guarantor, .covers, .consequence]
        }
    }

    /// "a verification", "an agreement".
    var withArticle: String {
        switch self {
        case .agreement: "an agreement"
        default: "a \(rawValue)"
        }
    }
}
