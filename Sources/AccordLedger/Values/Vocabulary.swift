import AccordStorage

/// A closed set of words with a one-byte code in the canonical encoding.
///
/// Each case's `rawValue` is the word users type and JSON prints; `code` is
/// the byte in the journal (docs/JOURNAL.md lists them). Codes never change.
public protocol Vocabulary: RawRepresentable<String>, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// The byte this word is stored as in the journal (never reused or changed).
    var code: UInt8 { get }
    /// What the word is, for error messages ("confidence", "severity").
    static var noun: String { get }
}

extension Vocabulary {
    /// The word itself (its raw value).
    public var description: String { rawValue }

    /// The noun with its article: "a severity", "an amendment subject".
    static var indefiniteNoun: String {
        ("aeiou".contains(noun.first ?? "x") ? "an " : "a ") + noun
    }

    /// The case with this canonical code.
    public init?(code: UInt8) {
        guard let match = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = match
    }

    /// A word as the ledger stored it, which must be one of the vocabulary's:
    /// another word means the row was altered outside Accord.
    /// - Throws: ``LedgerError`` `.tampered` naming the table and column.
    init(stored text: String, in place: String) throws {
        guard let value = Self(rawValue: text) else {
            throw LedgerError.tampered("\(place) holds '\(TextRules.printable(text, limit: 40))', which is not \(Self.indefiniteNoun)",
                                       hint: .audit)
        }
        self = value
    }

    /// A word as the projections store it, by its code, which must be one of
    /// the vocabulary's: another value means the row was altered outside Accord.
    /// - Throws: ``LedgerError`` `.tampered` naming the table and column.
    init(storedCode code: Int64, in place: String) throws {
        guard let byte = UInt8(exactly: code), let value = Self(code: byte) else {
            throw LedgerError.tampered("\(place) holds \(code), which is not the code of \(Self.indefiniteNoun)", hint: .audit)
        }
        self = value
    }

    /// The word's code as the projections store it (a column of integers).
    var storedCode: DatabaseValue { .integer(Int64(code)) }

    /// Parses a user's word (case-insensitive), or explains the choices.
    /// - Throws: ``LedgerError`` `.invalid(field)`.
    public init(parsing text: String, field: Field) throws {
        try self.init(parsing: text, field: field, label: "\(field)")
    }

    /// Parses a query option's word, named in the error message as an input to give.
    /// - Throws: ``LedgerError`` `.invalid(field)`.
    public init(parsing text: String, option field: Field) throws {
        try self.init(parsing: text, field: field, label: "\(option: field)")
    }

    init(parsing text: String, field: Field, label: Phrase) throws {
        if let exact = Self(rawValue: text) {
            self = exact
            return
        }
        let lowered = String(text.lowercased().map { $0 == "-" ? "_" : $0 })
        guard let match = Self.allCases.first(where: { $0.rawValue == lowered }) else {
            let choices = Self.allCases.map(\.rawValue).joined(separator: ", ")
            throw LedgerError.invalid(field, "\(label): '\(TextRules.printable(text))' is not \(Self.indefiniteNoun); use one of \(choices)")
        }
        self = match
    }
}

/// What kind of actor a party is.
public enum PartyKind: String, Vocabulary {
    /// A state; an armed or political group; an organisation (UN, an NGO, a company).
    case state, group, organisation
    /// The vocabulary's name in messages.
    public static let noun = "party kind"
    /// The byte the word is stored as in the journal.
    public var code: UInt8 {
        switch self {
        case .state: 1
        case .group: 2
        case .organisation: 3
        }
    }
}

/// The three shapes of obligation.
public enum CommitmentKind: String, Vocabulary {
    /// A target quantity of a unit, by a due date.
    case quantity
    /// Done or not done, by a due date.
    case action
    /// A standing obligation over a window.
    case restraint
    /// The vocabulary's name in messages.
    public static let noun = "commitment kind"
    /// The byte the word is stored as in the journal.
    public var code: UInt8 {
        switch self {
        case .quantity: 1
        case .action: 2
        case .restraint: 3
        }
    }
}

/// How precisely an observation's date is known.
public enum Precision: String, Vocabulary {
    /// Known to the day; to the week it falls in; to the month.
    case day, week, month
    /// The vocabulary's name in messages.
    public static let noun = "date precision"
    /// The byte the word is stored as in the journal.
    public var code: UInt8 {
        switch self {
        case .day: 1
        case .week: 2
        case .month: 3
        }
    }
}

