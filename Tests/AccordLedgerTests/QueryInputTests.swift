@testable import AccordLedger
import Testing

/// Query options arrive as the user's words; the engine parses them once for
/// every front end, and a bad one names its field, which each front end
/// phrases as its user typed it.
@Suite("Query inputs as data")
struct QueryInputTests {
    /// A phrasing that names fields as an HTTP API's query parameters do.
    struct ParameterPhrasing: Phrasing {
        func name(_ field: Field) -> String { "?" + field.key }
        func option(_ field: Field) -> String { "?" + field.key }
        func hint(_ hint: Hint) -> String { "" }
    }

    static let malformed: [(input: QueryInput, field: Field, option: String)] = [
        (QueryInput(at: "2025-13-01"), .at, "--at"),
        (QueryInput(asOf: "yesterday"), .asOf, "--as-of"),
        (QueryInput(asOf: "0"), .asOf, "--as-of"),
        (QueryInput(since: "soon"), .since, "--since"),
        (QueryInput(until: "2025-02-30"), .periodEnd, "--until"),
        (QueryInput(minConfidence: "sure"), .minConfidence, "--min-confidence"),
        (QueryInput(severity: "awful"), .severity, "--severity"),
    ]

    @Test("a malformed option is invalid(field), named as an option on the command line and as a parameter by an API",
          arguments: 0..<QueryInputTests.malformed.count)
    func namesTheField(index: Int) throws {
        let (input, field, option) = Self.malformed[index]
        let error = ledgerError { _ = try BreachQuery(input) }
        #expect(error?.kind == .invalid(field))
        let command = try #require(error?.message(CommandLinePhrasing()))
        #expect(command.hasPrefix(option + ":") || command.hasPrefix(option + " "), "\(command)")
        let api = try #require(error?.message(ParameterPhrasing()))
        #expect(api.hasPrefix("?" + field.key + ":") || api.hasPrefix("?" + field.key + " "), "\(api)")
        #expect(!api.contains("--"), "\(api)")
    }

    @Test("well-formed words become the typed options; what is not given keeps each query's default")
    func parses() throws {
        let input = QueryInput(at: "2025-06-10", asOf: "7", since: "2025-05-01", until: "2025-06-01",
                               minConfidence: "Probable", severity: "major")
        let report = try ReportOptions(input, agreement: "A", party: "P")
        #expect(report.at?.text == "2025-06-10")
        #expect(report.asOf == .seq(7))
        #expect(report.minConfidence == .probable)
        #expect(report.agreement == "A" && report.party == "P")
        let breaches = try BreachQuery(input)
        #expect(breaches.since?.text == "2025-05-01" && breaches.until?.text == "2025-06-01")
        #expect(breaches.severity == .major && breaches.minConfidence == .probable)
        let export = try ExportOptions(QueryInput(at: "2025-06-10", asOf: "2025-06-01T12:00:00Z"), status: .all)
        #expect(export.asOf == .time(try Moment(parsing: "2025-06-01T12:00:00Z", field: .asOf)))
        #expect(export.status == .all)
        #expect(try ReportOptions(QueryInput()).minConfidence == .confirmed)
        #expect(try BreachQuery(QueryInput()).minConfidence == .unverified)
    }
}
