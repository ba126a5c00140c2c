/// What a verification says was observed.
public enum Measure: Hashable, Sendable {
    /// A quantity at its commitment's scale.
    case quantity(Quantity)
    /// An action observed done.
    case done
    /// An action observed not done (yet).
    case notDone

    /// `done` / `not_done` for actions, nil for quantities.
    public var outcome: String? {
        switch self {
        case .quantity: nil
        case .done: "done"
        case .notDone: "not_done"
        }
    }

    /// The quantity's units (at its commitment's scale); nil for actions.
    public var quantity: Int64? {
        if case .quantity(let value) = self { return value.units }
        return nil
    }
}

/// Who reported something, what kind of source it is, and how sure.
public struct Source: Hashable, Sendable {
    /// Who reported it.
    public var name: String
    /// What kind of source it is (official, monitor, NGO …).
    public var kind: SourceKind
    /// How sure the source is.
    public var confidence: Confidence
}

/// An evidence file's SHA-256 and where it is kept.
public struct Evidence: Hashable, Sendable {
    /// 32 bytes.
    public var sha256: [UInt8]?
    /// Where the evidence is kept (a URI); nil when not given.
    public var uri: String?

    /// No evidence: neither a hash nor a URI.
    public static let none = Evidence(sha256: nil, uri: nil)

    /// Lowercase hex of ``sha256``.
    public var sha256Hex: String? { sha256.map(hexString) }
}

/// Where something was observed.
public struct Location: Hashable, Sendable {
    /// The place's name; nil when not given.
    public var place: String?
    /// Latitude and longitude in units of 10⁻⁷ degree.
    public var coordinates: Coordinates?
    /// How exact the coordinates are; nil when there are none.
    public var precision: GeoPrecision?

    /// No location.
    public static let none = Location(place: nil, coordinates: nil, precision: nil)
}

/// A latitude and longitude, exactly, in units of 10⁻⁷ degree (no floating point).
public struct Coordinates: Hashable, Sendable {
    /// Latitude, in units of 10⁻⁷ degree (north positive).
    public var latitude: Int64
    /// Longitude, in units of 10⁻⁷ degree (east positive).
    public var longitude: Int64

    /// Degrees as decimal text, e.g. "50.4501".
    public var latitudeText: String { Coordinates.degrees(latitude) }
    /// Longitude as decimal text, e.g. "30.5234".
    public var longitudeText: String { Coordinates.degrees(longitude) }

    static func degrees(_ value: Int64) -> String {
        // At most "-180.1234567": written into one small buffer.
        String(unsafeUninitializedCapacity: 24) { buffer in
            var count = 0
            if value < 0 {
                buffer[0] = UInt8(ascii: "-")
                count = 1
            }
            let magnitude = value.magnitude
            let whole = magnitude / 10_000_000
            var fraction = magnitude % 10_000_000
            var divisor: UInt64 = 1
            while divisor * 10 <= whole { divisor *= 10 }
            while divisor > 0 {
                buffer[count] = UInt8(truncatingIfNeeded: 0x30 + (whole / divisor) % 10)
                count += 1
                divisor /= 10
            }
            guard fraction > 0 else { return count }
            buffer[count] = UInt8(ascii: ".")
            count += 1
            var places = 7
            while fraction % 10 == 0 {
                fraction /= 10
                places -= 1
            }
            for place in stride(from: places - 1, through: 0, by: -1) {
                var divisor: UInt64 = 1
                for _ in 0..<place { divisor *= 10 }
                buffer[count] = UInt8(truncatingIfNeeded: 0x30 + (fraction / divisor) % 10)
                count += 1
            }
            return count
        }
    }
}

/// Evidence logged by a monitor about a commitment.
public struct Verification: Hashable, Sendable {
    /// The caller's own id for the record; nil when none was given.
    public var externalID: String?
    /// The id of the commitment observed.
    public var commitment: String
    /// What was observed: a quantity, done or not done.
    public var measure: Measure
    /// When it was observed.
    public var observed: Moment
    /// How exact ``observed`` is: day, week or month.
    public var precision: Precision
    /// Who reported it, and how sure.
    public var source: Source
    /// The evidence behind it (``Evidence/none`` when none).
    public var evidence: Evidence
    /// A free-text note; nil for none.
    public var note: String?
    /// Where it was observed (``Location/none`` when not given).
    public var location: Location
}

