@testable import AccordLedger
import Testing

/// Plain digits are read without the message-building path of
/// `Parse.quantity`; the value (or the refusal) must be the same.
@Suite("Parse.quantity: plain digits")
struct QuantityParsingTests {
    @Test("plain digits give the value the full rules give", arguments: [
        ("0", 0, Int64(0)), ("7", 0, 7), ("007", 0, 7), ("390", 0, 390), ("12", 2, 1_200), ("5", 6, 5_000_000),
        ("1000000000000", 0, 1_000_000_000_000), ("999999999", 6, 999_999_999_000_000), (" 12 ", 1, 120), ("12.5", 1, 125),
    ] as [(String, Int, Int64)])
    func plain(text: String, scale: Int, units: Int64) throws {
        let quantity = try Parse.quantity(text, field: .quantity, scale: UInt8(scale), allowZero: true)
        #expect(quantity == Quantity(units: units, scale: UInt8(scale)))
    }

    @Test("what the full rules refuse is still refused", arguments: [
        ("0", 0, false, "must be above 0"), ("1000000000001", 0, true, "too large"), ("10000000000000", 0, true, "too large"),
        ("00000000000001", 0, true, ""), ("1000000001", 6, true, "too large"), ("1,000", 0, true, "separator"),
    ] as [(String, Int, Bool, String)])
    func refused(text: String, scale: Int, allowZero: Bool, words: String) throws {
        if words.isEmpty {
            // Leading zeros beyond 13 digits: the full rules read the value.
            #expect(try Parse.quantity(text, field: .quantity, scale: UInt8(scale), allowZero: allowZero).units == 1)
            return
        }
        let error = try #require(throws: LedgerError.self) {
            try Parse.quantity(text, field: .quantity, scale: UInt8(scale), allowZero: allowZero)
        }
        #expect(error.description.contains(words), "\(error)")
    }
}
