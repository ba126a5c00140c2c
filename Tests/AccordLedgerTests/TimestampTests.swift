import AccordLedger
import Testing

@Suite("Timestamp")
struct TimestampTests {
    @Test("ISO 8601 text, 24 characters, UTC, milliseconds", arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (1_747_386_000_000, "2025-05-16T09:00:00.000Z"),
        (1_747_386_000_007, "2025-05-16T09:00:00.007Z"),
        (951_782_399_999, "2000-02-28T23:59:59.999Z"),
        (951_868_800_000, "2000-03-01T00:00:00.000Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (-2_208_988_800_000, "1900-01-01T00:00:00.000Z"),
        (32_503_680_000_000, "3000-01-01T00:00:00.000Z"),
    ])
    func iso8601(milliseconds: Int64, text: String) {
        #expect(Timestamp(milliseconds: milliseconds).iso8601 == text)
    }
}
