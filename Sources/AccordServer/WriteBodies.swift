import AccordLedger

/// A recording route's body: the engine's operation, and the signature of
/// its claim when the request sends one.
struct RecordingBody {
    var operation: LedgerOperation
    /// `signature`: the base64 Ed25519 signature of the claim, as sent.
    var signature: String?
    /// The body's fields (to name the one that holds an unknown id).
    var fields: RequestFields
}

/// The JSON bodies of the recording routes, read into the engine's
/// operations (`LedgerOperation`). Field names are the command line's option
/// names in camelCase; every recording route also takes `signature`.
enum WriteBodies {
    static let source: Set<String> = ["source", "sourceKind", "confidence", "id", "evidenceSha256", "evidenceUri", "note"]
    static let location: Set<String> = ["place", "lat", "lon", "geoPrecision"]

    /// The fields each recording route takes (besides `signature`).
    static let fields: [String: Set<String>] = [
        "/v1/parties": ["id", "name", "kind"],
        "/v1/agreements": ["id", "title", "date", "venue"],
        "/v1/commitments": ["id", "agreement", "party", "quantity", "unit", "decimals", "action", "restraint", "due", "from",
                            "until", "reciprocal", "dependsOn", "text"],
        "/v1/guarantees": ["id", "guarantor", "covers", "consequence", "respondWithinDays"],
        "/v1/amendments": ["subject", "id", "effective", "reason", "target", "due", "from", "until", "text", "name", "title",
                           "date", "venue", "covers", "respondWithinDays", "consequence"],
        "/v1/verifications": source.union(location).union(["commitment", "quantity", "done", "notDone", "observed", "precision"]),
        "/v1/breaches": source.union(location).union(["commitment", "party", "observed", "precision", "severity", "description"]),
        "/v1/corroborations": source.union(["corroborates"]),
        // A correction names its record by `entry` and has no external id of its own.
        "/v1/corrections": source.subtracting(["id"]).union(location).union(["entry", "reason", "commitment", "quantity", "done",
                                                                             "notDone", "observed", "precision", "party", "severity",
                                                                             "description"]),
        "/v1/retractions": ["entry", "reason"],
        "/v1/disputes": ["entry", "by", "reason", "source"],
        "/v1/adjudications": ["entry", "ruling", "reason"],
        "/v1/invocations": ["guarantee", "date", "note"],
    ]

    static let tokenFields: Set<String> = ["name", "role", "expires", "key"]

    /// Whether `path` is a recording route: one that records one entry from
    /// a JSON body, which a key-bound token signs.
    static func records(_ path: String) -> Bool { fields[path] != nil }

    /// Reads the body of `path` into its operation and signature.
    /// - Throws: ``Problem`` `.malformed` or `.invalid` with the field's pointer.
    static func recording(_ path: String, body: [UInt8]) throws -> RecordingBody {
        let f = try RequestFields(body, allowed: (fields[path] ?? []).union(["signature"]))
        return RecordingBody(operation: try operation(path, f), signature: try f.string("signature"), fields: f)
    }

