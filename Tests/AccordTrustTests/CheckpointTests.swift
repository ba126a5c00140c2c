import Testing
@testable import AccordTrust

@Suite("Checkpoint")
struct CheckpointTests {
    private let root = hash("0ac5186a91863e8e1d90c808014aa89bf5da8e3ee1d9f07630f0378f68f1ab62")

    @Test func c2spExample() throws {
        let text = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
        let checkpoint = try Checkpoint.parse(text)
        #expect(checkpoint.origin == "example.com/behind-the-sofa")
        #expect(checkpoint.size == 20852163)
        #expect(checkpoint.rootHash == root)
        #expect(checkpoint.extensions.isEmpty)
        #expect(checkpoint.format() == text)
    }

    @Test(arguments: [
        (0, []), (1, []), (20852163, ["ext one", "— ext two"]), (.max, ["x"]),
    ] as [(UInt64, [String])])
    func roundTrip(size: UInt64, extensions: [String]) throws {
        let checkpoint = try Checkpoint(origin: "accord.example/ledger", size: size, rootHash: root,
                                        extensions: extensions)
        let text = checkpoint.format()
        #expect(text.hasSuffix("\n"))
        #expect(text.split(separator: "\n", omittingEmptySubsequences: false).count == 4 + extensions.count)
        #expect(try Checkpoint.parse(text) == checkpoint)
    }

    @Test func signedCheckpointEndToEnd() throws {
        let key = try NoteSigningKey.generate(name: "accord.example/ledger")
        let checkpoint = try Checkpoint(origin: key.name, size: 42, rootHash: root)
        let note = try SignedNote.sign(checkpoint.format(), with: [key])
        let opened = try SignedNote.open(note.formatted, verifiers: [key.verifierKey])
        #expect(try Checkpoint.parse(opened.text) == checkpoint)
    }

    static let rootLine = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="

    @Test(arguments: [
        ("", CheckpointError.missingFinalNewline),
        ("o\n5\n\(rootLine)", .missingFinalNewline),
        ("o\n5\n", .tooFewLines),
        ("\n", .tooFewLines),
        ("\n5\n\(rootLine)\n", .invalidOrigin),
        ("o\r\n5\n\(rootLine)\n", .invalidOrigin),
        ("o\n05\n\(rootLine)\n", .invalidSize),
        ("o\n00\n\(rootLine)\n", .invalidSize),
        ("o\n+5\n\(rootLine)\n", .invalidSize),
        ("o\n-5\n\(rootLine)\n", .invalidSize),
        ("o\n 5\n\(rootLine)\n", .invalidSize),
        ("o\n5 \n\(rootLine)\n", .invalidSize),
        ("o\n\n\(rootLine)\n", .invalidSize),
        ("o\n0x10\n\(rootLine)\n", .invalidSize),
        ("o\n٥\n\(rootLine)\n", .invalidSize),  // Arabic-Indic digit five
        ("o\n18446744073709551616\n\(rootLine)\n", .invalidSize),
        ("o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n", .invalidRootHash),
        ("o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n", .invalidRootHash),
        ("o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxqw==\n", .invalidRootHash),
        ("o\n5\n0ac5186a91863e8e1d90c808014aa89bf5da8e3ee1d9f07630f0378f68f1ab62\n", .invalidRootHash),
        ("o\n5\n\n", .invalidRootHash),
        ("o\n5\n\(rootLine)\n\n", .invalidExtensionLine),
        ("o\n5\n\(rootLine)\na\n\nb\n", .invalidExtensionLine),
        ("o\n5\n\(rootLine)\na\tb\n", .invalidExtensionLine),
    ])
    func strictRejections(text: String, error: CheckpointError) {
        #expect(throws: error, "\(text.debugDescription)") { try Checkpoint.parse(text) }
    }

    @Test func acceptsBoundaryValues() throws {
        #expect(try Checkpoint.parse("o\n0\n\(Self.rootLine)\n").size == 0)
        #expect(try Checkpoint.parse("o\n18446744073709551615\n\(Self.rootLine)\n").size == .max)
        #expect(try Checkpoint.parse("origin with spaces+plus\n1\n\(Self.rootLine)\n").origin == "origin with spaces+plus")
    }

    @Test func invalidFieldsAreRejectedAtConstruction() {
        #expect(throws: CheckpointError.invalidOrigin) { try Checkpoint(origin: "", size: 0, rootHash: root) }
        #expect(throws: CheckpointError.invalidOrigin) { try Checkpoint(origin: "a\nb", size: 0, rootHash: root) }
        #expect(throws: CheckpointError.invalidExtensionLine) {
            try Checkpoint(origin: "o", size: 0, rootHash: root, extensions: [""])
        }
        #expect(throws: CheckpointError.invalidExtensionLine) {
            try Checkpoint(origin: "o", size: 0, rootHash: root, extensions: ["a\nb"])
        }
    }
}
