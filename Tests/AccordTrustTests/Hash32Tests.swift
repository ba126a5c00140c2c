import Testing
@testable import AccordTrust

@Suite("Hash32")
struct Hash32Tests {
    let sample = hash("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")

    @Test func storesExactlyThirtyTwoBytesInline() {
        #expect(MemoryLayout<Hash32>.size == 32)
    }

    @Test func bytesRoundTrip() throws {
        let bytes = (0..<32).map { UInt8($0 * 7 + 1) }
        let value = try #require(Hash32(bytes: bytes))
        #expect(value.bytes == bytes)
        #expect(Hash32(bytes: value.bytes) == value)
    }

    @Test(arguments: [0, 1, 31, 33, 64])
    func rejectsWrongByteCount(count: Int) {
        #expect(Hash32(bytes: [UInt8](repeating: 0xAB, count: count)) == nil)
    }

    @Test func hexRoundTripIsLowercase() throws {
        #expect(sample.hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(sample.description == sample.hex)
        #expect(Hash32(hex: sample.hex.uppercased()) == sample)
        #expect(Hash32(hex: sample.hex[...]) == sample)  // the generic initializer, as the String one
    }

    @Test(arguments: [
        "", "e3b0", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8550",
        "g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        " e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85",
    ])
    func rejectsBadHex(text: String) {
        #expect(Hash32(hex: text) == nil)
        #expect(Hash32(hex: text[...]) == nil)
    }

    @Test func base64RoundTrip() {
        #expect(sample.base64 == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
        #expect(Hash32(base64: sample.base64) == sample)
    }

    @Test(arguments: [
        "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU",     // missing padding
        "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFV=",    // non-canonical trailing bits
        "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuA==",    // 31 bytes
        "47DEQpj8HBSa-_TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",    // URL alphabet
        "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",  // trailing newline
        "",
    ])
    func rejectsBadBase64(text: String) {
        #expect(Hash32(base64: text) == nil)
    }

    @Test func ordersLikeBytes() throws {
        var generator = SystemRandomNumberGenerator()
        let values = try (0..<200).map { _ in
            try #require(Hash32(bytes: (0..<32).map { _ in UInt8.random(in: 0...3, using: &generator) }))
        }
        for a in values.prefix(40) {
            for b in values {
                #expect((a < b) == a.bytes.lexicographicallyPrecedes(b.bytes))
                #expect((a == b) == (a.bytes == b.bytes))
            }
        }
        #expect(Set(values).count == Set(values.map(\.bytes)).count)
    }
}

@Suite("ByteEncoding")
struct ByteEncodingTests {
    @Test(arguments: 0...10)
    func base64RoundTrips(length: Int) throws {
        let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let text = ByteEncoding.base64(bytes)
        #expect(text.utf8.count % 4 == 0)
        #expect(try #require(ByteEncoding.decodeBase64(text)) == bytes)
    }

    @Test func base64KnownAnswers() {
        // RFC 4648 §10.
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==",
                       "fooba": "Zm9vYmE=", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors {
            #expect(ByteEncoding.base64(Array(plain.utf8)) == encoded)
            #expect(ByteEncoding.decodeBase64(encoded) == Array(plain.utf8))
            #expect(ByteEncoding.decodeBase64(encoded[...]) == Array(plain.utf8))
        }
    }

    @Test(arguments: ["Zg", "Zg=", "Zh==", "Zm9=", "Z===", "====", "Zg==Zg==", "Zm9v\n", "Zm 9", "=Zm9"])
    func base64RejectsNonCanonical(text: String) {
        #expect(ByteEncoding.decodeBase64(text) == nil)
        #expect(ByteEncoding.decodeBase64(text[...]) == nil)
    }
}
