import Crypto
import Testing
@testable import AccordTrust

/// Keys from golang.org/x/mod/sumdb/note `note_test.go` (TestNewVerifier, TestNewSigner,
/// TestVerifierList).
enum GoNoteVectors {
    static let peterVerifier = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    static let peterSigner = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
    static let enochVerifier = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"

    /// From TestOpen / TestSign.
    static let text = "If you think cryptography is the answer to your problem,\n"
        + "then you don't know what your problem is.\n"
    static let peterSignature = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
    static let enochSignature = "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"
}

@Suite("Note keys")
struct NoteKeyTests {
    @Test func parsesGoVerifierKey() throws {
        let key = try NoteVerifierKey(GoNoteVectors.peterVerifier)
        #expect(key.name == "PeterNeumann")
        #expect(key.keyID == 0xc74f20a3)
        #expect(key.publicKeyBytes.count == 32)
        #expect(key.text == GoNoteVectors.peterVerifier)
        #expect(key.description == GoNoteVectors.peterVerifier)
        let enoch = try NoteVerifierKey(GoNoteVectors.enochVerifier)
        #expect(enoch.keyID == 0xaf0cfe78)
    }

    @Test func parsesGoSignerKeyAndDerivesItsVerifier() throws {
        let signer = try NoteSigningKey(GoNoteVectors.peterSigner)
        #expect(signer.name == "PeterNeumann")
        #expect(signer.keyID == 0xc74f20a3)
        #expect(signer.text == GoNoteVectors.peterSigner)
        #expect(signer.verifierKey.text == GoNoteVectors.peterVerifier)
        #expect(!signer.description.contains("AYEKFALV"))
    }

    @Test func keyIDIsTruncatedSHA256OfNameNewlineAlgorithmAndKey() throws {
        let key = try NoteVerifierKey(GoNoteVectors.peterVerifier)
        let digest = SHA256.hash(data: Array("PeterNeumann\n".utf8) + [0x01] + key.publicKeyBytes)
        let expected = Array(digest).prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        #expect(key.keyID == expected)
        let publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: key.publicKeyBytes)
        #expect(NoteKey.keyID(name: "PeterNeumann", publicKey: publicKey) == expected)
    }

    @Test func everyManglingOfTheGoVerifierKeyIsRejected() {
        let bytes = Array(GoNoteVectors.peterVerifier.utf8)
        for start in 0...bytes.count {
            for end in (start + 1)...max(start + 1, bytes.count) where end <= bytes.count {
                guard start != 0 || end != bytes.count else { continue }
                let text = String(decoding: bytes[start..<end], as: UTF8.self)
                #expect(throws: NoteKeyError.self, "substring \(text)") { try NoteVerifierKey(text) }
            }
        }
        for index in bytes.indices {
            var mangled = bytes
            mangled[index] &+= 1
            let text = String(decoding: mangled, as: UTF8.self)
            #expect(throws: NoteKeyError.self, "mangled \(text)") { try NoteVerifierKey(text) }
        }
    }

    @Test func everyManglingOfTheGoSignerKeyIsRejected() {
        let bytes = Array(GoNoteVectors.peterSigner.utf8)
        for start in 0...bytes.count {
            for end in (start + 1)...max(start + 1, bytes.count) where end <= bytes.count {
                guard start != 0 || end != bytes.count else { continue }
                let text = String(decoding: bytes[start..<end], as: UTF8.self)
                #expect(throws: NoteKeyError.self, "substring \(text)") { try NoteSigningKey(text) }
            }
        }
        for index in bytes.indices {
            var mangled = bytes
            mangled[index] &+= 1
            let text = String(decoding: mangled, as: UTF8.self)
            #expect(throws: NoteKeyError.self, "mangled \(text)") { try NoteSigningKey(text) }
        }
    }

    @Test func specificRejections() {
        // Go's own extra cases: a longer key and an unknown algorithm, each with a matching ID.
        // Go rejects the first for its length; its base64 also has non-zero padding bits
        // ("EY=="), which the strict decoder here rejects first.
        #expect(throws: NoteKeyError.malformed) {
            try NoteVerifierKey("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==")
        }
        for length in [0, 31, 33, 64] {
            let encoded = ByteEncoding.base64([0x01] + [UInt8](repeating: 7, count: length))
            #expect(throws: NoteKeyError.wrongKeyLength(length)) {
                try NoteVerifierKey("PeterNeumann+c74f20a3+" + encoded)
            }
            #expect(throws: NoteKeyError.wrongKeyLength(length)) {
                try NoteSigningKey("PRIVATE+KEY+PeterNeumann+c74f20a3+" + encoded)
            }
        }
        #expect(throws: NoteKeyError.unknownAlgorithm(0x65)) {
            try NoteVerifierKey("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
        }
        #expect(throws: NoteKeyError.keyIDMismatch(stated: 0xc74f20a4, computed: 0xc74f20a3)) {
            try NoteVerifierKey("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
        }
        #expect(throws: NoteKeyError.malformed) {  // uppercase key ID
            try NoteVerifierKey("PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
        }
        #expect(throws: NoteKeyError.malformed) {  // private key given as verifier
            try NoteVerifierKey(GoNoteVectors.peterSigner)
        }
        #expect(throws: NoteKeyError.malformed) {  // verifier given as private key
            try NoteSigningKey(GoNoteVectors.peterVerifier)
        }
        #expect(throws: NoteKeyError.invalidName) {
            try NoteVerifierKey("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
        }
        #expect(throws: NoteKeyError.self) {  // trailing newline
            try NoteVerifierKey(GoNoteVectors.peterVerifier + "\n")
        }
    }

    @Test(arguments: ["", "a+b", "+", "a b", "a\tb", "a\nb", "a\u{00A0}b", "a\u{0085}b", "a\u{2003}b",
                      "a\u{2028}b", "a\u{3000}b", "a\u{1680}b", "a\u{01}b", " lead", "trail "])
    func invalidNamesAreRejected(name: String) {
        #expect(!NoteKey.isValidName(name))
        #expect(throws: NoteKeyError.invalidName) { try NoteSigningKey.generate(name: name) }
        #expect(throws: NoteKeyError.invalidName) {
            try NoteVerifierKey(name: name, publicKey: Curve25519.Signing.PrivateKey().publicKey)
        }
    }

    @Test(arguments: ["PeterNeumann", "example.com/log42", "ünïcødé", "a—b", "x"])
    func generatedKeysRoundTrip(name: String) throws {
        #expect(NoteKey.isValidName(name))
        let signer = try NoteSigningKey.generate(name: name)
        let parsedSigner = try NoteSigningKey(signer.text)
        #expect(parsedSigner.keyID == signer.keyID)
        #expect(parsedSigner.text == signer.text)
        let verifier = try NoteVerifierKey(signer.verifierKey.text)
        #expect(verifier == signer.verifierKey)
        #expect(verifier.keyID == signer.keyID)

        let message = Array("hi\n".utf8)
        var signature = try parsedSigner.signature(for: message)
        #expect(signature.count == 64)
        #expect(verifier.isValidSignature(signature, for: message))
        #expect(!verifier.isValidSignature(signature, for: Array("hj\n".utf8)))
        signature[0] ^= 1
        #expect(!verifier.isValidSignature(signature, for: message))
        #expect(!verifier.isValidSignature(signature.prefix(63), for: message))
    }
}
