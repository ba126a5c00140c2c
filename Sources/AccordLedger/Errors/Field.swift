/// An input a caller gives, named by what it means rather than by how a
/// front end asks for it: a command line shows `.quantity` as `quantity`
/// or as its option, an import as the column `quantity`, an HTTP API as
/// `/quantity`. Errors name the field at fault with it (``LedgerError/Kind/invalid(_:)``).
public enum Field: Hashable, Sendable {
    /// The id of a new party, agreement, commitment or guarantee.
    case id(Entity)
    /// The external id of a verification, breach or corroboration (a form's row id).
    case externalID

    // Evidence.
    /// Fields of verifications, breaches and corroborations.
    case commitment, quantity, done, notDone, outcome, observed, precision, source, sourceKind, confidence, party
    /// More fields of evidence: severity, description, the evidence file or hash and URI, a note, the location.
    case severity, description, evidenceFile, evidenceSHA256, evidenceURI, note, place, lat, lon, geoPrecision
    /// The record a corroboration supports.
    case corroborates

    // Definitions.
    /// Fields of parties, agreements and commitments.
    case name, partyKind, title, date, venue, agreement, unit, commitmentKind, action, restraint, decimals, due
    /// More fields of definitions: a commitment's window, reciprocity, dependencies and text; a guarantee's.
    case from, until, reciprocal, dependsOn, text, guarantor, covers, consequence, respondWithinDays, guarantee

    // Corrections, disputes, amendments, voids.
    /// Fields of corrections, disputes, amendments and voids.
    case entry, reason, by, subject, effective, target

    // Import rows.
    /// The kind of an import row (`verification`, `breach`, `party` …).
    case rowKind
    /// How an import reads a file's own columns: a field filled from a
    /// column, a field given one value, a filter on a column's values, a
    /// mapping file, the delimiter, leaving unknown columns out.
    case map, set, filter, mapping, delimiter, ignoreUnknown
    /// Where an import writes the rows it rejected.
    case rejects

    // Keys, signatures and checkpoints.
    /// Fields of keys, signatures, checkpoints and audits.
    case actor, keyName, keyFile, publicKeyFile, keyRequest, role, signsFor, signWith, checkpoint, requireSigned, trustedKey
    /// A claim to sign, as its bytes (docs/JOURNAL.md §4).
    case claim
    /// A signature made elsewhere over a claim.
    case signature

    // Server tokens.
    /// The last day a token is refused from.
    case expires
    /// The registered key a token is bound to.
    case tokenKey

    // Reading.
    /// The world date a report judges at.
    case at
    /// The entry (or recording time) a read reflects.
    case asOf
    /// The start of a briefing's period.
    case since
    /// The end of a listing's period (a query bound, not a commitment's window).
    case periodEnd
    /// A query's lowest confidence counted.
    case minConfidence
    /// The tree size a proof is for.
    case treeSize

    // The ledger itself.
    /// The ledger's path.
    case ledgerPath
    /// The time entries are recorded at (the clock the host was given).
    case recordedAt

    /// A stable key, the same for every front end: snake_case, as the import
    /// columns and exported JSON name things (`quantity`, `evidence_sha256`, `id`).
    public var key: String {
        switch self {
        case .id, .externalID: "id"
        case .commitment: "commitment"
        case .quantity: "quantity"
        case .done: "done"
        case .notDone: "not_done"
        case .outcome: "outcome"
        case .observed: "observed"
        case .precision: "precision"
        case .source: "source"
        case .sourceKind: "source_kind"
        case .confidence: "confidence"
        case .party: "party"
        case .corroborates: "corroborates"
        case .name: "name"
        case .partyKind: "party_kind"
        case .title: "title"
        case .date: "date"
        case .venue: "venue"
        case .agreement: "agreement"
        case .unit: "unit"
        case .commitmentKind: "commitment_kind"
        case .action: "action"
        case .restraint: "restraint"
        case .decimals: "decimals"
        case .due: "due"
        case .from: "from"
        case .until: "until"
        case .reciprocal: "reciprocal"
        case .dependsOn: "depends_on"
        case .text: "text"
        case .guarantor: "guarantor"
        case .covers: "covers"
        case .consequence: "consequence"
        case .respondWithinDays: "respond_within_days"
        case .guarantee: "guarantee"
        case .entry: "entry"
        case .reason: "reason"
        case .by: "by"
        case .subject: "subject"
        case .effective: "effective"
        case .target: "target"
        case .rowKind: "kind"
        case .map: "map"
        case .set: "set"
        case .filter: "where"
        case .mapping: "mapping"
        case .delimiter: "delimiter"
        case .ignoreUnknown: "ignore_unknown"
        case .rejects: "rejects"
        case .severity: "severity"
        case .description: "description"
        case .evidenceFile: "evidence"
        case .evidenceSHA256: "evidence_sha256"
        case .evidenceURI: "evidence_uri"
        case .note: "note"
        case .place: "place"
        case .lat: "lat"
        case .lon: "lon"
        case .geoPrecision: "geo_precision"
        case .actor: "actor"
        case .keyName: "key_name"
        case .keyFile: "key_file"
        case .publicKeyFile: "public_key_file"
        case .keyRequest: "key_request"
        case .role: "role"
        case .signsFor: "for"
        case .signWith: "sign_with"
        case .checkpoint: "checkpoint"
        case .requireSigned: "require_signed"
        case .trustedKey: "trusted_key"
        case .claim: "claim"
        case .signature: "signature"
        case .expires: "expires"
        case .tokenKey: "key"
        case .at: "at"
        case .asOf: "as_of"
        case .since: "since"
        case .periodEnd: "until"
        case .minConfidence: "min_confidence"
        case .treeSize: "size"
        case .ledgerPath: "db"
        case .recordedAt: "recorded_at"
        }
    }
}

extension Field: CustomStringConvertible {
    /// The stable ``key``.
    public var description: String { key }
}

/// The kinds of thing a ledger holds that an id can name.
public enum Entity: String, Hashable, Sendable, CaseIterable {
    /// The definitions a ledger holds under ids.
    case party, agreement, commitment, guarantee
    /// A journal entry, by seq or by a record's external id.
    case entry
    /// A registered key, by name.
    case key
    /// A server token, by name.
    case token
}
