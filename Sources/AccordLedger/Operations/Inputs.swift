/// What a user gives to add a party, as typed (validated by the ledger).
public struct PartyInput: Sendable {
    /// The party's id, as typed (letters, digits, `-`, `_`, `.`; unique in the ledger).
    public var id: String
    /// The party's name as it should be shown.
    public var name: String
    /// `state`, `group` or `organisation`, as typed; nil for none.
    public var kind: String?

    /// A party from what was typed; the ledger validates it when it records it.
    public init(id: String, name: String, kind: String? = nil) {
        self.id = id
        self.name = name
        self.kind = kind
    }
}

/// What a user gives to add an agreement.
public struct AgreementInput: Sendable {
    /// The agreement's id, as typed.
    public var id: String
    /// The agreement's title.
    public var title: String
    /// The day it was signed (YYYY-MM-DD), as typed; nil when not given.
    public var date: String?
    /// Where it was signed; nil when not given.
    public var venue: String?

    /// An agreement from what was typed; the ledger validates it when it records it.
    public init(id: String, title: String, date: String? = nil, venue: String? = nil) {
        self.id = id
        self.title = title
        self.date = date
        self.venue = venue
    }
}

/// What a user gives to add a commitment.
public struct CommitmentInput: Sendable {
    /// The commitment's id, as typed.
    public var id: String
    /// The id of the agreement it belongs to (must exist).
    public var agreement: String
    /// The id of the party that commits (must exist).
    public var party: String
    /// A quantity commitment's target, as typed (a number with at most ``decimals`` places); nil for an action or restraint.
    public var quantity: String?
    /// What the target counts (`prisoners`, `km`); given with ``quantity``.
    public var unit: String?
    /// Decimal places of its quantities (0–6; default 0).
    public var decimals: String?
    /// True for an action commitment (done or not done; no quantity).
    public var action = false
    /// True for a restraint (kept unless breached, over a window).
    public var restraint = false
    /// The day (or time) it is due by, as typed; nil for none.
    public var due: String?
    /// The first day of its window, as typed; nil for none.
    public var from: String?
    /// The last day of its window, as typed; nil for none.
    public var until: String?
    /// The id of the commitment it is reciprocal with (must exist); nil for none.
    public var reciprocal: String?
    /// The ids of the commitments it depends on (each must exist); empty for none.
    public var dependsOn: [String] = []
    /// Its wording in the agreement; nil when not given.
    public var text: String?

    /// A commitment's required fields; set the others as the kind needs.
    public init(id: String, agreement: String, party: String) {
        self.id = id
        self.agreement = agreement
        self.party = party
    }
}

/// What a user gives to withdraw a commitment.
public struct WithdrawalInput: Sendable {
    /// The id of the commitment withdrawn.
    public var commitment: String
    /// The day it is withdrawn from, as typed; nil for the recording day.
    public var date: String?
    /// Why it is withdrawn (required).
    public var reason: String

    /// A withdrawal from what was typed.
    public init(commitment: String, date: String? = nil, reason: String) {
        self.commitment = commitment
        self.date = date
        self.reason = reason
    }
}

/// What a user gives to add a guarantee.
public struct GuaranteeInput: Sendable {
    /// The guarantee's id, as typed.
    public var id: String
    /// The id of the guarantor party (must exist).
    public var guarantor: String
    /// The ids of the commitments it covers (at least one; each must exist).
    public var covers: [String]
    /// What the guarantor undertakes to do on a breach.
    public var consequence: String
    /// Days the guarantor has to invoke it after a counted breach, as typed; nil for the default.
    public var respondWithinDays: String?

    /// A guarantee from what was typed; the ledger validates it when it records it.
    public init(id: String, guarantor: String, covers: [String], consequence: String, respondWithinDays: String? = nil) {
        self.id = id
        self.guarantor = guarantor
        self.covers = covers
        self.consequence = consequence
        self.respondWithinDays = respondWithinDays
    }
}

/// What a user gives to record that a guarantor invoked a guarantee.
public struct InvocationInput: Sendable {
    /// The id of the guarantee invoked.
    public var guarantee: String
    /// The day the guarantor invoked it, as typed (YYYY-MM-DD or a time).
    public var date: String
    /// A note on the invocation; nil for none.
    public var note: String?

    /// An invocation from what was typed.
    public init(guarantee: String, date: String, note: String? = nil) {
        self.guarantee = guarantee
        self.date = date
        self.note = note
    }
}

/// Evidence and location fields shared by verifications, breaches and corroborations.
public struct EvidenceInput: Sendable {
    /// The SHA-256 of the evidence's bytes, as an ``EvidenceDigest`` the
    /// front end fed them to computed it: the engine never opens a file it
    /// was not handed. The bytes themselves are not stored.
    public var contentDigest: [UInt8]?
    /// The SHA-256 as the user gave it (64 hexadecimal digits).
    public var sha256: String?
    /// Where the evidence can be found (a URL or another URI); nil for none.
    public var uri: String?

