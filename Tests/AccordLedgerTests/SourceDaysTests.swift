import Testing
@testable import AccordLedger

/// The bytes of `source_totals.days` (docs/JOURNAL.md, "State roots"): each
/// list has one encoding, and every other byte string is refused.
@Suite("Source days encoding")
struct SourceDaysTests {
    typealias Day = SourceDays.Day

    @Test("known lists encode to the documented bytes")
    func knownBytes() {
        // 2025-06-01 is day 20240: zigzag 40480, shifted 80960 = 0xC0 0xF8 0x04; refs 1.
        #expect(SourceDays.encode([Day(day: 20240, refs: 1)]) == [0xC0, 0xF8, 0x04])
        // Refs 3 sets the low bit and follows as 3 - 2 = 1; the next day, 2 later, once: gap 2 → 4.
        #expect(SourceDays.encode([Day(day: 20240, refs: 3), Day(day: 20242, refs: 1)]) == [0xC1, 0xF8, 0x04, 0x01, 0x04])
        // A day before 1970: zigzag -1 = 1, shifted 2.
        #expect(SourceDays.encode([Day(day: -1, refs: 2)]) == [0x03, 0x00])
    }

    @Test("lists round-trip", arguments: [
        [Day(day: 0, refs: 1)],
        [Day(day: -40000, refs: 5), Day(day: -1, refs: 1), Day(day: 0, refs: 1), Day(day: 19358, refs: 300)],
        [Day(day: 20000, refs: 1), Day(day: 20001, refs: 2), Day(day: 20063, refs: 1), Day(day: 20064, refs: 1),
         Day(day: 28000, refs: Int64.max)],
    ])
    func roundTrip(_ days: [Day]) throws {
        let bytes = SourceDays.encode(days)
        #expect(try SourceDays.decode(bytes) == days)
    }

    @Test("anything but the one encoding of a list is refused", arguments: [
        [],                          // no day
        [0x80],                      // a varint cut short
        [0xC0, 0xF8, 0x84, 0x00],    // a longer form of 20240 (a last byte of 0)
        [0xC0, 0xF8, 0x04, 0x00],    // a second day 0 days later
        [0x01],                      // refs follow but are missing
        [0xC0, 0xF8, 0x04, 0x05, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02],  // a varint over 64 bits
        [0x03, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],  // refs past Int64.max
    ] as [[UInt8]])
    func refused(_ bytes: [UInt8]) {
        #expect(throws: SourceDays.Malformed.self) { try SourceDays.decode(bytes) }
    }
}
