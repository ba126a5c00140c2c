/// A query's options as a front end received them: the user's words,
/// unparsed, as writes take theirs. The engine parses each one here, once
/// for every front end, and a malformed one is ``LedgerError/Kind/invalid(_:)``
/// naming its ``Field`` (`.at`, `.asOf`, `.since`, `.periodEnd`,
/// `.minConfidence`, `.severity`), which each front end phrases as its user
/// typed it (an option, a query parameter).
public struct QueryInput: Sendable, Equatable {
    /// The world date to judge at (default: today).
    public var at: String?
    /// Knowledge time: a seq, or a date or time.
    public var asOf: String?
    /// The start of a period.
    public var since: String?
    /// The end of a period.
    public var until: String?
    /// A confidence threshold.
    public var minConfidence: String?
    /// A severity threshold.
    public var severity: String?

    /// Options from raw words; nil where none was given.
    public init(at: String? = nil, asOf: String? = nil, since: String? = nil, until: String? = nil,
                minConfidence: String? = nil, severity: String? = nil) {
        self.at = at
        self.asOf = asOf
        self.since = since
        self.until = until
        self.minConfidence = minConfidence
        self.severity = severity
    }

    /// ``at``, parsed.
    /// - Throws: ``LedgerError`` `.invalid(.at)`.
    public func atMoment() throws -> Moment? { try at.map { try Moment(parsing: $0, option: .at) } }

    /// ``asOf``, parsed.
    /// - Throws: ``LedgerError`` `.invalid(.asOf)`.
    public func asOfPoint() throws -> AsOf? { try asOf.map { try AsOf(parsing: $0) } }

    /// ``since``, parsed.
    /// - Throws: ``LedgerError`` `.invalid(.since)`.
    public func sinceMoment() throws -> Moment? { try since.map { try Moment(parsing: $0, option: .since) } }

    /// ``until``, parsed.
    /// - Throws: ``LedgerError`` `.invalid(.periodEnd)`.
    public func untilMoment() throws -> Moment? { try until.map { try Moment(parsing: $0, option: .periodEnd) } }

    /// ``minConfidence``, parsed.
    /// - Throws: ``LedgerError`` `.invalid(.minConfidence)`.
    public func confidenceThreshold() throws -> Confidence? {
        try minConfidence.map { try Confidence(parsing: $0, option: .minConfidence) }
    }

    /// ``severity``, parsed.
    /// - Throws: ``LedgerError`` `.invalid(.severity)`.
    public func severityThreshold() throws -> Severity? { try severity.map { try Severity(parsing: $0, option: .severity) } }
}

extension ReportOptions {
    /// A report's options from raw words (`at`, `asOf`, `minConfidence`; the
    /// default threshold is confirmed).
    /// - Throws: ``LedgerError`` `.invalid(field)` for the first malformed one.
    public init(_ input: QueryInput, agreement: String? = nil, party: String? = nil) throws {
        self.init(at: try input.atMoment(), asOf: try input.asOfPoint(),
                  minConfidence: try input.confidenceThreshold() ?? .confirmed, agreement: agreement, party: party)
    }
}

extension BreachQuery {
    /// A breach listing's bounds from raw words (`since`, `until`, `at`,
    /// `asOf`, `severity`, `minConfidence`; by default every confidence).
    /// - Throws: ``LedgerError`` `.invalid(field)` for the first malformed one.
    public init(_ input: QueryInput) throws {
        self.init()
        since = try input.sinceMoment()
        until = try input.untilMoment()
        at = try input.atMoment()
        asOf = try input.asOfPoint()
        severity = try input.severityThreshold()
        minConfidence = try input.confidenceThreshold() ?? .unverified
    }
}

extension ExportOptions {
    /// An export's options from raw words (`asOf`, `at`).
    /// - Throws: ``LedgerError`` `.invalid(field)` for the first malformed one.
    public init(_ input: QueryInput, status: RecordStatusFilter = .current) throws {
        self.init(asOf: try input.asOfPoint(), at: try input.atMoment(), status: status)
    }
}
