import AccordLedger

/// What the server needs from the engine: batched writes with one result per
/// operation, reads rendered as the command line renders them, tokens and
/// the access log. Every file of the server is written against this protocol;
/// only `EngineAdapter.swift` knows how the engine is driven.
public protocol LedgerService: Sendable {
    /// Applies `batch`, each operation as its own actor (and signer), and
    /// returns one result per operation in order: its receipt, the claim it
    /// was prepared to (``WriteRequest/Signing/prepare(key:)``), or why it
    /// was refused. One refused operation never fails the others. A receipt
    /// is returned only once its entry is durably committed.
    func write(_ batch: [WriteRequest]) async -> [Result<WriteOutcome, ServiceError>]

    /// Issues a token; its text is returned once and never stored.
    func issueToken(_ input: TokenInput, actor: String) async throws(ServiceError) -> IssuedToken

    /// Imports the CSV or JSON Lines rows of an upload spooled to a file, in
    /// one transaction, as `accord import`. A row whose kind is not in
    /// `allowedKinds` (nil: all) refuses the whole import with
    /// ``ServiceError/Kind/forbidden``; nothing is written.
    func importRows(_ upload: SpooledUpload, format: ImportFormat, keepGoing: Bool, allowedKinds: Set<ImportRowKind>?,
                    actor: String) async throws(ServiceError) -> ImportSummary

    /// The definitions recorded after mission seq `after`, as a definitions
    /// bundle (JSON bytes) a field ledger clones from or pulls (read in one
    /// read transaction).
    func definitionsBundle(after: Int64, evidence: Bool) async throws(ServiceError) -> [UInt8]

    /// Applies a push bundle of field entries through the writer, as
    /// `accord import-bundle` does: unsigned entries as `unsigned` allows,
    /// entries of the kinds a token of `role` records; the receipts'
    /// checkpoint signed with the server's key.
    /// Entries refused one by one are in the outcome; a bundle that does not
    /// verify whole is thrown (``ServiceError/Kind/invalid(field:)``, nothing written).
    func applyBundle(_ bundle: [UInt8], unsigned: UnsignedEntries, role: TokenRole) async throws(ServiceError) -> BundleOutcome

    /// The receipt of an entry already recorded (status already recorded).
    func receipt(ofEntry seq: Int64) async throws(ServiceError) -> Receipt

    /// Every token issued (revoked ones included).
    func tokens() async throws(ServiceError) -> [TokenInfo]

    /// A read, rendered.
    func read(_ request: ReadRequest) async throws(ServiceError) -> ReadBody

    /// A read whose body is streamed (``ReadRequest/export(table:format:asOf:at:status:)``
    /// and ``ReadRequest/journal``), rendered exactly as ``read(_:)`` renders
    /// it, inside one read transaction. Returns once the first chunk is ready
    /// (or the read has ended), so an error found before the first byte —
    /// a bad parameter, an unknown table, a ledger that does not check — is
    /// thrown here; a later one ends the stream with an error.
    func stream(_ request: ReadRequest) async throws(ServiceError) -> ReadStream

    /// Appends to the access log.
    func recordAccess(_ record: AccessRecord) async throws(ServiceError)

    /// The access log, oldest first (the newest `limit` records).
    func accessLog(limit: Int?) async throws(ServiceError) -> [AccessRecord]

    /// Finishes pending writes and closes the ledger; later calls fail.
    func close() async
}

/// One write and who makes it (a token's name), with how its entry is signed.
public struct WriteRequest: Sendable {
    /// How the entry of a request is signed.
    public enum Signing: Sendable, Equatable {
        /// Not signed (a token bound to no key).
        case none
        /// Not recorded: the claim the ledger would sign now for the key is
        /// returned instead (`?prepare=true`).
        case prepare(key: String)
        /// Signed by the key's holder: the 64-byte Ed25519 signature sent with
        /// the request, which must verify over the claim the ledger builds.
        case signature(key: String, [UInt8])
    }

    /// What the request records.
    public var operation: LedgerOperation
    /// The token's name: the entry's actor.
    public var actor: String
    /// The request's `Idempotency-Key` (its actor is ``actor``): a repeat of
    /// the same request answers the original receipt; nil for none.
    public var idempotency: IdempotencyKey?
    /// How its entry is signed.
    public var signing: Signing

