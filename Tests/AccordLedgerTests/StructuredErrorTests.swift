@testable import AccordLedger
@testable import AccordPresentation
import Foundation
import Testing

/// Errors say what happened as values a front end can map (a server's 404,
/// 409, 422), not only in words.
@Suite("Structured errors")
struct StructuredErrorTests {
    @Test("an unknown id is notFound, naming the entity and the id")
    func unknownID() throws {
        let f = try LedgerFixture()
        try f.quantity("C")
        let error = ledgerError { try f.log("nope", quantity: 1, on: "2025-05-23") }
        #expect(error?.kind == .notFound(.commitment, id: "nope"))
        #expect(error?.hint == .list(.commitment))
        var input = CommitmentInput(id: "E", agreement: "A", party: "ghost")
        input.action = true
        let ghost = ledgerError { _ = try f.ledger.addCommitment(input, as: f.recorder) }
        #expect(ghost?.kind == .notFound(.party, id: "ghost"))
    }

    @Test("a malformed value is invalid, naming the field; the words name it as each front end does")
    func malformedValue() throws {
        let f = try LedgerFixture()
        try f.quantity("C")
        var input = VerificationInput(commitment: "C", observed: "2025-05-23", source: SourceInput(name: "ICRC"))
        input.quantity = "12x"
        let error = ledgerError { _ = try f.ledger.log(input, as: f.recorder) }
        #expect(error?.kind == .invalid(.quantity))
        #expect(error?.field == .quantity)
        #expect(error?.message.hasPrefix("quantity '12x'") == true, "\(error?.message ?? "")")
        let date = ledgerError { try f.log("C", quantity: 1, on: "2025-13-01") }
        #expect(date?.field == .observed)
    }

    @Test("the same id with other content is a conflict with the entry that holds it, its differences listed")
    func conflict() throws {
        let f = try LedgerFixture()
        try f.quantity("C")
        let first = try f.log("C", quantity: 10, on: "2025-05-23", id: "v1")
        guard case .added(let seq, _) = first else { Issue.record("not added: \(first)"); return }
        let error = ledgerError { try f.log("C", quantity: 11, on: "2025-05-23", id: "v1") }
        #expect(error?.kind == .conflict(.entry(seq)))
        #expect(error?.idConflict?.seq == seq)
        #expect(error?.idConflict?.correctable == "v1")
        #expect(error?.isAboutTheRequest == true)
        // The same content again is no error at all.
        #expect(try f.log("C", quantity: 10, on: "2025-05-23", id: "v1") == .alreadyPresent(seq: seq))
    }

    @Test("hints are values: the plain message names no command, the command line's does")
    func hintsAreValues() throws {
        let f = try LedgerFixture()
        let error = ledgerError { try f.log("nope", quantity: 1, on: "2025-05-23") }
        let plain = try #require(error?.message)
        #expect(!plain.contains("accord "), "\(plain)")
        #expect(error?.commandLineMessage.hasSuffix("; list them with `accord commitment list`") == true)
    }

    @Test("a file that is not a database is notALedger(.notADatabase), told by its kind, not its words")
    func notADatabase() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("junk.sqlite")
        try Data(repeating: UInt8(ascii: "x"), count: 4096).write(to: URL(fileURLWithPath: path))
        let error = ledgerError { _ = try Ledger.open(at: path) }
        #expect(error?.kind == .notALedger(.notADatabase))
        // The audit tells a non-ledger from a damaged one by the error's kind.
        let report = try? Audit.run(path: path)
        #expect(report == nil || report?.outcome != .verified)
    }
}

/// The engine hashes evidence it is handed; reading the file is the front end's job.
@Suite("Evidence as bytes")
struct EvidenceDigestTests {
    @Test("the digest fed in chunks is the file's SHA-256, recorded as if given in hex")
    func digestInChunks() throws {
        var digest = EvidenceDigest()
        for chunk in ["ab", "c"] { Array(chunk.utf8).withUnsafeBytes { digest.update($0) } }
        let expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"  // SHA-256("abc"), FIPS 180-2
        #expect(digest.finalize().map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
                    .joined() == expected)
        let f = try LedgerFixture()
        try f.quantity("C")
        var byDigest = VerificationInput(commitment: "C", observed: "2025-05-23", source: SourceInput(name: "ICRC"))
        byDigest.quantity = "1"
        byDigest.externalID = "v1"
        byDigest.evidence = EvidenceInput(contentDigest: digest.finalize())
        let first = try f.ledger.log(byDigest, as: f.recorder)
        var byHex = byDigest
        byHex.evidence = EvidenceInput(sha256: expected)
        // The same content: the same id is a harmless retry.
        #expect(try f.ledger.log(byHex, as: f.recorder).seq == first.seq)
        var both = byDigest
        both.evidence = EvidenceInput(contentDigest: digest.finalize(), sha256: expected)
        #expect(ledgerError { _ = try f.ledger.log(both, as: f.recorder) }?.kind == .invalid(.evidenceFile))
    }
}
