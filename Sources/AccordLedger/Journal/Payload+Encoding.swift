/// How payload fields are written and read in the canonical encoding (docs/JOURNAL.md §1).
extension CanonicalWriter {
    mutating func moment(_ value: Moment) {
        string(value.text)
    }

    mutating func source(_ value: Source) {
        string(value.name)
        word(value.kind)
        word(value.confidence)
    }

    mutating func evidence(_ value: Evidence) {
        optional(value.sha256) { $0.raw($1) }
        optionalString(value.uri)
    }

    mutating func location(_ value: Location) {
        optionalString(value.place)
        optional(value.coordinates) { writer, coordinates in
            writer.i64(coordinates.latitude)
            writer.i64(coordinates.longitude)
        }
        optional(value.precision) { $0.word($1) }
    }

    mutating func measure(_ value: Measure) {
        switch value {
        case .quantity(let quantity):
            u8(1)
            i64(quantity.units)
            if version >= 2 { u8(quantity.scale) }
        case .done:
            u8(2)
        case .notDone:
            u8(3)
        }
    }

    mutating func verification(_ value: Verification) {
        optionalString(value.externalID)
        string(value.commitment)
        measure(value.measure)
        moment(value.observed)
        word(value.precision)
        source(value.source)
        evidence(value.evidence)
        optionalString(value.note)
        location(value.location)
    }

    mutating func breach(_ value: Breach) {
        optionalString(value.externalID)
        string(value.commitment)
        string(value.party)
        moment(value.observed)
        word(value.precision)
        word(value.severity)
        source(value.source)
        optionalString(value.description)
        evidence(value.evidence)
        optionalString(value.note)
        location(value.location)
    }
}

extension CanonicalReader {
    mutating func moment() throws -> Moment {
        let start = offset
        let text = try string()
        do {
            return try Moment(canonical: text, utcOnly: version < 2)
        } catch {
            throw Failure(offset: start, reason: "'\(TextRules.printable(text, limit: 40))' is not a canonical date")
        }
    }

    mutating func source() throws -> Source {
        Source(name: try string(), kind: try word(SourceKind.self), confidence: try word(Confidence.self))
    }

    mutating func evidence() throws -> Evidence {
        Evidence(sha256: try optional { try $0.raw(32) }, uri: try optionalString())
    }

    mutating func location() throws -> Location {
        Location(place: try optionalString(),
                 coordinates: try optional { reader -> Coordinates in
                     let start = reader.offset
                     let latitude = try reader.i64()
                     let longitude = try reader.i64()
                     // magnitude, not abs: abs(Int64.min) traps (found by Fuzz/Entry).
                     guard latitude.magnitude <= 900_000_000, longitude.magnitude <= 1_800_000_000 else {
                         throw Failure(offset: start, reason: "coordinates out of range")
                     }
                     return Coordinates(latitude: latitude, longitude: longitude)
                 },
                 precision: try optional { try $0.word(GeoPrecision.self) })
    }

    /// A quantity: 0 through ``Quantity/maximumUnits`` units, at a scale of
    /// 0–6 (version 2; version 1 quantities are whole numbers up to 10^12).
    /// Bounded here so that sums over forged entries stay checkable.
    /// - Parameter scaled: whether a scale byte follows (a measure's; a
    ///   commitment's target is scaled by its `decimals` field instead).
    mutating func quantity(scaled: Bool = true) throws -> Quantity {
        let start = offset
        let value = try i64()
        let scaleOffset = offset
        let scale = version >= 2 && scaled ? try u8() : 0
        guard scale <= Quantity.maximumScale else { throw Failure(offset: scaleOffset, reason: "scale \(scale) out of range") }
        // A target's scale is its commitment's decimals, read after it: bounded at the widest.
        guard value >= 0, value <= Quantity.maximumUnits(scale: scaled ? scale : Quantity.maximumScale) else {
            throw Failure(offset: start, reason: "quantity out of range")
        }
        return Quantity(units: value, scale: scale)
    }

    mutating func measure() throws -> Measure {
        switch try u8() {
        case 1: return .quantity(try quantity())
        case 2: return .done
        case 3: return .notDone
        default: throw fail("unknown measure code")
        }
    }

    mutating func verification() throws -> Verification {
        Verification(externalID: try optionalString(), commitment: try string(), measure: try measure(),
                     observed: try moment(), precision: try word(Precision.self), source: try source(),
                     evidence: try evidence(), note: try optionalString(), location: try location())
    }

    mutating func breach() throws -> Breach {
        Breach(externalID: try optionalString(), commitment: try string(), party: try string(),
               observed: try moment(), precision: try word(Precision.self), severity: try word(Severity.self),
               source: try source(), description: try optionalString(), evidence: try evidence(),
               note: try optionalString(), location: try location())
    }
}
