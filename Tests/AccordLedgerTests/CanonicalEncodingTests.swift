@testable import AccordLedger
import AccordTrust
import Testing

/// Known-answer vectors for the canonical entry encoding. The expected bytes
/// are written field by field from the format (version, big-endian fixed-width
/// integers, u32-length-prefixed UTF-8, 0/1 optional flags, u32-counted
/// lists, one-byte vocabulary codes), not copied from the encoder's output:
/// if these fail, the encoding drifted and every hash and signature with it.
@Suite("Canonical encoding")
struct CanonicalEncodingTests {
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String($0, radix: 16).leftPadded(2) }.joined() }

    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return out
    }

    /// A verification with every optional field present (format version 1).
    static let verification = Entry(
        seq: 7, recordedAt: Timestamp(milliseconds: 1_748_779_200_000), actor: "monitor-1",
        previousHash: Hash32(bytes: [UInt8](repeating: 0x11, count: 32)), signer: "key-a",
        payload: .verification(Verification(
            externalID: "form-17", commitment: "UA-release", measure: .quantity(390),
            observed: Moment(date: CivilDate(year: 2025, month: 5, day: 23)), precision: .week,
            source: Source(name: "ICRC", kind: .imagery, confidence: .probable),
            evidence: Evidence(sha256: [UInt8](repeating: 0xab, count: 32), uri: "https://e.org/x.pdf"),
            note: "Première tranche",
            location: Location(place: "London", coordinates: Coordinates(latitude: 515_072_000, longitude: -1_276_000),
                               precision: .near))),
        version: 1)

    static let verificationHex = [
        "01",                                                   // format version 1
        "0000000000000007",                                     // seq 7 (u64)
        "000001972b5cee00",                                     // recorded 2025-06-01T12:00:00Z, ms since epoch (i64)
        "00000009" + "6d6f6e69746f722d31",                      // actor "monitor-1"
        "01" + String(repeating: "11", count: 32),              // previous hash: present, 32 bytes
        "01" + "00000005" + "6b65792d61",                       // signer: present, "key-a"
        "08",                                                   // kind: verification
        "01" + "00000007" + "666f726d2d3137",                   // external id: present, "form-17"
        "0000000a" + "55412d72656c65617365",                    // commitment "UA-release"
        "01" + "0000000000000186",                              // measure: quantity (1), 390 (i64)
        "0000000a" + "323032352d30352d3233",                    // observed "2025-05-23"
        "02",                                                   // precision: week
        "00000004" + "49435243" + "05" + "02",                  // source "ICRC", kind imagery, confidence probable
        "01" + String(repeating: "ab", count: 32),              // evidence sha256: present
        "01" + "00000013" + "68747470733a2f2f652e6f72672f782e706466",  // evidence uri: present
        "01" + "00000011" + "5072656d69c3a87265207472616e636865",      // note "Première tranche" (NFC é = c3 a9)
        "01" + "00000006" + "4c6f6e646f6e",                     // place "London"
        "01" + "000000001eb36000" + "ffffffffffec87a0",         // coordinates: 51.5072, -0.1276 in 1e-7 degrees (i64)
        "01" + "02",                                            // geo precision: near
    ].joined()

    /// A commitment with a list and absent optionals.
    static let commitment = Entry(
        seq: 4, recordedAt: Timestamp(milliseconds: 1_747_353_600_000), actor: "tester",
        previousHash: Hash32(bytes: [UInt8](repeating: 0x22, count: 32)), signer: nil,
        payload: .commitmentAdd(Commitment(
            id: "RU-summit", agreement: "istanbul-2025", party: "RU", kind: .action, target: nil, unit: nil,
            due: Moment(date: CivilDate(year: 2025, month: 6, day: 30)), from: nil, until: nil, reciprocal: nil,
            dependsOn: ["texts-final", "ceasefire"], text: nil)),
        version: 1)

    static let commitmentHex = [
        "01", "0000000000000004", "00000196d6640000",           // version, seq 4, 2025-05-16T00:00:00Z
        "00000006" + "746573746572",                            // actor "tester"
        "01" + String(repeating: "22", count: 32),              // previous hash
        "00",                                                   // no signer
        "04",                                                   // kind: commitment.add
        "00000009" + "52552d73756d6d6974",                      // id "RU-summit"
        "0000000d" + "697374616e62756c2d32303235",              // agreement "istanbul-2025"
        "00000002" + "5255",                                    // party "RU"
        "02",                                                   // kind: action
        "00", "00",                                             // no target, no unit
        "01" + "0000000a" + "323032352d30362d3330",             // due "2025-06-30"
        "00", "00", "00",                                       // no from, until, reciprocal
        "00000002" + "0000000b" + "74657874732d66696e616c" + "00000009" + "636561736566697265",  // depends on 2
        "00",                                                   // no text
    ].joined()

    /// The first entry: no previous hash.
    static let first = Entry(
        seq: 1, recordedAt: Timestamp(milliseconds: 1_747_353_600_000), actor: "tester", previousHash: nil, signer: nil,
        payload: .ledgerCreate(LedgerCreated(ledgerID: "6f1e0d3c-2b4a-4c5d-8e9f-a0b1c2d3e4f5")), version: 1)

    static let firstHex = [
        "01", "0000000000000001", "00000196d6640000", "00000006" + "746573746572",
        "00",                                                   // no previous hash
        "00",                                                   // no signer
        "01",                                                   // kind: ledger.create
        "00000024" + "36663165306433632d326234612d346335642d386539662d613062316332643365346635",
    ].joined()

    /// Version 2: a verification of a decimal quantity observed at a local
    /// time, recorded under an overridden clock, as the last entry of its
    /// write (so it carries a state root).
    static let decimalVerification = Entry(
        seq: 9, recordedAt: Timestamp(milliseconds: 1_748_779_200_000), clock: .overridden, actor: "monitor-1",
        previousHash: Hash32(bytes: [UInt8](repeating: 0x33, count: 32)), signer: nil,
        stateRoot: Hash32(bytes: [UInt8](repeating: 0x44, count: 32)),
        payload: .verification(Verification(
            externalID: nil, commitment: "grain", measure: .quantity(Quantity(units: 1250, scale: 2)),
            observed: try! Moment(parsing: "2025-07-18T01:15:00+03:00", field: .observed), precision: .day,
            source: Source(name: "WFP", kind: .ngo, confidence: .confirmed), evidence: .none, note: nil, location: .none)))

    static let decimalVerificationHex = [
        "02",                                                   // format version 2
        "0000000000000009",                                     // seq 9
        "000001972b5cee00",                                     // recorded 2025-06-01T12:00:00Z
        "01",                                                   // clock: overridden (ACCORD_NOW)
        "00000009" + "6d6f6e69746f722d31",                      // actor "monitor-1"
        "01" + String(repeating: "33", count: 32),              // previous hash
        "00",                                                   // no signer
        "01" + String(repeating: "44", count: 32),              // state root: present
        "08",                                                   // kind: verification
        "00",                                                   // no external id
        "00000005" + "677261696e",                              // commitment "grain"
        "01" + "00000000000004e2" + "02",                       // measure: quantity 1250 units at scale 2 (12.50)
        "00000019" + "323032352d30372d31385430313a31353a30302b30333a3030",  // observed "2025-07-18T01:15:00+03:00"
        "01",                                                   // precision: day
        "00000003" + "574650" + "03" + "01",                    // source "WFP", ngo, confirmed
        "00", "00",                                             // no evidence hash, no uri
        "00",                                                   // no note
        "00", "00", "00",                                       // no place, coordinates, geo precision
    ].joined()

    /// Version 2: an admin key registration with its actors and proof of possession.
    static let keyRegistration = Entry(
        seq: 2, recordedAt: Timestamp(milliseconds: 1_747_353_600_000), actor: "admin",
        previousHash: Hash32(bytes: [UInt8](repeating: 0x55, count: 32)), signer: "root",
        payload: .keyRegister(KeyRegistration(name: "hq", publicKey: [UInt8](repeating: 0x66, count: 32), role: .admin,
                                              actors: ["icrc"], possession: [UInt8](repeating: 0x77, count: 64))))

    static let keyRegistrationHex = [
        "02", "0000000000000002", "00000196d6640000", "00",     // version 2, seq 2, 2025-05-16, system clock
        "00000005" + "61646d696e",                              // actor "admin"
        "01" + String(repeating: "55", count: 32),              // previous hash
        "01" + "00000004" + "726f6f74",                         // signer "root"
        "00",                                                   // no state root
        "0f",                                                   // kind: key.register
        "00000002" + "6871",                                    // name "hq"
        String(repeating: "66", count: 32),                     // public key
        "02",                                                   // role: admin
        "00000001" + "00000004" + "69637263",                   // actors ["icrc"]
        "01" + String(repeating: "77", count: 64),              // proof of possession: present
    ].joined()

    static let vectors: [(String, Entry, String)] = [
        ("verification with every optional", verification, verificationHex),
        ("commitment with a list", commitment, commitmentHex),
        ("first entry", first, firstHex),
        ("v2 decimal verification at a local time", decimalVerification, decimalVerificationHex),
        ("v2 admin key registration", keyRegistration, keyRegistrationHex),
    ]

    @Test("version 2 signs the claim, not the entry: kind, actor and payload behind a tag")
    func claimBytes() throws {
        let entry = Self.keyRegistration
        let claim = entry.signedBytes()
        let encoded = entry.encoded()
        // The header: version 1, seq 8, time 8, clock 1, actor 4 + 5, previous 1 + 32, signer 1 + 4 + 4, root 1; then the kind.
        let kindAt = 1 + 8 + 8 + 1 + 9 + 33 + 9 + 1
        #expect(encoded[kindAt] == EntryKind.keyRegister.code)
        let payload = Array(encoded[(kindAt + 1)...])
        #expect(Self.hex(claim) == "6163636f726420636c61696d20763200" + "0f" + "00000005" + "61646d696e" + Self.hex(payload))
        var moved = entry
        moved.seq = 90
        moved.previousHash = nil
        moved.stateRoot = Hash32(bytes: [UInt8](repeating: 1, count: 32))
        #expect(moved.signedBytes() == claim, "the claim does not depend on where it is recorded")
        #expect(Self.verification.signedBytes() == Self.verification.encoded(), "version 1 signs the entry")
    }

    @Test("version 1 entries refuse what only version 2 may hold")
    func versionOneLimits() throws {
        var bytes = Self.bytes(Self.verificationHex)
        // Put a zone offset into the observed date: version 1 stored every time in UTC.
        let date = Array("2025-05-23".utf8)
        let at = try #require(bytes.indices.first { Array(bytes[$0..<($0 + date.count)]) == date })
        let local = Array("2025-05-23T01:15:00+03:00".utf8)
        bytes.replaceSubrange((at - 4)..<(at + date.count), with: [0, 0, 0, UInt8(local.count)] + local)
        #expect(throws: CanonicalReader.Failure.self) { try Entry.decode(bytes) }
    }

    @Test("known-answer vectors", arguments: vectors)
    func knownAnswer(name: String, entry: Entry, expected: String) throws {
        #expect(Self.hex(entry.encoded()) == expected, "\(name)")
        let decoded = try Entry.decode(Self.bytes(expected))
        #expect(decoded == entry, "\(name)")
        #expect(try Entry.decodeCanonical(Self.bytes(expected)) == entry)
    }

    @Test("vocabulary codes never change")
    func vocabularyCodes() {
        // Issue 12 added amendments (18) and voids (19), issue 15 server tokens (20, 21); the earlier codes stay as they were.
        #expect(EntryKind.allCases.map(\.code) == Array(1...21))
        #expect(EntryKind.allCases.map(\.rawValue) == [
            "ledger.create", "party.add", "agreement.add", "commitment.add", "commitment.withdraw", "guarantee.add",
            "guarantee.invoke", "verification", "breach", "corroboration", "correction", "retraction", "dispute",
            "adjudication", "key.register", "key.revoke", "ledger.upgrade", "amendment", "void", "token.issue", "token.revoke",
        ])
        #expect(AmendmentSubject.allCases.map(\.code) == [1, 2, 3, 4])
        #expect(AmendmentSubject.allCases.map(\.rawValue) == ["commitment", "party", "agreement", "guarantee"])
        #expect(Confidence.allCases.map(\.code) == [1, 2, 3])
        #expect(CommitmentKind.allCases.map(\.code) == [1, 2, 3])
        #expect(Precision.allCases.map(\.code) == [1, 2, 3])
        #expect(SourceKind.allCases.map(\.code) == [1, 2, 3, 4, 5, 6])
        #expect(Severity.allCases.map(\.code) == [1, 2, 3])
        #expect(GeoPrecision.allCases.map(\.code) == [1, 2, 3])
        #expect(PartyKind.allCases.map(\.code) == [1, 2, 3])
        #expect(Ruling.allCases.map(\.code) == [1, 2])
    }

    // MARK: Rejections

    /// Offsets in the verification vector.
    static let actorOffset = 1 + 8 + 8                                  // the actor's length
    static let previousFlagOffset = actorOffset + 4 + 9                 // the previous hash's optional flag
    static let kindOffset = previousFlagOffset + 1 + 32 + 1 + 4 + 5     // the kind code

    static func mutated(_ change: (inout [UInt8]) -> Void) -> [UInt8] {
        var bytes = Self.bytes(verificationHex)
        change(&bytes)
        return bytes
    }

    /// Replaces the actor with other UTF-8 bytes, fixing its length.
    static func withActor(_ actor: [UInt8]) -> [UInt8] {
        mutated { bytes in
            let length = [UInt8(0), 0, 0, UInt8(actor.count)]
            bytes.replaceSubrange(actorOffset..<(actorOffset + 4 + 9), with: length + actor)
        }
    }

    static let rejections: [(String, [UInt8])] = [
        ("a trailing byte", mutated { $0.append(0) }),
        ("the last byte missing", mutated { $0.removeLast() }),
        ("an optional flag of 2", mutated { $0[previousFlagOffset] = 2 }),
        ("an unknown kind code", mutated { $0[kindOffset] = 99 }),
        ("a kind this build does not read", mutated { $0[kindOffset] = 15 }),
        ("an unknown format version", mutated { $0[0] = 2 }),
        ("seq 0", mutated { $0[8] = 0 }),
        ("a later entry without a previous hash", mutated { bytes in
            bytes.replaceSubrange(previousFlagOffset..<(previousFlagOffset + 33), with: [0])
        }),
        ("text not in NFC (e + combining acute)", withActor([0x65, 0xcc, 0x81])),
        ("text that is not UTF-8", withActor([0x61, 0xff])),
        ("a text length past the end", mutated { $0[actorOffset] = 0x7f }),
        ("an unknown confidence code", mutated { $0[kindOffset + 1 + 12 + 14 + 9 + 14 + 1 + 9] = 9 }),
        ("an unknown measure code", mutated { $0[kindOffset + 1 + 12 + 14] = 4 }),
        // Summed by the audit's replay: an unbounded quantity would overflow (a trap), not be reported.
        ("a quantity of Int64.max", mutated { bytes in
            let offset = kindOffset + 1 + 12 + 14 + 1
            bytes.replaceSubrange(offset..<(offset + 8), with: [0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])
        }),
        ("a negative quantity", mutated { bytes in
            let offset = kindOffset + 1 + 12 + 14 + 1
            bytes.replaceSubrange(offset..<(offset + 8), with: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])
        }),
        ("a date not in canonical form", mutated { bytes in
            let offset = kindOffset + 1 + 12 + 14 + 9 + 4
            bytes.replaceSubrange(offset..<(offset + 10), with: Array("2025-5-023".utf8))
        }),
        ("a latitude out of range", mutated { bytes in
            let offset = bytes.count - 2 - 16
            bytes.replaceSubrange(offset..<(offset + 8), with: [0, 0, 0, 0, 0x7f, 0, 0, 0])
        }),
        // Found by Fuzz/Entry: abs(Int64.min) trapped instead of refusing.
        ("a latitude of Int64.min", mutated { bytes in
            let offset = bytes.count - 2 - 16
            bytes.replaceSubrange(offset..<(offset + 8), with: [0x80, 0, 0, 0, 0, 0, 0, 0])
        }),
        ("a longitude of Int64.min", mutated { bytes in
            let offset = bytes.count - 2 - 8
            bytes.replaceSubrange(offset..<(offset + 8), with: [0x80, 0, 0, 0, 0, 0, 0, 0])
        }),
        ("empty", []),
    ]

    @Test("decoding refuses bytes the encoder would not write", arguments: rejections)
    func rejection(name: String, bytes: [UInt8]) {
        #expect(throws: CanonicalReader.Failure.self, "\(name)") { try Entry.decode(bytes) }
    }

    @Test("every proper prefix of an entry is refused")
    func truncations() {
        let bytes = Self.bytes(Self.verificationHex)
        for length in 0..<bytes.count {
            #expect(throws: CanonicalReader.Failure.self, "prefix of \(length) bytes") {
                try Entry.decode(Array(bytes.prefix(length)))
            }
        }
    }

    @Test("the offsets used above point where they say")
    func offsets() {
        let bytes = Self.bytes(Self.verificationHex)
        #expect(bytes[Self.previousFlagOffset] == 1)
        #expect(bytes[Self.previousFlagOffset + 1] == 0x11)
        #expect(bytes[Self.kindOffset] == 8)
        #expect(bytes[Self.kindOffset + 1 + 12 + 14] == 1)                     // measure code
        #expect(bytes[Self.kindOffset + 1 + 12 + 14 + 9 + 14 + 1 + 8] == 5)    // source kind: imagery
        #expect(bytes[Self.kindOffset + 1 + 12 + 14 + 9 + 14 + 1 + 9] == 2)    // confidence: probable
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
