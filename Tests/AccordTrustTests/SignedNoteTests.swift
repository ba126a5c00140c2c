import Testing
@testable import AccordTrust

@Suite("Signed notes")
struct SignedNoteTests {
    private let peter: NoteVerifierKey
    private let enoch: NoteVerifierKey
    private let peterLine = NoteSignature(
        name: "PeterNeumann", keyID: 0xc74f20a3,
        signature: Array(ByteEncoding.decodeBase64(
            "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=")?
            .dropFirst(4) ?? []))
    private let enochLine = NoteSignature(
        name: "EnochRoot", keyID: 0xaf0cfe78,
        signature: Array(ByteEncoding.decodeBase64(
            "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=")?
            .dropFirst(4) ?? []))

    init() throws {
        peter = try NoteVerifierKey(GoNoteVectors.peterVerifier)
        enoch = try NoteVerifierKey(GoNoteVectors.enochVerifier)
    }

    private var text: String { GoNoteVectors.text }
    private var peterSig: String { GoNoteVectors.peterSignature }
    private var enochSig: String { GoNoteVectors.enochSignature }

    // MARK: Go vectors (golang.org/x/mod/sumdb/note TestOpen)

    @Test func goNoteVerifiesWithPeterAndReportsEnochAsUnknown() throws {
        let opened = try SignedNote.open(text + "\n" + peterSig + enochSig, verifiers: [peter])
        #expect(opened.text == text)
        #expect(opened.verifiedBy == [peter])
        #expect(opened.unknownSignatures == [enochLine])
    }

    @Test func goNoteVerifiesWithBothKeys() throws {
        let opened = try SignedNote.open(text + "\n" + peterSig + enochSig, verifiers: [enoch, peter, peter])
        #expect(opened.verifiedBy == [peter, enoch])
        #expect(opened.unknownSignatures.isEmpty)
    }

