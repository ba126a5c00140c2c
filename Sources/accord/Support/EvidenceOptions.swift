import AccordLedger
import ArgumentParser

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

    var evidenceInput: EvidenceInput { EvidenceInput(file: evidence, sha256: evidenceSHA256, uri: evidenceURI) }
    var locationInput: LocationInput { LocationInput(place: place, lat: lat, lon: lon, precision: geoPrecision) }

    func sourceInput() throws -> SourceInput {
        guard let source else { throw ValidationError("Missing expected argument '--source <source>'") }
        return SourceInput(name: source, kind: sourceKind, confidence: confidence)
    }
}