/// A reported violation of a commitment by a party.
public struct Breach: Hashable, Sendable {
    /// The caller's own id for the record; nil when none was given.
    public var externalID: String?
    /// The id of the commitment breached.
    public var commitment: String
    /// The id of the party in breach (the commitment's obligor).
    public var party: String
    /// When it was observed.
    public var observed: Moment
    /// How exact ``observed`` is: day, week or month.
    public var precision: Precision
    /// Minor, major or grave.
    public var severity: Severity
    /// Who reported it, and how sure.
    public var source: Source
    /// What happened; nil when not given.
    public var description: String?
    /// The evidence behind it (``Evidence/none`` when none).
    public var evidence: Evidence
    /// A free-text note; nil for none.
    public var note: String?
    /// Where it was observed (``Location/none`` when not given).
    public var location: Location
}

/// Another source for an existing verification or breach. It never adds quantity.
public struct Corroboration: Hashable, Sendable {
    /// The caller's own id for the corroboration; nil when none was given.
    public var externalID: String?
    /// The corroborated record (the entry that first recorded it).
    public var record: Int64
    /// Who else reports it, and how sure.
    public var source: Source
    /// The evidence behind it (``Evidence/none`` when none).
    public var evidence: Evidence
    /// A free-text note; nil for none.
    public var note: String?
}

/// A verification or a breach.
public enum Record: Hashable, Sendable {
    /// A verification.
    case verification(Verification)
    /// A breach.
    case breach(Breach)

    /// The two kinds of record.
    public enum Kind: String, Sendable {
        /// A verification or a breach (the journal's words).
        case verification, breach
    }

    /// Which of the two this record is.
    public var kind: Kind {
        switch self {
        case .verification: .verification
        case .breach: .breach
        }
    }

    /// The id of the commitment it is about.
    public var commitment: String {
        switch self {
        case .verification(let value): value.commitment
        case .breach(let value): value.commitment
        }
    }

    /// The caller's own id for it; nil when none was given.
    public var externalID: String? {
        switch self {
        case .verification(let value): value.externalID
        case .breach(let value): value.externalID
        }
    }

    /// When it was observed.
    public var observed: Moment {
        switch self {
        case .verification(let value): value.observed
        case .breach(let value): value.observed
        }
    }

    /// Who reported it, and how sure.
    public var source: Source {
        switch self {
        case .verification(let value): value.source
        case .breach(let value): value.source
        }
    }
}

/// A corrected version of a verification or breach, superseding the current one.
public struct Correction: Hashable, Sendable {
    /// The corrected record (the seq of the entry that first recorded it).
    public var record: Int64
    /// Why it was corrected.
    public var reason: String
    /// The record's new version, whole.
    public var replacement: Record
}

/// Withdraws a verification, breach or corroboration.
public struct Retraction: Hashable, Sendable {
    /// The retracted record (the seq of the entry that first recorded it).
    public var record: Int64
    /// Why it was retracted.
    public var reason: String
}

/// Contests a verification or breach until it is adjudicated.
public struct Dispute: Hashable, Sendable {
    /// The disputed record (the seq of the entry that first recorded it).
    public var record: Int64
    /// Who disputes it (a party id or another name).
    public var by: String
    /// Why it is disputed.
    public var reason: String
    /// The source of the dispute; nil when not given.
    public var source: String?
}

/// Settles the disputes on a record.
public struct Adjudication: Hashable, Sendable {
    /// The record ruled on (the seq of the entry that first recorded it).
    public var record: Int64
    /// Upheld (the record stands) or rejected (it no longer counts).
    public var ruling: Ruling
    /// Why.
    public var reason: String
}

/// Lowercase hex of bytes.
func hexString(_ bytes: [UInt8]) -> String {
    String(unsafeUninitializedCapacity: bytes.count * 2) { buffer in
        func digit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }
        var index = 0
        for byte in bytes {
            buffer[index] = digit(byte >> 4)
            buffer[index + 1] = digit(byte & 0x0f)
            index += 2
        }
        return index
    }
}

/// Bytes from hex (either case), or nil.
func bytes(fromHex text: String) -> [UInt8]? {
    let utf8 = Array(text.utf8)
    guard utf8.count % 2 == 0 else { return nil }
    func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x61...0x66: c - 0x61 + 10
        case 0x41...0x46: c - 0x41 + 10
        default: nil
        }
    }
    var out: [UInt8] = []
    out.reserveCapacity(utf8.count / 2)
    var index = 0
    while index < utf8.count {
        guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
        out.append(high << 4 | low)
        index += 2
    }
    return out
}
