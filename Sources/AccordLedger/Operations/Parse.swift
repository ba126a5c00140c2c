import Crypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parsers for the values users type, each failing with a message that names
/// the field and says what is expected.
enum Parse {
    /// The largest quantity accepted (sums of many stay far from overflow).
    static let maximumQuantity: Int64 = 1_000_000_000_000

    /// A whole number of items: digits only, no sign, no decimal point.
    static func count(_ raw: String, field: String, allowZero: Bool, maximum: Int64 = maximumQuantity,
                      unit: String = "") throws -> Int64 {
        let text = TextRules.trimmed(raw)
        guard !text.isEmpty else { throw LedgerError.badInput("\(field) is empty; give a whole number") }
        guard text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            if text.hasPrefix("-") {
                throw LedgerError.badInput("\(field) '\(TextRules.printable(text))' is negative; give a whole number \(allowZero ? "0" : "1") or more")
            }
            throw LedgerError.badInput("\(field) '\(TextRules.printable(text))' is not a whole number")
        }
        guard text.utf8.count <= 13, let value = Int64(text), value <= maximum else {
            throw LedgerError.badInput("\(field) '\(TextRules.printable(text))' is too large; at most \(maximum)\(unit)")
        }
        if !allowZero && value == 0 { throw LedgerError.badInput("\(field) must be at least 1") }
        return value
    }

    static func date(_ raw: String, field: String) throws -> Moment {
        try Moment(parsing: TextRules.trimmed(raw), field: field)
    }

    static func optionalDate(_ raw: String?, field: String) throws -> Moment? {
        guard let raw, !TextRules.trimmed(raw).isEmpty else { return nil }
        return try date(raw, field: field)
    }

    /// A calendar date (`YYYY-MM-DD`) for terms judged by the day: due dates,
    /// windows, effective dates, invocations, withdrawals, agreements' dates.
    /// A time is refused, so each such column holds one type.
    static func calendarDate(_ raw: String, field: String) throws -> Moment {
        let moment = try date(raw, field: field)
        guard !moment.hasTime else {
            throw LedgerError.badInput("\(field) '\(TextRules.printable(TextRules.trimmed(raw)))' has a time; give the calendar date "
                                       + "(YYYY-MM-DD): it is judged by the day where it applies")
        }
        return moment
    }

    static func optionalCalendarDate(_ raw: String?, field: String) throws -> Moment? {
        guard let raw, !TextRules.trimmed(raw).isEmpty else { return nil }
        return try calendarDate(raw, field: field)
    }

    static func word<V: Vocabulary>(_ raw: String?, _ type: V.Type, field: String) throws -> V? {
        guard let raw, !TextRules.trimmed(raw).isEmpty else { return nil }
        return try V(parsing: TextRules.trimmed(raw), field: field)
    }

    /// Degrees as a decimal number with at most 7 decimal places, in 10⁻⁷ degree units.
    static func degrees(_ raw: String, field: String, limit: Int64) throws -> Int64 {
        let text = TextRules.trimmed(raw)
        var bytes = Array(text.utf8)
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            bytes.removeFirst()
        }
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        func fail(_ why: String) -> LedgerError {
            LedgerError.badInput("\(field) '\(TextRules.printable(text))' \(why)")
        }
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty, whole.count <= 3,
              whole.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw fail("is not a number of degrees, such as 50.4501")
        }
        var fraction: ArraySlice<UInt8> = []
        if parts.count == 2 {
            fraction = parts[1]
            guard !fraction.isEmpty, fraction.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw fail("is not a number of degrees, such as 50.4501")
            }
            guard fraction.count <= 7 else { throw fail("has more than 7 decimal places") }
        }
        var value: Int64 = 0
        for digit in whole { value = value * 10 + Int64(digit - 0x30) }
        var scaled: Int64 = 0
        for index in 0..<7 {
            scaled = scaled * 10 + (index < fraction.count ? Int64(fraction[fraction.startIndex + index] - 0x30) : 0)
        }
        let total = value * 10_000_000 + scaled
        guard total <= limit * 10_000_000 else { throw fail("is outside -\(limit)…\(limit)") }
        return negative ? -total : total
    }

    /// A SHA-256 given as 64 hex digits (either case).
    static func sha256(_ raw: String, field: String) throws -> [UInt8] {
        let text = TextRules.trimmed(raw)
        guard text.utf8.count == 64, let bytes = bytes(fromHex: text) else {
            throw LedgerError.badInput("\(field) '\(TextRules.printable(text))' is not a SHA-256: give 64 hexadecimal digits")
        }
        return bytes
    }

    /// The SHA-256 of a file's contents, read in chunks.
    static func sha256(ofFile path: String, field: String) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw LedgerError.badInput("\(field) \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw LedgerError.badInput("\(field) \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
        return Array(hasher.finalize())
    }

    static func evidence(_ input: EvidenceInput) throws -> Evidence {
        var sha: [UInt8]?
        let shaText = input.sha256.flatMap { TextRules.trimmed($0).isEmpty ? nil : $0 }
        let fileText = input.file.flatMap { TextRules.trimmed($0).isEmpty ? nil : $0 }
        switch (fileText, shaText) {
        case (let file?, nil): sha = try sha256(ofFile: file, field: "--evidence")
        case (nil, let hex?): sha = try sha256(hex, field: "evidence_sha256")
        case (_?, _?): throw LedgerError.badInput("give either --evidence FILE or --evidence-sha256 HEX, not both")
        case (nil, nil): sha = nil
        }
        return Evidence(sha256: sha, uri: try evidenceURI(input.uri))
    }

    /// The URI schemes an evidence location may use: web links, and
    /// identifiers that name a document without fetching anything.
    static let evidenceSchemes = ["http", "https", "urn", "doi"]

    /// What an evidence URI may be, for messages.
    static let evidenceURIAdvice = "give an http:// or https:// link with a host, or a urn: or doi: identifier "
        + "(e.g. https://example.org/report.pdf, urn:uuid:…, doi:10.1000/182)"

    /// An evidence location (nil or empty: none): `http` or `https` with `//`
    /// and a host, or `urn:` or `doi:` followed by something. The scheme is
    /// matched without regard to case; anything else (`javascript:`, `data:`,
    /// `file:`, no scheme at all) is refused, since a reader may click it.
    static func evidenceURI(_ raw: String?) throws -> String? {
        guard let uri = try TextRules.optionalLine(raw, field: "evidence_uri", limit: 2_000) else { return nil }
        func refuse(_ why: String) -> LedgerError {
            LedgerError.badInput("evidence_uri '\(TextRules.printable(uri))' \(why); \(evidenceURIAdvice)")
        }
        let bytes = Array(uri.utf8)
        // RFC 3986: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ":".
        func isSchemeByte(_ byte: UInt8, first: Bool) -> Bool {
            let letter = (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
            if first { return letter }
            return letter || (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: ".")
        }
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), colon > 0,
              bytes[..<colon].enumerated().allSatisfy({ isSchemeByte($1, first: $0 == 0) }) else {
            throw refuse("has no scheme")
        }
        let scheme = String(decoding: bytes[..<colon], as: UTF8.self).lowercased()
        guard evidenceSchemes.contains(scheme) else { throw refuse("uses the scheme \(scheme):, which is not accepted") }
        let rest = bytes[(colon + 1)...]
        guard !rest.isEmpty else { throw refuse("has nothing after \(scheme):") }
        if scheme == "http" || scheme == "https" {
            guard rest.starts(with: Array("//".utf8)) else { throw refuse("has no // after \(scheme):") }
            // The authority runs to the first / ? or #; the host follows any user info and precedes any port.
            let authority = rest.dropFirst(2).prefix {
                $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#")
            }
            var host = authority.lastIndex(of: UInt8(ascii: "@")).map { authority[($0 + 1)...] } ?? authority
            if host.first != UInt8(ascii: "["), let port = host.lastIndex(of: UInt8(ascii: ":")) { host = host[..<port] }
            guard !host.isEmpty else { throw refuse("has no host") }
        }
        return uri
    }

    static func location(_ input: LocationInput) throws -> Location {
        let place = try TextRules.optionalLine(input.place, field: "place")
        let lat = input.lat.flatMap { TextRules.trimmed($0).isEmpty ? nil : $0 }
        let lon = input.lon.flatMap { TextRules.trimmed($0).isEmpty ? nil : $0 }
        var coordinates: Coordinates?
        switch (lat, lon) {
        case (let lat?, let lon?):
            coordinates = Coordinates(latitude: try degrees(lat, field: "lat", limit: 90),
                                      longitude: try degrees(lon, field: "lon", limit: 180))
        case (nil, nil): coordinates = nil
        default: throw LedgerError.badInput("give both lat and lon, or neither")
        }
        let precision = try word(input.precision, GeoPrecision.self, field: "geo_precision")
        if precision != nil && coordinates == nil && place == nil {
            throw LedgerError.badInput("geo_precision needs a place or lat/lon to describe")
        }
        return Location(place: place, coordinates: coordinates, precision: precision)
    }

    static func source(_ input: SourceInput) throws -> Source {
        Source(name: try TextRules.line(input.name, field: "source"),
               kind: try word(input.kind, SourceKind.self, field: "source_kind") ?? .other,
               confidence: try word(input.confidence, Confidence.self, field: "confidence") ?? .confirmed)
    }

    static func externalID(_ raw: String?) throws -> String? {
        try TextRules.optionalLine(raw, field: "id", limit: TextRules.externalIDLimit)
    }
}
