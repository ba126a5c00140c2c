/// One row turned into the input of the matching operation and checked on
/// its own: everything about it that needs no ledger (its kind, its columns,
/// its values). Made on the reading side of an import (``ImportReadAhead``),
/// applied in the write transaction by ``Importer/apply(_:_:_:)``, in input order.
enum PreparedRow: Sendable {
    case verification(PreparedVerification)
    case breach(Breach)
    case corroboration(PreparedCorroboration)
    case party(Party)
    case agreement(Agreement)
    case commitment(Commitment)
    case guarantee(Guarantee)
    /// Refused on its own: a ``LedgerError`` about the request (the row is
    /// rejected) or ``ImportKindRefused`` (the import ends). Thrown when the
    /// row's turn comes, after the rows before it, as if it had been checked then.
    case refused(any Error)
}

/// What the writing side needs of a row besides its ``PreparedRow``: a few
/// values, not the row (whose storage the reader then reuses in place).
struct RowOrigin: Sendable {
    /// The 1-based line the row starts on.
    var line: Int
    /// The number in the row's `record` column, when it defines a record
    /// without an id: corroborations later in the file may name it so.
    var definesRecord: Int64?
    /// The row has a `record` column: a number in `corroborates` then names a row of this file.
    var hasRecordColumn: Bool

    init(_ row: ImportRow) {
        line = row.line
        definesRecord = row.given(.id) == nil ? row.given(.record).flatMap(TextRules.seq) : nil
        hasRecordColumn = row[.record] != nil
    }
}

/// Prepares rows (``PreparedRow``) without the ledger: the same checks, in
/// the same order, as the single operation of each kind makes before it
/// looks at the ledger.
struct RowPreparer: Sendable {
    /// The input's format (messages about a missing column say "column" or "key").
    let format: ImportFormat
    /// The row kinds the import may add; nil for all.
    let allowedKinds: Set<ImportRowKind>?

    func prepare(_ row: ImportRow) -> PreparedRow {
        do {
            return try prepared(row)
        } catch {
            return .refused(error)
        }
    }

    private func prepared(_ row: ImportRow) throws -> PreparedRow {
        let kind = try rowKind(row)
        try checkColumns(row, kind)
        switch kind {
        case .verification: return .verification(try verification(row))
        case .breach: return .breach(try breach(row))
        case .corroboration: return .corroboration(try corroboration(row))
        case .party:
            return .party(try Party(validating: PartyInput(id: row.given(.id) ?? "", name: row.given(.name) ?? "",
                                                           kind: row.given(.partyKind))))
        case .agreement:
            return .agreement(try Agreement(validating: AgreementInput(id: row.given(.id) ?? "", title: row.given(.title) ?? "",
                                                                       date: row.given(.date), venue: row.given(.venue))))
        case .commitment: return .commitment(try commitment(row))
        case .guarantee:
            let input = GuaranteeInput(id: row.given(.id) ?? "", guarantor: row.given(.guarantor) ?? "",
                                       covers: RowPreparer.list(row.given(.covers)), consequence: row.given(.consequence) ?? "",
                                       respondWithinDays: row.given(.respondWithinDays))
            return .guarantee(try Guarantee(validating: input))
        }
    }

    /// The row's kind: the `kind` column, else a verification (a corroboration
    /// when `corroborates` is given, as for a single corroboration).
    private func rowKind(_ row: ImportRow) throws -> ImportRowKind {
        let kind = try givenKind(row)
        if let allowed = allowedKinds, !allowed.contains(kind) {
            throw ImportKindRefused(kind: kind, line: row.line, allowed: allowed)
        }
        return kind
    }