    /// Evidence as given: a digest computed from its bytes, or the hex SHA-256 typed, and where it is; all nil for none.
    public init(contentDigest: [UInt8]? = nil, sha256: String? = nil, uri: String? = nil) {
        self.contentDigest = contentDigest
        self.sha256 = sha256
        self.uri = uri
    }
}

/// Where something was observed, as typed.
public struct LocationInput: Sendable {
    /// The place's name, as typed; nil for none.
    public var place: String?
    /// Latitude in decimal degrees (WGS 84), as typed; given with ``lon``.
    public var lat: String?
    /// Longitude in decimal degrees (WGS 84), as typed; given with ``lat``.
    public var lon: String?
    /// How exact the coordinates are: `exact`, `near` or `region`, as typed; nil for the default.
    public var precision: String?

    /// A location from what was typed; all nil for none.
    public init(place: String? = nil, lat: String? = nil, lon: String? = nil, precision: String? = nil) {
        self.place = place
        self.lat = lat
        self.lon = lon
        self.precision = precision
    }
}

/// Who reported, what kind of source, how sure; confidence defaults to confirmed.
public struct SourceInput: Sendable {
    /// Who reported it (a person, an organisation, a publication).
    public var name: String
    /// What kind of source: `official`, `monitor`, `ngo`, `media`, `imagery` or `other`, as typed; nil for none.
    public var kind: String?
    /// `confirmed`, `probable` or `unverified`, as typed; nil for confirmed.
    public var confidence: String?

    /// A source from what was typed.
    public init(name: String, kind: String? = nil, confidence: String? = nil) {
        self.name = name
        self.kind = kind
        self.confidence = confidence
    }
}

/// What a monitor gives to log a verification.
public struct VerificationInput: Sendable {
    /// The id of the commitment observed.
    public var commitment: String
    /// The quantity observed, for a quantity commitment, as typed; nil with ``done`` or ``notDone``.
    public var quantity: String?
    /// True when an action was observed done.
    public var done = false
    /// True when an action was observed not done (yet).
    public var notDone = false
    /// When it was observed, as typed (YYYY-MM-DD or a time with its zone).
    public var observed: String
    /// How exact the observed date is: `day`, `week` or `month`, as typed; nil for day.
    public var precision: String?
    /// Who reported it, and how sure they are.
    public var source: SourceInput
    /// The caller's own id for the record (re-sending it with the same content is harmless); nil for none.
    public var externalID: String?
    /// The evidence behind it; empty for none.
    public var evidence = EvidenceInput()
    /// A free-text note; nil for none.
    public var note: String?
    /// Where it was observed; empty for nowhere in particular.
    public var location = LocationInput()

    /// A verification's required fields; set the quantity or outcome and the others as given.
    public init(commitment: String, observed: String, source: SourceInput) {
        self.commitment = commitment
        self.observed = observed
        self.source = source
    }
}

/// What a monitor gives to report a breach.
public struct BreachInput: Sendable {
    /// The id of the commitment breached.
    public var commitment: String
    /// The party in breach: the commitment's obligor (nil: the obligor; any other is refused).
    public var party: String?
    /// When it was observed, as typed (YYYY-MM-DD or a time with its zone).
    public var observed: String
    /// How exact the observed date is: `day`, `week` or `month`, as typed; nil for day.
    public var precision: String?
    /// `minor`, `major` or `grave`, as typed.
    public var severity: String
    /// Who reported it, and how sure they are.
    public var source: SourceInput
    /// What happened; nil when not given.
    public var description: String?
    /// The caller's own id for the record (re-sending it with the same content is harmless); nil for none.
    public var externalID: String?
    /// The evidence behind it; empty for none.
    public var evidence = EvidenceInput()
    /// A free-text note; nil for none.
    public var note: String?
    /// Where it was observed; empty for nowhere in particular.
    public var location = LocationInput()

    /// A breach's required fields; set the others as given.
    public init(commitment: String, party: String? = nil, observed: String, severity: String, source: SourceInput) {
        self.commitment = commitment
        self.party = party
        self.observed = observed
        self.severity = severity
        self.source = source
    }
}

/// What a monitor gives to corroborate an existing verification or breach.
public struct CorroborationInput: Sendable {
    /// The corroborated entry: its seq or its external id.
    public var target: String
    /// Who else reports it, and how sure they are.
    public var source: SourceInput
    /// The caller's own id for the corroboration; nil for none.
    public var externalID: String?
    /// The evidence behind it; empty for none.
    public var evidence = EvidenceInput()
    /// A free-text note; nil for none.
    public var note: String?

    /// A corroboration of `target` (a seq or an external id) by `source`.
    public init(target: String, source: SourceInput) {
        self.target = target
        self.source = source
    }
}
