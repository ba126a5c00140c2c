import AccordLedger
import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Source, evidence and location flags shared by `log`, `breach` and `correct`.
struct EvidenceOptions: ParsableArguments {
    @Option(help: "Who reports it (an organisation, a monitor, a newspaper).") var source: String?
    @Option(name: .customLong("source-kind"), help: "official, monitor, ngo, media, imagery or other.") var sourceKind: String?
    @Option(help: "confirmed (default; for a corroboration, that of the record it corroborates), probable or unverified.")
    var confidence: String?
    @Option(name: .customLong("id"), help: "An external id (a field form's row id); re-sending it is harmless.")
    var externalID: String?
    @Option(help: ArgumentHelp("A file to hash (SHA-256); the hash is recorded, not the file.", valueName: "file"))
    var evidence: String?
    @Option(name: .customLong("evidence-sha256"), help: ArgumentHelp("The evidence's SHA-256, if already known.", valueName: "hex"))
    var evidenceSHA256: String?
    @Option(name: .customLong("evidence-uri"), help: ArgumentHelp("Where the evidence is kept: an http:// or https:// link, or a urn: or doi: identifier.", valueName: "uri"))
    var evidenceURI: String?
    @Option(help: "A free-text note.") var note: String?
    @Option(help: "Where it was observed.") var place: String?
    @Option(parsing: .unconditional, help: "Latitude in degrees (-90…90), with --lon.") var lat: String?
    @Option(parsing: .unconditional, help: "Longitude in degrees (-180…180), with --lat.") var lon: String?
    @Option(name: .customLong("geo-precision"), help: "exact, near or region.") var geoPrecision: String?

    /// The evidence flags as the engine takes them: the --evidence file read
    /// and hashed here (the engine opens no file), the other two as given.
    /// - Throws: ``LedgerError`` `.invalid(.evidenceFile)` when the file cannot be read.
    func evidenceInput() throws -> EvidenceInput {
        let file = evidence.flatMap { $0.allSatisfy(\.isWhitespace) ? nil : $0 }
        // Both given: the engine refuses the pair, so the file is not read.
        let both = file != nil && !(evidenceSHA256 ?? "").allSatisfy(\.isWhitespace)
        let digest = both ? [] : try file.map(EvidenceOptions.digest(ofFile:))
        return EvidenceInput(contentDigest: digest, sha256: evidenceSHA256, uri: evidenceURI)
    }

    /// The SHA-256 of a file's contents, read in chunks.
    static func digest(ofFile path: String) throws -> [UInt8] {
        func refusal() -> LedgerError {
            LedgerError(.invalid(.evidenceFile), "\(option: .evidenceFile) \(path): \(String(cString: strerror(errno)))")
        }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw refusal() }
        defer { close(descriptor) }
        var digest = EvidenceDigest()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw refusal()
            }
            if count == 0 { break }
            buffer.withUnsafeBytes { digest.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
        return digest.finalize()
    }
    var locationInput: LocationInput { LocationInput(place: place, lat: lat, lon: lon, precision: geoPrecision) }

    func sourceInput() throws -> SourceInput {
        guard let source else { throw ValidationError("Missing expected argument '--source <source>'") }
        return SourceInput(name: source, kind: sourceKind, confidence: confidence)
    }
}

extension EvidenceOptions {
    /// The source, evidence and (with `location`) location flags as the
    /// recording routes' JSON fields. An --evidence file is hashed here, as
    /// for a local write: the server records its SHA-256 (it never sees the file).
    /// - Throws: ``LedgerError`` when the file cannot be read, or is given with --evidence-sha256.
    func remoteFields(location: Bool = true) throws -> [(String, JSON)] {
        let input = try evidenceInput()
        var sha = input.sha256.map(JSON.string) ?? .null
        if let digest = input.contentDigest {
            guard input.sha256.map({ $0.allSatisfy(\.isWhitespace) }) ?? true else {
                throw LedgerError(.invalid(.evidenceFile), "give either \(option: .evidenceFile) FILE or \(option: .evidenceSHA256) HEX, not both")
            }
            sha = .string(digest.map { byte in String(byte, radix: 16).count == 1 ? "0" + String(byte, radix: 16) : String(byte, radix: 16) }.joined())
        }
        var fields: [(String, JSON)] = [
            ("source", JSON(source)), ("sourceKind", JSON(sourceKind)), ("confidence", JSON(confidence)), ("id", JSON(externalID)),
            ("evidenceSha256", sha), ("evidenceUri", JSON(evidenceURI)), ("note", JSON(note)),
        ]
        if location {
            fields += [("place", JSON(place)), ("lat", JSON(lat)), ("lon", JSON(lon)), ("geoPrecision", JSON(geoPrecision))]
        }
        return fields
    }
}
