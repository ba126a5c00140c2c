@testable import AccordLedger
import Testing

@Suite("TextRules: invisible and bidirectional characters")
struct TextRulesTests {
    /// Every character refused in one-line values (ids, names, sources, places, units, titles, venues, actors, external ids).
    static let hidden: [UInt32] = Array(0x200B...0x200F) + Array(0x2060...0x2064) + [0xFEFF, 0x180E, 0xAD, 0x061C]
        + Array(0x202A...0x202E) + Array(0x2066...0x2069)

    @Test("a one-line value refuses each, naming the field and the code point", arguments: hidden)
    func lineRefuses(value: UInt32) throws {
        let scalar = try #require(Unicode.Scalar(value))
        let text = "IC" + String(Character(scalar)) + "RC"
        let error = try #require(throws: LedgerError.self) { try TextRules.line(text, field: .source) }
        #expect(error.code == .badInput)
        let hex = TextRules.hex4(value)
        #expect(error.message.hasPrefix("source contains the "), "\(error.message)")
        #expect(error.message.contains(" U+\(hex) ("), "\(error.message)")
        #expect(error.message.hasSuffix("; remove it"), "\(error.message)")
        // Ids name the character too, rather than only saying what an id may hold.
        let id = try #require(throws: LedgerError.self) { try TextRules.identifier("UA" + String(Character(scalar)), field: .id(.party)) }
        #expect(id.field == .id(.party))
        #expect(id.commandLineMessage.contains("party id contains the") && id.message.contains("U+\(hex)"), "\(id.message)")
    }

    @Test("the message names the character", arguments: [
        (0x200B, "source contains the invisible character U+200B (zero width space); remove it"),
        (0x00AD, "source contains the invisible character U+00AD (soft hyphen); remove it"),
        (0x202E, "source contains the bidirectional control character U+202E (right-to-left override); remove it"),
        (0x2066, "source contains the bidirectional control character U+2066 (left-to-right isolate); remove it"),
    ] as [(UInt32, String)])
    func message(value: UInt32, expected: String) throws {
        let text = "ICRC" + String(Character(try #require(Unicode.Scalar(value))))
        let error = try #require(throws: LedgerError.self) { try TextRules.line(text, field: .source) }
        #expect(error.message == expected)
    }

    @Test("free text refuses bidirectional overrides and isolates", arguments: Array(0x202A...0x202E) + Array(0x2066...0x2069))
    func textRefusesOverrides(value: UInt32) throws {
        let text = "paid in full " + String(Character(try #require(Unicode.Scalar(value)))) + "0001 txen"
        let error = try #require(throws: LedgerError.self) { try TextRules.text(text, field: .note) }
        #expect(error.message.hasPrefix("note contains the bidirectional control character U+\(TextRules.hex4(value))"))
    }

    @Test("free text keeps other invisible characters, marks and joiners (emoji, scripts that need them)",
          arguments: ["a\u{200B}b", "👩🏽\u{200D}⚕️", "مرحبا\u{200F} hello", "soft\u{AD}hyphen", "\u{061C}x"])
    func textKeeps(text: String) throws {
        #expect(try TextRules.text(text, field: .note) == TextRules.nfc(text))
    }

    @Test("ordinary text passes unchanged, ASCII and beyond", arguments: ["ICRC", "Coordination HQ (UA)", "Міноборони України",
                                                                         "Ελληνικά", "東京", "O'Brien; --"])
    func ordinary(text: String) throws {
        #expect(try TextRules.line(text, field: .source) == text)
    }

    @Test("error messages that echo a value show hidden characters as escapes")
    func printable() {
        #expect(TextRules.printable("a\u{202E}b\u{200B}c") == "a\\u{202e}b\\u{200b}c")
    }
}
