import AccordLedger
import AccordPresentation
import Foundation

/// How the adapter translates between HTTP and the engine: query parameters
/// into the engine's options, rendered rows into bodies, and the engine's
/// structured errors into problem kinds (one switch, in one place).
extension EngineAdapter {
    // MARK: Parameters

    // Dates, as-of points and thresholds arrive as the query's raw values
    // (``QueryInput``): the engine parses them as it does the command line's,
    // and its errors name the field, which ``apiName(_:)`` spells as the
    // parameter (`asOf`, `minConfidence`, `until`).

    static func reportOptions(_ parameters: ReportParameters) throws -> ReportOptions {
        try ReportOptions(QueryInput(at: parameters.at, asOf: parameters.asOf, minConfidence: parameters.minConfidence),
                          agreement: parameters.agreement, party: parameters.party)
    }

    static func breachQuery(_ parameters: BreachParameters) throws -> BreachQuery {
        var query = try BreachQuery(QueryInput(at: parameters.at, asOf: parameters.asOf, since: parameters.since,
                                               until: parameters.until, minConfidence: parameters.minConfidence,
                                               severity: parameters.severity))
        query.party = parameters.party
        query.commitment = parameters.commitment
        if let status = parameters.status { query.status = try word(status, RecordStatusFilter.self, field: "status") }
        query.guarantor = parameters.guarantor
        return query
    }

    static func number(_ text: String, _ field: String) throws -> Int64 {
        guard let value = Int64(text), value >= 0 else {
            throw ServiceError(.invalid(field: field), "\(field): '\(text)' is not a whole number 0 or more")
        }
        return value
    }

    static func word<T: RawRepresentable & CaseIterable>(_ text: String, _ type: T.Type, field: String, allowed: [T]? = nil) throws -> T
    where T.RawValue == String {
        let choices = allowed ?? Array(T.allCases)
        guard let value = T(rawValue: text.lowercased()), choices.contains(where: { $0.rawValue == value.rawValue }) else {
            throw ServiceError(.invalid(field: field),
                               "\(field): '\(text)' is not one of \(choices.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    static func json(_ value: JSON, rows: Int? = nil) -> ReadBody {
        var bytes: [UInt8] = []
        value.write(to: &bytes, pretty: false)
        return ReadBody(contentType: "application/json", bytes: bytes, rows: rows)
    }

    static func rendered(_ rows: RowSet, _ format: OutputFormat) -> ReadBody {
        let output = TextOutput(collecting: ())
        rows.render(format, to: output)
        return ReadBody(contentType: mediaType(format), bytes: Array(output.collected.utf8), rows: rows.rows.count)
    }

    static func mediaType(_ format: OutputFormat) -> String {
        switch format {
        case .json: "application/json"
        case .ndjson: "application/x-ndjson"
        case .csv: "text/csv; charset=utf-8"
        case .tsv: "text/tab-separated-values; charset=utf-8"
        case .markdown: "text/markdown; charset=utf-8"
        case .table: "text/plain; charset=utf-8"
        }
    }

    // MARK: Errors

    /// Maps an engine error to a ``ServiceError``: the one place where engine
    /// errors become problem kinds, by the error's kind alone. A reused id
    /// carries the seq of the entry that holds it; an invalid value its
    /// `Field`, named as the API names it.
    static func serviceError(_ error: Error) -> ServiceError {
        if let error = error as? ServiceError { return error }
        if let error = error as? ImportKindRefused { return ServiceError(.forbidden, error.description) }
        guard let error = error as? LedgerError else { return ServiceError(.failure, "\(error)") }
        let message = error.message(APIPhrasing())
        switch error.kind {
        case .notFound(_, let id): return ServiceError(.notFound, message, id: id)
        case .conflict(.entry(let seq)): return ServiceError(.conflict(existing: seq), message)
        case .conflict(.file), .conflict(.state): return ServiceError(.conflict(existing: nil), message)
        case .invalid(let field): return ServiceError(.invalid(field: field.map(apiName)), message)
        case .forbidden: return ServiceError(.forbidden, message)
        case .busy: return ServiceError(.busy, message)
        case .tampered, .corrupt: return ServiceError(.tampered, message)
        case .unverifiable, .notALedger, .io, .failure: return ServiceError(.failure, message)
        }
    }

    /// A field as the API's bodies and query parameters name it: the
    /// engine's snake_case key in camelCase (`evidence_sha256` →
    /// `evidenceSha256`), except the kinds, which a body calls `kind`, and
    /// the key that signs, which a request gives as its token's and sends
    /// its work as `signature`.
    static func apiName(_ field: Field) -> String {
        switch field {
        case .partyKind, .commitmentKind, .rowKind: return "kind"
        case .signWith: return "signature"
        default:
            let words = field.key.split(separator: "_")
            return words.enumerated().map { index, word in index == 0 ? String(word) : word.prefix(1).uppercased() + word.dropFirst() }
                .joined()
        }
    }
}

/// Fields named as the API names them; hints as the request to make, or the
/// command to run on the ledger file for what the API does not offer.
struct APIPhrasing: Phrasing {
    func name(_ field: Field) -> String { EngineAdapter.apiName(field) }
    func option(_ field: Field) -> String { EngineAdapter.apiName(field) }

    func hint(_ hint: Hint) -> String {
        switch hint {
        case .audit, .auditLedger, .auditExamines: "; run `accord audit` on the ledger file"
        case .auditAndRestore: "; run `accord audit` on the ledger file and restore it from a copy"
        case .add(let entity, _):
            switch entity {
            case .party, .agreement, .commitment, .guarantee: "; add it with POST /v1/\(Self.plural(entity))"
            case .entry, .key, .token: ""
            }
        case .list(let entity):
            switch entity {
            case .commitment: "; list them with GET /v1/commitments"
            case .party, .agreement, .guarantee: "; GET /v1/report lists them"
            case .entry: "; GET /v1/journal lists them"
            case .key, .token: ""
            }
        case .correct(let id): "; if the new values are right, record them with POST /v1/corrections with entry \(id) and a reason"
        case .correctLater(let id): "POST /v1/corrections with entry \(id) changes it"
        case .retractAndRecord(let id): "; to replace it, POST /v1/retractions with entry \(id), then record the new one"
        case .reportBreach: "; report one with POST /v1/breaches"
        case .registerKey(let name): "; register its public key with `accord key register \(name)` on the ledger file"
        case .registerAdminKey, .requestAdminRole, .registerAnotherAdmin, .newKeyRequest, .adminRegistersAdmin,
             .proveKeyPossession, .keyRequestFormat, .giveAdminKey, .generateKey, .usePrivateKey:
            "; keys are managed with `accord key` on the ledger file"
        case .importJSONLines: "; send JSON Lines (one object per line) as application/x-ndjson"
        case .mayBeJSONLines: " (if the body is JSON Lines, send it as application/x-ndjson)"
        case .initialise, .createLedger, .createLedgerHere, .migrate, .replaceDemo: ""
        }
    }

    static func plural(_ entity: Entity) -> String {
        switch entity {
        case .party: "parties"
        default: entity.rawValue + "s"
        }
    }
}
