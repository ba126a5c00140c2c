/// What a user gives to add a party, as typed (validated by the ledger).
public struct PartyInput: Sendable {
    public var id: String
    public var name: String
    public var kind: String?

    public init(id: String, name: String, kind: String? = nil) {
        self.id = id
        self.name = name
        self.kind = kind
    }
}

/// What a user gives to add an agreement.
public struct AgreementInput: Sendable {
    public var id: String
    public var title: String
    public var date: String?
    public var venue: String?

    public init(id: String, title: String, date: String? = nil, venue: String? = nil) {
        self.id = id
        self.title = title
        self.date = date
        self.venue = venue
    }
}

/// What a user gives to add a commitment.
public struct CommitmentInput: Sendable {
    public var id: String
    public var agreement: String
    public var party: String
    public var quantity: String?
    public var unit: String?
    /// Decimal places of its quantities (0–6; default 0).
    public var decimals: String?
    public var action = false
    public var restraint = false
    public var due: String?
    public var from: String?
    public var until: String?
    public var reciprocal: String?
    public var dependsOn: [String] = []
    public var text: String?

    public init(id: String, agreement: String, party: String) {
        self.id = id
        self.agreement = agreement
        self.party = party
    }
}

/// What a user gives to withdraw a commitment.
public struct WithdrawalInput: Sendable {
    public var commitment: String
    public var date: String?
    public var reason: String

    public init(commitment: String, date: String? = nil, reason: String) {
        self.commitment = commitment
        self.date = date
        self.reason = reason
    }
}

/// What a user gives to add a guarantee.
public struct GuaranteeInput: Sendable {
    public var id: String
    public var guarantor: String
    public var covers: [String]
    public var consequence: String
    public var respondWithinDays: String?

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
    public var guarantee: String
    public var date: String
    public var note: String?

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
    public var uri: String?

    public init(contentDigest: [UInt8]? = nil, sha256: String? = nil, uri: String? = nil) {
        self.contentDigest = contentDigest
        self.sha256 = sha256
        self.uri = uri
    }
}

/// Where something was observed, as typed.
public struct LocationInput: Sendable {
    public var place: String?
    public var lat: String?
    public var lon: String?
    public var precision: String?

    public init(place: String? = nil, lat: String? = nil, lon: String? = nil, precision: String? = nil) {
        self.place = place
        self.lat = lat
        self.lon = lon
        self.precision = precision
    }
}

/// Who reported, what kind of source, how sure; confidence defaults to confirmed.
public struct SourceInput: Sendable {
    public var name: String
    public var kind: String?
    public var confidence: String?

    public init(name: String, kind: String? = nil, confidence: String? = nil) {
        self.name = name
        self.kind = kind
        self.confidence = confidence
    }
}

/// What a monitor gives to log a verification.
public struct VerificationInput: Sendable {
    public var commitment: String
    public var quantity: String?
    public var done = false
    public var notDone = false
    public var observed: String
    public var precision: String?
    public var source: SourceInput
    public var externalID: String?
    public var evidence = EvidenceInput()
    public var note: String?
    public var location = LocationInput()

    public init(commitment: String, observed: String, source: SourceInput) {
        self.commitment = commitment
        self.observed = observed
        self.source = source
    }
}

/// What a monitor gives to report a breach.
public struct BreachInput: Sendable {
    public var commitment: String
    /// The party in breach: the commitment's obligor (nil: the obligor; any other is refused).
    public var party: String?
    public var observed: String
    public var precision: String?
    public var severity: String
    public var source: SourceInput
    public var description: String?
    public var externalID: String?
    public var evidence = EvidenceInput()
    public var note: String?
    public var location = LocationInput()

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
    public var source: SourceInput
    public var externalID: String?
    public var evidence = EvidenceInput()
    public var note: String?

    public init(target: String, source: SourceInput) {
        self.target = target
        self.source = source
    }
}