    /// `operation` by `actor`, with its idempotency key and signing.
    public init(_ operation: LedgerOperation, actor: String, idempotency: IdempotencyKey? = nil, signing: Signing = .none) {
        self.operation = operation
        self.actor = actor
        self.idempotency = idempotency
        self.signing = signing
    }
}

/// What a write came to: a receipt (recorded, or already recorded), or the
/// claim a prepared write would be signed over.
public enum WriteOutcome: Sendable {
    /// Recorded now (201) or before (200, a harmless retry).
    case receipt(Receipt)
    /// Prepared, not recorded: the claim to sign.
    case prepared(Claim)
}

/// A read the API offers; parameters arrive as typed by the client.
public enum ReadRequest: Sendable {
    case report(ReportParameters, Presentation = Presentation())
    case breaches(BreachParameters, Presentation = Presentation())
    case commitments(agreement: String?, party: String?, at: String?)
    case commitment(id: String, at: String?, minConfidence: String?, presentation: Presentation = Presentation())
    case history(entry: String, asOf: String?, presentation: Presentation = Presentation())
    case export(table: String, format: String?, asOf: String?, at: String?, status: String?, header: Bool = true, raw: Bool = false)
    case brief(format: String?, report: ReportParameters, since: String?, remote: String? = nil)
    case journal
    case inclusionProof(seq: String, size: String?)
    case consistencyProof(old: String, new: String?)
    case checkpoint
}

/// How a read is rendered: nil `format` is the API's JSON; a format is the
/// body exactly as the command line prints that read in that format (the
/// table, Markdown, CSV, TSV, NDJSON or pretty JSON), with or without its
/// header row, its cells raw or guarded against spreadsheet formulas, and
/// for a report only the `section` asked for.
public struct Presentation: Sendable {
    /// The output format's name; nil for the API's JSON.
    public var format: String?
    /// A report's section; nil for all.
    public var section: String?
    /// Whether rows come with their header row.
    public var header: Bool
    /// Whether cells are written as recorded, unguarded.
    public var raw: Bool

    public init(format: String? = nil, section: String? = nil, header: Bool = true, raw: Bool = false) {
        self.format = format
        self.section = section
        self.header = header
        self.raw = raw
    }
}

public struct ReportParameters: Sendable {
    public var at: String?
    public var asOf: String?
    public var minConfidence: String?
    public var agreement: String?
    public var party: String?

    public init(at: String? = nil, asOf: String? = nil, minConfidence: String? = nil, agreement: String? = nil,
                party: String? = nil) {
        self.at = at
        self.asOf = asOf
        self.minConfidence = minConfidence
        self.agreement = agreement
        self.party = party
    }
}

public struct BreachParameters: Sendable {
    public var party: String?
    public var commitment: String?
    public var since: String?
    public var until: String?
    public var at: String?
    public var asOf: String?
    public var severity: String?
    public var status: String?
    public var guarantor: String?
    public var minConfidence: String?

    public init() {}
}

/// A rendered read: its media type, its bytes, and how many rows it holds
/// (for the access log).
public struct ReadBody: Sendable {
    public var contentType: String
    public var bytes: [UInt8]
    public var rows: Int?

    public init(contentType: String, bytes: [UInt8], rows: Int? = nil) {
        self.contentType = contentType
        self.bytes = bytes
        self.rows = rows
    }
}

/// Why the engine refused or failed an operation, as a front end needs it:
/// a kind to map to a status, and one sentence.
public struct ServiceError: Error, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The thing named (by a path or query parameter) does not exist.
        case notFound
        /// The same external id with other content; `existing` is its entry.
        case conflict(existing: Int64?)
        /// A value is invalid; `field` names it as the request does (nil: no one field).
        case invalid(field: String?)
        /// The caller's role may not do this (an import row of a kind it may not record).
        case forbidden
        /// The ledger was altered with other tools.
        case tampered
        /// The ledger stayed locked.
        case busy
        /// The server is shutting down.
        case unavailable
        /// The server was not started with what this needs (`--checkpoint-key`).
        case unconfigured
        /// Anything else.
        case failure
    }

    public var kind: Kind
    public var message: String
    /// For ``Kind/notFound``: the id that names nothing, as the request gave
    /// it (so the front end can point at the field that held it).
    public var id: String?

    public init(_ kind: Kind, _ message: String, id: String? = nil) {
        self.kind = kind
        self.message = message
        self.id = id
    }
}