/// Where a piece of evidence comes from.
public enum SourceKind: String, Vocabulary {
    /// A government or its body; a mandated monitor; a non-governmental organisation; the press; satellite or aerial imagery; anything else.
    case official, monitor, ngo, media, imagery, other
    /// The vocabulary's name in messages.
    public static let noun = "source kind"
    /// The byte the word is stored as in the journal.
    public var code: UInt8 {
        switch self {
        case .official: 1
        case .monitor: 2
        case .ngo: 3
        case .media: 4
        case .imagery: 5
        case .other: 6
        }
    }
}

/// How sure the recorder is. Only evidence at or above a report's threshold counts.
public enum Confidence: String, Vocabulary, Comparable {
    /// Most to least sure: confirmed, probable, unverified.
    case confirmed, probable, unverified
    /// The vocabulary's name in messages.
    public static let noun = "confidence level"
    /// The byte the word is stored as in the journal.
    public var code: UInt8 { UInt8(rank + 1) }

    /// 0 for confirmed (the strongest), 1 probable, 2 unverified. Evidence
    /// counts at threshold `t` when its rank is at most `t.rank`.
    public var rank: Int {
        switch self {
        case .confirmed: 0
        case .probable: 1
        case .unverified: 2
        }
    }

    /// The level at `rank` (0 confirmed, 1 probable, 2 unverified); nil outside that range.
    public init?(rank: Int) {
        guard let match = Confidence.allCases.first(where: { $0.rank == rank }) else { return nil }
        self = match
    }

    /// Stronger is greater: confirmed > probable > unverified.
    public static func < (lhs: Confidence, rhs: Confidence) -> Bool { lhs.rank > rhs.rank }
}

/// How grave a breach is.
public enum Severity: String, Vocabulary, Comparable {
    /// Least to most grave.
    case minor, major, grave
    /// The vocabulary's name in messages.
    public static let noun = "severity"
    /// The byte the word is stored as in the journal.
    public var code: UInt8 {
        switch self {
        case .minor: 1
        case .major: 2
        case .grave: 3
        }
    }
    /// Whether `lhs` is less grave than `rhs`.
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.code < rhs.code }
}

/// How precise a location is.
public enum GeoPrecision: String, Vocabulary {
    /// At the coordinates; near them; somewhere in the region around them.
    case exact, near, region
    /// The vocabulary's name in messages.
    public static let noun = "location precision"
    /// The byte the word is stored as in the journal.
    public var code: UInt8 {
        switch self {
        case .exact: 1
        case .near: 2
        case .region: 3
        }
    }
}

/// An adjudicator's decision on a disputed record.
public enum Ruling: String, Vocabulary {
    /// The record stands and counts again.
    case upheld
    /// The record is set aside and never counts.
    case rejected
    /// The vocabulary's name in messages.
    public static let noun = "ruling"
    /// The byte the word is stored as in the journal.
    public var code: UInt8 {
        switch self {
        case .upheld: 1
        case .rejected: 2
        }
    }
}

/// What a registered key may do.
public enum KeyRole: String, Vocabulary {
    /// Signs the entries of its holder (a monitor, a reviewer …).
    case monitor
    /// Also registers and revokes keys: once a ledger has an admin key, only
    /// entries signed by one may change who can sign.
    case admin
    /// The vocabulary's name in messages.
    public static let noun = "key role"
    /// The byte the word is stored as in the journal.
    public var code: UInt8 {
        switch self {
        case .monitor: 1
        case .admin: 2
        }
    }
}

/// The kinds of definition an amendment can change.
public enum AmendmentSubject: String, Vocabulary {
    /// The kinds of definition an amendment can change, by the word used for them.
    case commitment, party, agreement, guarantee
    /// The vocabulary's name in messages.
    public static let noun = "amendment subject"
    /// The byte the word is stored as in the journal.
    public var code: UInt8 {
        switch self {
        case .commitment: 1
        case .party: 2
        case .agreement: 3
        case .guarantee: 4
        }
    }
}

extension AmendmentSubject {
    /// The kind of thing an amendment of this subject changes.
    public var entity: Entity {
        switch self {
        case .commitment: .commitment
        case .party: .party
        case .agreement: .agreement
        case .guarantee: .guarantee
        }
    }
}

/// What a server token may do. Each request's actor is its
/// token's name.
public enum TokenRole: String, Vocabulary {
    /// Definitions, amendments, keys and tokens; every read.
    case admin
    /// Evidence (verifications, breaches, corroborations); reads.
    case monitor
    /// Corrections, retractions, disputes, adjudications; reads.
    case reviewer
    /// Every read, exports, the journal and proofs; writes nothing.
    case auditor
    /// Reports, breaches and the brief.
    case viewer
    /// The vocabulary's name in messages.
    public static let noun = "token role"
    /// The byte the word is stored as in the journal.
    public var code: UInt8 {
        switch self {
        case .admin: 1
        case .monitor: 2
        case .reviewer: 3
        case .auditor: 4
        case .viewer: 5
        }
    }
}