    @Test func goNoteWithoutKnownKeysIsRejected() {
        #expect(throws: SignedNoteError.noVerifiedSignature(unknown: [peterLine, enochLine])) {
            try SignedNote.open(text + "\n" + peterSig + enochSig, verifiers: [])
        }
    }

    @Test func goNoteParsesAndReformatsExactly() throws {
        let message = text + "\n" + peterSig + enochSig
        let note = try SignedNote(parsing: message)
        #expect(note.text == text)
        #expect(note.signatures == [peterLine, enochLine])
        #expect(note.formatted == message)
    }

    @Test func goSignerProducesANoteGoVerifies() throws {
        // Ed25519 is deterministic, but signatures are never compared byte for byte: verify.
        let signer = try NoteSigningKey(GoNoteVectors.peterSigner)
        let note = try SignedNote.sign(text, with: [signer])
        #expect(note.formatted.hasPrefix(text + "\n— PeterNeumann "))
        let opened = try SignedNote.open(note.formatted, verifiers: [peter])
        #expect(opened.verifiedBy == [peter])
    }

    @Test func tooManySignatures() throws {
        let message = text + "\n" + String(repeating: peterSig, count: 101)
        #expect(throws: SignedNoteError.tooManySignatures) { try SignedNote.open(message, verifiers: [peter]) }
        #expect(throws: SignedNoteError.tooManySignatures) { try SignedNote.open(message, verifiers: []) }
        #expect(try SignedNote.open(text + "\n" + String(repeating: peterSig, count: 100), verifiers: [peter])
            .verifiedBy == [peter])
    }

    @Test func corruptedKnownSignatureRejectsTheNote() {
        let corrupted = insert("ABCD", into: peterSig, at: 60)
        #expect(throws: SignedNoteError.invalidSignature(name: "PeterNeumann", keyID: 0xc74f20a3)) {
            try SignedNote.open(text + "\n" + corrupted, verifiers: [peter])
        }
        // The same corruption on an unknown key is only reported.
        let enochCorrupted = insert("ABCD", into: enochSig, at: 60)
        #expect(throws: Never.self) {
            let opened = try SignedNote.open(
                text + "\n" + peterSig + peterSig + enochSig + enochSig + enochCorrupted, verifiers: [peter])
            #expect(opened.verifiedBy == [peter])
            #expect(opened.unknownSignatures.count == 2)
            #expect(opened.unknownSignatures.first == enochLine)
        }
    }

    @Test func goMalformedMessages() throws {
        let cases: [(String, SignedNoteError)] = [
            (text, .missingSignatureBlock),
            (text + "\n", .missingSignatureBlock),
            (text + "\n" + String(peterSig.dropLast()), .missingSignatureBlock),
            ("\u{01}" + text + "\n" + peterSig, .controlCharacter),
            (text + "\n" + "— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
             .missingSignatureBlock),
            (text + "\n" + "— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
             .malformedSignatureLine),
            (text + "\n" + peterSig + "Unexpected line.\n", .malformedSignatureLine),
        ]
        for (message, error) in cases {
            #expect(throws: error, "\(message)") { try SignedNote.open(message, verifiers: [peter]) }
        }
        let invalidUTF8 = [0xFF] + Array((text + "\n" + peterSig).utf8)
        #expect(throws: SignedNoteError.invalidUTF8) { try SignedNote.open(invalidUTF8, verifiers: [peter]) }
    }

    @Test func renamedOrReIDedSignatureIsUnknown() {
        // Go's "mismatched verifier" cases: same signature, other name or other key ID.
        let renamed = peterSig.replacingOccurrences(of: "PeterNeumann", with: "CarmenSandiego")
        let reIDed = peterSig.replacingOccurrences(of: "x08g", with: "xxxx")
        for line in [renamed, reIDed] {
            #expect(throws: SignedNoteError.self) { try SignedNote.open(text + "\n" + line, verifiers: [peter]) }
            let unknown = (try? SignedNote(parsing: text + "\n" + line))?.signatures ?? []
            #expect(throws: SignedNoteError.noVerifiedSignature(unknown: unknown)) {
                try SignedNote.open(text + "\n" + line, verifiers: [peter])
            }
        }
    }

    // MARK: Own round trips and rejections

    @Test func signAndOpenRoundTrip() throws {
        let log = try NoteSigningKey.generate(name: "example.com/log")
        let witness = try NoteSigningKey.generate(name: "witness.example/w1")
        let body = "hello\n\nworld with an empty line above\n— not a signature line\n"
        let note = try SignedNote.sign(body, with: [log, witness])
        let reparsed = try SignedNote(parsing: note.formatted)
        #expect(reparsed == note)
        #expect(reparsed.text == body)

        let opened = try SignedNote.open(note.formatted, verifiers: [witness.verifierKey, log.verifierKey])
        #expect(opened.text == body)
        #expect(opened.verifiedBy == [log.verifierKey, witness.verifierKey])

        let onlyLog = try SignedNote.open(note.formatted, verifiers: [log.verifierKey])
        #expect(onlyLog.verifiedBy == [log.verifierKey])
        #expect(onlyLog.unknownSignatures.map(\.name) == ["witness.example/w1"])
    }

    @Test func cosigningReplacesTheSameKeysSignature() throws {
        let log = try NoteSigningKey.generate(name: "log")
        let witness = try NoteSigningKey.generate(name: "witness")
        let note = try SignedNote.sign("body\n", with: [log])
        let cosigned = try note.adding(signatureBy: witness).adding(signatureBy: log)
        #expect(cosigned.signatures.map(\.name) == ["witness", "log"])
        let opened = try SignedNote.open(cosigned.formatted, verifiers: [log.verifierKey, witness.verifierKey])
        #expect(Set(opened.verifiedBy) == [log.verifierKey, witness.verifierKey])
    }

    @Test func tamperedTextOrSignatureIsRejected() throws {
        let key = try NoteSigningKey.generate(name: "example.com/log")
        let note = try SignedNote.sign("line one\nline two\n", with: [key])
        let message = note.formatted

        let tamperedText = message.replacingOccurrences(of: "line two", with: "line tw0")
        #expect(throws: SignedNoteError.invalidSignature(name: key.name, keyID: key.keyID)) {
            try SignedNote.open(tamperedText, verifiers: [key.verifierKey])
        }

        let original = try #require(note.signatures.first)
        for bit in stride(from: 0, to: 512, by: 7) {
            var bytes = original.signature
            bytes[bit / 8] ^= 1 << UInt8(bit % 8)
            let forged = NoteSignature(name: original.name, keyID: original.keyID, signature: bytes)
            #expect(throws: SignedNoteError.invalidSignature(name: key.name, keyID: key.keyID)) {
                try SignedNote.open(note.text + "\n" + forged.line + "\n", verifiers: [key.verifierKey])
            }
        }
        let truncated = NoteSignature(name: original.name, keyID: original.keyID,
                                      signature: Array(original.signature.dropLast()))
        #expect(throws: SignedNoteError.invalidSignature(name: key.name, keyID: key.keyID)) {
            try SignedNote.open(note.text + "\n" + truncated.line + "\n", verifiers: [key.verifierKey])
        }
    }

    @Test func unknownKeyAndWrongKeyIDAreNotVerified() throws {
        let key = try NoteSigningKey.generate(name: "example.com/log")
        let other = try NoteSigningKey.generate(name: "example.com/log")  // same name, other key
        let note = try SignedNote.sign("data\n", with: [key])
        #expect(throws: SignedNoteError.noVerifiedSignature(unknown: note.signatures)) {
            try SignedNote.open(note.formatted, verifiers: [other.verifierKey])
        }
        let original = try #require(note.signatures.first)
        let wrongID = NoteSignature(name: original.name, keyID: original.keyID ^ 1, signature: original.signature)
        #expect(throws: SignedNoteError.noVerifiedSignature(unknown: [wrongID])) {
            try SignedNote.open(note.text + "\n" + wrongID.line + "\n", verifiers: [key.verifierKey])
        }
    }

    @Test func malformedSignatureBlocks() throws {
        let key = try NoteSigningKey.generate(name: "log")
        let note = try SignedNote.sign("data\n", with: [key])
        let line = try #require(note.signatures.first).line
        let payload = String(line.dropFirst("— log ".count))
        let cases: [(String, SignedNoteError)] = [
            (note.text + "\n" + line, .missingSignatureBlock),                    // no final newline
            (note.text + line + "\n", .missingSignatureBlock),                    // no blank line
            (note.text + "\n\n", .missingSignatureBlock),                         // empty block
            (note.text + "\n" + line + "\n\n", .missingSignatureBlock),           // trailing blank line
            (note.text + "\n-- log " + payload + "\n", .malformedSignatureLine),  // ASCII dashes
            (note.text + "\n—log " + payload + "\n", .malformedSignatureLine),    // no space after dash
            (note.text + "\n— " + payload + "\n", .malformedSignatureLine),       // no name
            (note.text + "\n— log  " + payload + "\n", .malformedSignatureLine),  // two spaces
            (note.text + "\n— log " + payload + " \n", .malformedSignatureLine),  // trailing space
            (note.text + "\n— log " + String(payload.dropLast()) + "\n", .malformedSignatureLine),
            (note.text + "\n— log AAAAAA==\n", .malformedSignatureLine),          // 4 bytes: no signature
            (note.text + "\n— l+g " + payload + "\n", .malformedSignatureLine),   // invalid name
            (note.text + "\n" + line + "\r\n", .controlCharacter),                // CRLF
            (note.text + "\n" + line + "\n" + line, .missingSignatureBlock),
            ("", .missingSignatureBlock),
            ("\n\n", .missingSignatureBlock),
        ]
        for (message, error) in cases {
            #expect(throws: error, "\(message.debugDescription)") {
                try SignedNote.open(message, verifiers: [key.verifierKey])
            }
        }
    }

    @Test(arguments: ["", "no final newline", "tab\there\n", "cr\r\n", "nul\u{0}\n"])
    func invalidTextIsNotSigned(text: String) throws {
        let key = try NoteSigningKey.generate(name: "log")
        #expect(throws: SignedNoteError.invalidText) { try SignedNote.sign(text, with: [key]) }
    }

    @Test func duplicateOrMissingSignersAreRejected() throws {
        let key = try NoteSigningKey.generate(name: "log")
        #expect(throws: SignedNoteError.noSigningKeys) { try SignedNote.sign("data\n", with: []) }
        #expect(throws: SignedNoteError.duplicateSigner(name: "log", keyID: key.keyID)) {
            try SignedNote.sign("data\n", with: [key, key])
        }
    }

    @Test func c2spCheckpointExampleParsesAsAnUnverifiedNote() throws {
        // From c2sp.org/tlog-checkpoint; the example's public key is not published.
        let message = """
            example.com/behind-the-sofa
            20852163
            CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=

            — example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=

            """
        let note = try SignedNote(parsing: message)
        #expect(note.signatures.count == 1)
        #expect(note.signatures.first?.name == "example.com/behind-the-sofa")
        #expect(note.signatures.first?.signature.count == 64)
        let checkpoint = try Checkpoint.parse(note.text)
        #expect(checkpoint.size == 20852163)
        let stranger = try NoteSigningKey.generate(name: "example.com/behind-the-sofa")
        #expect(throws: SignedNoteError.noVerifiedSignature(unknown: note.signatures)) {
            try note.verify(with: [stranger.verifierKey])
        }
    }

    private func insert(_ insertion: String, into line: String, at offset: Int) -> String {
        let bytes = Array(line.utf8)
        return String(decoding: bytes[..<offset] + Array(insertion.utf8) + bytes[offset...], as: UTF8.self)
    }
}
