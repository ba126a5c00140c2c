@testable import AccordLedger
import Testing

/// The import's fast paths give exactly what the general code gave.
@Suite("Fast paths")
struct FastPathTests {
    /// The original formatting of degrees, kept as the reference.
    static func referenceDegrees(_ value: Int64) -> String {
        let sign = value < 0 ? "-" : ""
        let magnitude = value.magnitude
        let whole = magnitude / 10_000_000
        var fraction = String(magnitude % 10_000_000)
        fraction = String(repeating: "0", count: 7 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return sign + String(whole) + (fraction.isEmpty ? "" : "." + fraction)
    }

    @Test("degrees text equals the reference for edge and random values")
    func degrees() {
        var values: [Int64] = [0, 1, -1, 10, 9_999_999, 10_000_000, -10_000_000, 1_800_000_000, -1_800_000_000,
                               900_000_000, 499_935_000, 362_304_000, 5, 50, 1_000_001]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 { values.append(Int64.random(in: -1_800_000_000...1_800_000_000, using: &generator)) }
        for value in values {
            #expect(Coordinates.degrees(value) == Self.referenceDegrees(value), "\(value)")
        }
    }

    @Test("trimmed, line and identifier keep their meaning on the fast paths")
    func text() throws {
        for (raw, trimmed) in [("abc", "abc"), (" abc", "abc"), ("abc\t", "abc"), ("\u{00A0}x\u{2003}", "x"), ("", ""),
                               ("  ", ""), ("a b", "a b"), ("é", "é"), ("\nx\r\n", "x")] {
            #expect(TextRules.trimmed(raw) == trimmed, "\(raw)")
        }
        #expect(try TextRules.line("Caf\u{0065}\u{0301}", field: .source) == "Café")
        #expect(throws: LedgerError.self) { try TextRules.line("a\u{0085}b", field: .source) }
        #expect(throws: LedgerError.self) { try TextRules.line("a\u{7F}b", field: .source) }
        #expect(try TextRules.line(" ICRC ", field: .source) == "ICRC")
        #expect(try TextRules.identifier("UA-release.2:x/y_z", field: .externalID) == "UA-release.2:x/y_z")
        #expect(throws: LedgerError.self) { try TextRules.identifier("-UA", field: .externalID) }
        #expect(throws: LedgerError.self) { try TextRules.identifier("U A", field: .externalID) }
        #expect(try Confidence(parsing: "Probable", field: .confidence) == .probable)
        #expect(try SourceKind(parsing: "ngo", field: .confidence) == .ngo)
        #expect(try Moment(parsing: "2025-05-23", field: .date).text == "2025-05-23")
        #expect(try Moment(parsing: "2025-05-23T14:00:00+03:00", field: .date).text == "2025-05-23T14:00:00+03:00")
        #expect(try Moment(parsing: "2025-05-23t14:00+0300", field: .date).text == "2025-05-23T14:00:00+03:00")
        #expect(try Moment(parsing: "2025-05-23T14:00:00.250-00:00", field: .date).text == "2025-05-23T14:00:00.250Z")
        #expect(hexString([0x00, 0x9f, 0xff, 0x10]) == "009fff10")
    }
}