    static func operation(_ path: String, _ f: RequestFields) throws -> LedgerOperation {
        switch path {
        case "/v1/parties":
            return .addParty(PartyInput(id: try f.required("id"), name: try f.required("name"), kind: try f.string("kind")))
        case "/v1/agreements":
            return .addAgreement(AgreementInput(id: try f.required("id"), title: try f.required("title"), date: try f.string("date"),
                                             venue: try f.string("venue")))
        case "/v1/commitments":
            var input = CommitmentInput(id: try f.required("id"), agreement: try f.required("agreement"),
                                        party: try f.required("party"))
            input.quantity = try f.string("quantity", numbers: true)
            input.unit = try f.string("unit")
            input.decimals = try f.string("decimals", numbers: true)
            input.action = try f.bool("action")
            input.restraint = try f.bool("restraint")
            input.due = try f.string("due")
            input.from = try f.string("from")
            input.until = try f.string("until")
            input.reciprocal = try f.string("reciprocal")
            input.dependsOn = try f.strings("dependsOn") ?? []
            input.text = try f.string("text")
            return .addCommitment(input)
        case "/v1/guarantees":
            return .addGuarantee(GuaranteeInput(id: try f.required("id"), guarantor: try f.required("guarantor"),
                                             covers: try f.strings("covers") ?? [], consequence: try f.required("consequence"),
                                             respondWithinDays: try f.string("respondWithinDays", numbers: true)))
        case "/v1/amendments":
            var input = AmendmentInput(subject: try f.required("subject"), id: try f.required("id"),
                                       effective: try f.required("effective"), reason: try f.required("reason"))
            input.target = try f.string("target", numbers: true)
            input.due = try f.string("due")
            input.from = try f.string("from")
            input.until = try f.string("until")
            input.text = try f.string("text")
            input.name = try f.string("name")
            input.title = try f.string("title")
            input.date = try f.string("date")
            input.venue = try f.string("venue")
            input.covers = try f.strings("covers")
            input.respondWithinDays = try f.string("respondWithinDays", numbers: true)
            input.consequence = try f.string("consequence")
            return .amend(input)
        case "/v1/verifications":
            var input = VerificationInput(commitment: try f.required("commitment"), observed: try f.required("observed"),
                                          source: try sourceInput(f))
            input.quantity = try f.string("quantity", numbers: true)
            input.done = try f.bool("done")
            input.notDone = try f.bool("notDone")
            input.precision = try f.string("precision")
            input.externalID = try f.string("id")
            input.evidence = try evidence(f)
            input.note = try f.string("note")
            input.location = try location(f)
            return .log(input)
        case "/v1/breaches":
            var input = BreachInput(commitment: try f.required("commitment"), party: try f.string("party"),
                                    observed: try f.required("observed"), severity: try f.required("severity"),
                                    source: try sourceInput(f))
            input.precision = try f.string("precision")
            input.description = try f.string("description")
            input.externalID = try f.string("id")
            input.evidence = try evidence(f)
            input.note = try f.string("note")
            input.location = try location(f)
            return .breach(input)
        case "/v1/corroborations":
            var input = CorroborationInput(target: try f.required("corroborates", numbers: true), source: try sourceInput(f))
            input.externalID = try f.string("id")
            input.evidence = try evidence(f)
            input.note = try f.string("note")
            return .corroborate(input)
        case "/v1/corrections":
            var input = CorrectionInput(target: try f.required("entry", numbers: true), reason: try f.required("reason"))
            input.commitment = try f.string("commitment")
            input.quantity = try f.string("quantity", numbers: true)
            input.done = try f.bool("done")
            input.notDone = try f.bool("notDone")
            input.observed = try f.string("observed")
            input.precision = try f.string("precision")
            input.party = try f.string("party")
            input.severity = try f.string("severity")
            input.description = try f.string("description")
            input.source = try f.string("source")
            input.sourceKind = try f.string("sourceKind")
            input.confidence = try f.string("confidence")
            input.evidence = try evidence(f)
            input.note = try f.string("note")
            input.location = try location(f)
            return .correct(input)
        case "/v1/retractions":
            return .retract(target: try f.required("entry", numbers: true), reason: try f.required("reason"))
        case "/v1/disputes":
            return .dispute(target: try f.required("entry", numbers: true), by: try f.required("by"),
                            reason: try f.required("reason"), source: try f.string("source"))
        case "/v1/adjudications":
            return .adjudicate(target: try f.required("entry", numbers: true), ruling: try ruling(f),
                               reason: try f.required("reason"))
        case "/v1/invocations":
            return .invokeGuarantee(InvocationInput(guarantee: try f.required("guarantee"), date: try f.required("date"),
                                               note: try f.string("note")))
        default:
            throw Problem(.notFound, "no recording route \(path)")
        }
    }

    static func tokenInput(_ body: [UInt8]) throws -> TokenInput {
        let f = try RequestFields(body, allowed: tokenFields)
        return TokenInput(name: try f.required("name"), role: try f.required("role"), expires: try f.string("expires"),
                          key: try f.string("key"))
    }

    /// `upheld` or `rejected`.
    static func ruling(_ f: RequestFields) throws -> Ruling {
        let text = try f.required("ruling")
        guard let ruling = Ruling(rawValue: text.lowercased()) else {
            throw Problem(.invalid, "ruling: '\(text)' is not one of \(Ruling.allCases.map(\.rawValue).joined(separator: ", "))",
                          pointer: "/ruling")
        }
        return ruling
    }

    static func sourceInput(_ f: RequestFields) throws -> SourceInput {
        SourceInput(name: try f.required("source"), kind: try f.string("sourceKind"), confidence: try f.string("confidence"))
    }

    /// Evidence over the API is a hash and a link: the server never opens a file a client names.
    static func evidence(_ f: RequestFields) throws -> EvidenceInput {
        EvidenceInput(sha256: try f.string("evidenceSha256"), uri: try f.string("evidenceUri"))
    }

    static func location(_ f: RequestFields) throws -> LocationInput {
        LocationInput(place: try f.string("place"), lat: try f.string("lat", numbers: true), lon: try f.string("lon", numbers: true),
                      precision: try f.string("geoPrecision"))
    }
}