    private func givenKind(_ row: ImportRow) throws -> ImportRowKind {
        if let text = row.given(.kind) {
            let word = TextRules.trimmed(text)
            guard let kind = ImportRowKind(rawValue: word) ?? ImportRowKind(rawValue: word.lowercased()) else {
                throw LedgerError.invalid(.rowKind, "kind: '\(TextRules.printable(word, limit: 40))' is not a row kind; use one of "
                                           + "\(ImportRowKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if kind == .verification && row.given(.corroborates) != nil { return .corroboration }
            return kind
        }
        return row.given(.corroborates) != nil ? .corroboration : .verification
    }

    /// Refuses values in columns that do not apply to the row's kind, and
    /// missing values in columns it needs.
    private func checkColumns(_ row: ImportRow, _ kind: ImportRowKind) throws {
        let allows = kind.allows
        for column in row.columns where !allows[column.rawValue] {
            if row.given(column) != nil {
                throw LedgerError.invalid(column.field, "\(column.name): does not apply to \(kind.withArticle) row; leave it empty "
                                           + "(\(kind.withArticle) row takes \(RowPreparer.describe(kind)))")
            }
        }
        for column in kind.required where row.given(column) == nil {
            if row[column] == nil {
                throw LedgerError.invalid(column.field, "\(column.name): missing; \(kind.withArticle) row needs it (the \(format == .csv ? "file has no \(column.name) column" : "line has no \"\(column.name)\" key"))")
            }
            throw LedgerError.invalid(column.field, "\(column.name) is empty; \(kind.withArticle) row needs it")
        }
    }

    private static func describe(_ kind: ImportRowKind) -> String {
        ImportColumn.allCases.filter { kind.columns.contains($0) }.map(\.name).joined(separator: ", ")
    }

    /// A space- or comma-separated list of ids.
    static func list(_ text: String?) -> [String] {
        guard let text else { return [] }
        return text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" || $0 == "\n" || $0 == "\r" }).map(String.init)
    }

    private func source(_ row: ImportRow) -> SourceInput {
        SourceInput(name: row.given(.source) ?? "", kind: row.given(.sourceKind), confidence: row.given(.confidence))
    }

    private func evidence(_ row: ImportRow) -> EvidenceInput {
        EvidenceInput(sha256: row.given(.evidenceSHA256), uri: row.given(.evidenceURI))
    }

    private func location(_ row: ImportRow) throws -> LocationInput {
        let lat = row.given(.lat)
        let lon = row.given(.lon)
        if lat != nil && lon == nil { throw LedgerError.invalid(.lon, "lon is empty; give both lat and lon, or neither") }
        if lon != nil && lat == nil { throw LedgerError.invalid(.lat, "lat is empty; give both lat and lon, or neither") }
        return LocationInput(place: row.given(.place), lat: lat, lon: lon, precision: row.given(.geoPrecision))
    }

    private func verification(_ row: ImportRow) throws -> PreparedVerification {
        var input = VerificationInput(commitment: row.given(.commitment) ?? "", observed: row.given(.observedAt) ?? row.given(.observed) ?? "",
                                      source: source(row))
        switch (row.given(.quantity), row.given(.outcome)) {
        case (nil, nil):
            throw LedgerError.invalid(.quantity, "quantity is empty; give the quantity observed, or an outcome (done or not_done)")
        case (_?, _?):
            throw LedgerError.invalid(.outcome, "outcome: give a quantity or an outcome, not both")
        case (let quantity?, nil):
            input.quantity = quantity
        case (nil, let outcome?):
            switch TextRules.trimmed(outcome).lowercased() {
            case "done": input.done = true
            case "not_done", "not-done", "not done": input.notDone = true
            default:
                throw LedgerError.invalid(.outcome, "outcome: '\(TextRules.printable(outcome, limit: 40))' is not an outcome; use done or not_done")
            }
        }
        input.precision = row.given(.precision)
        input.externalID = row.given(.id)
        input.evidence = evidence(row)
        input.note = row.given(.note)
        input.location = try location(row)
        return try PreparedVerification(input)
    }

    private func breach(_ row: ImportRow) throws -> Breach {
        var input = BreachInput(commitment: row.given(.commitment) ?? "", party: row.given(.party),
                                observed: row.given(.observedAt) ?? row.given(.observed) ?? "", severity: row.given(.severity) ?? "",
                                source: source(row))
        input.precision = row.given(.precision)
        input.description = row.given(.description)
        input.externalID = row.given(.id)
        input.evidence = evidence(row)
        input.note = row.given(.note)
        input.location = try location(row)
        return try Breach(validating: input)
    }

    private func corroboration(_ row: ImportRow) throws -> PreparedCorroboration {
        var input = CorroborationInput(target: row.given(.corroborates) ?? "", source: source(row))
        input.externalID = row.given(.id)
        input.evidence = evidence(row)
        input.note = row.given(.note)
        return try PreparedCorroboration(input)
    }

    private func commitment(_ row: ImportRow) throws -> Commitment {
        var input = CommitmentInput(id: row.given(.id) ?? "", agreement: row.given(.agreement) ?? "", party: row.given(.party) ?? "")
        let quantity = row.given(.quantity)
        let unit = row.given(.unit)
        var kind: CommitmentKind = .quantity
        if let text = row.given(.commitmentKind) {
            kind = try CommitmentKind(parsing: TextRules.trimmed(text), field: .commitmentKind)
        } else if quantity == nil {
            throw LedgerError.invalid(.commitmentKind, "commitment_kind is empty; give quantity and unit for a quantity commitment, "
                                       + "or commitment_kind action or restraint")
        }
        switch kind {
        case .quantity:
            guard quantity != nil else { throw LedgerError.invalid(.quantity, "quantity is empty; a quantity commitment needs its target") }
            guard unit != nil else { throw LedgerError.invalid(.unit, "unit is empty; a quantity commitment needs its unit (prisoners, …)") }
            input.quantity = quantity
            input.unit = unit
            input.decimals = row.given(.decimals)
        case .action, .restraint:
            if quantity != nil { throw LedgerError.invalid(.quantity, "quantity: \(kind.rawValue == "action" ? "an action" : "a restraint") has no quantity; leave it empty") }
            if unit != nil { throw LedgerError.invalid(.unit, "unit: \(kind.rawValue == "action" ? "an action" : "a restraint") has no unit; leave it empty") }
            input.action = kind == .action
            input.restraint = kind == .restraint
        }
        input.due = row.given(.due)
        input.from = row.given(.from)
        input.until = row.given(.until)
        input.reciprocal = row.given(.reciprocal)
        input.dependsOn = RowPreparer.list(row.given(.dependsOn))
        input.text = row.given(.text)
        return try Commitment(validating: input)
    }
}
