@testable import AccordLedger
import Testing

/// One refused input: what to do to the base ledger, and words the error must contain.
struct BadInput: Sendable, CustomTestStringConvertible {
    var name: String
    var mentions: [String]
    var act: @Sendable (LedgerFixture) throws -> Void

    var testDescription: String { name }
}

extension BadInput {
    static func commitment(_ name: String, _ mentions: [String], _ edit: @escaping @Sendable (inout CommitmentInput) -> Void) -> BadInput {
        BadInput(name: name, mentions: mentions) { f in
            var input = CommitmentInput(id: "X", agreement: "A", party: "UA")
            input.action = true
            input.due = "2025-06-30"
            edit(&input)
            _ = try f.ledger.addCommitment(input, as: f.recorder)
        }
    }

    static func log(_ name: String, _ mentions: [String], _ edit: @escaping @Sendable (inout VerificationInput) -> Void) -> BadInput {
        BadInput(name: name, mentions: mentions) { f in
            var input = VerificationInput(commitment: "UA-release", observed: "2025-05-23", source: SourceInput(name: "ICRC"))
            input.quantity = "390"
            edit(&input)
            _ = try f.ledger.log(input, as: f.recorder)
        }
    }

    static func amend(_ name: String, _ mentions: [String], _ edit: @escaping @Sendable (inout AmendmentInput) -> Void) -> BadInput {
        BadInput(name: name, mentions: mentions) { f in
            var input = AmendmentInput(subject: "commitment", id: "UA-release", effective: "2025-06-01", reason: "Renegotiated")
            edit(&input)
            _ = try f.ledger.amend(input, as: f.recorder)
        }
    }

    static func breach(_ name: String, _ mentions: [String], _ edit: @escaping @Sendable (inout BreachInput) -> Void) -> BadInput {
        BadInput(name: name, mentions: mentions) { f in
            var input = BreachInput(commitment: "no-strikes", party: "RU", observed: "2025-05-23", severity: "major",
                                    source: SourceInput(name: "UN"))
            edit(&input)
            _ = try f.ledger.recordBreach(input, as: f.recorder)
        }
    }
}

@Suite("Bad input through the library")
struct BadInputTests {
    static let cases: [BadInput] = [
        .commitment("unknown agreement", ["agreement", "nope"]) { $0.agreement = "nope" },
        .commitment("unknown party", ["party", "nope"]) { $0.party = "nope" },
        .commitment("unknown reciprocal", ["reciprocal", "nope"]) {
            $0.action = false; $0.quantity = "10"; $0.unit = "prisoners"; $0.reciprocal = "nope"
        },
        .commitment("unknown depends-on", ["depends-on", "nope"]) { $0.dependsOn = ["texts", "nope"] },
        .commitment("a quantity on an action", ["X", "action", "quantity"]) { $0.quantity = "5"; $0.unit = "prisoners" },
        .commitment("a negative quantity", ["quantity", "-5", "negative"]) {
            $0.action = false; $0.quantity = "-5"; $0.unit = "prisoners"
        },
        .commitment("a non-integer quantity", ["quantity", "2.5", "whole number"]) {
            $0.action = false; $0.quantity = "2.5"; $0.unit = "prisoners"
        },
        // Issue 12 reworded it for decimal quantities: "must be above 0".
        .commitment("a zero target", ["quantity", "above 0"]) { $0.action = false; $0.quantity = "0"; $0.unit = "prisoners" },
        .commitment("a quantity without a unit", ["X", "unit"]) { $0.action = false; $0.quantity = "5" },
        .commitment("a restraint without a window", ["X", "restraint", "window"]) {
            $0.action = false; $0.restraint = true; $0.due = nil
        },
        .commitment("--until before --from", ["X", "--until", "--from", "2025-06-01"]) {
            $0.action = false; $0.restraint = true; $0.due = nil; $0.from = "2025-06-10"; $0.until = "2025-06-01"
        },
        .commitment("an invalid due date", ["due", "2025-02-30"]) { $0.due = "2025-02-30" },
        .commitment("a date in words", ["due", "yesterday"]) { $0.due = "yesterday" },
        .commitment("a duplicate commitment id", ["UA-release", "already exists"]) { $0.id = "UA-release" },
        .commitment("a reciprocal of a different unit", ["grain", "tonnes", "prisoners"]) {
            $0.action = false; $0.quantity = "10"; $0.unit = "prisoners"; $0.reciprocal = "grain"
        },
        .commitment("a dependency on itself", ["X", "cycle"]) { $0.dependsOn = ["X"] },
        .commitment("no shape at all", ["X", "exactly one"]) { $0.action = false },
        .commitment("decimals on an action", ["X", "--decimals", "--quantity"]) { $0.decimals = "2" },
        .commitment("more than 6 decimals", ["decimals", "7"]) {
            $0.action = false; $0.quantity = "10"; $0.unit = "tonnes"; $0.decimals = "7"
        },
        .commitment("more decimal places than declared", ["quantity", "12.505", "2 decimal places"]) {
            $0.action = false; $0.quantity = "12.505"; $0.unit = "tonnes"; $0.decimals = "2"
        },
        .commitment("an id with a space", ["commitment id", "letters"]) { $0.id = "bad id" },
        .log("an unknown commitment", ["commitment", "nope"]) { $0.commitment = "nope" },
        .log("a quantity on an action", ["texts", "action"]) { $0.commitment = "texts" },
        .log("a done on a quantity", ["UA-release", "--quantity"]) { $0.quantity = nil; $0.done = true },
        .log("evidence on a restraint", ["no-strikes", "breach"]) { $0.commitment = "no-strikes" },
        .log("a negative quantity", ["quantity", "-5"]) { $0.quantity = "-5" },
        .log("a non-integer quantity", ["quantity", "2.5"]) { $0.quantity = "2.5" },
        .log("a thousands separator", ["quantity", "600,000", "separator", "600000"]) { $0.quantity = "600,000" },
        .log("an invalid date", ["observed", "2025-02-30"]) { $0.observed = "2025-02-30" },
        .log("a date in words", ["observed", "yesterday"]) { $0.observed = "yesterday" },
        .log("a future date", ["observed", "2999-01-01", "future"]) { $0.observed = "2999-01-01" },
        .log("a malformed SHA-256", ["sha256", "abc123"]) { $0.evidence = EvidenceInput(sha256: "abc123") },
        .log("a SHA-256 with a non-hex digit", ["sha256"]) { $0.evidence = EvidenceInput(sha256: String(repeating: "g", count: 64)) },
        .log("a digest that is not a SHA-256", ["digest", "32"]) { $0.evidence = EvidenceInput(contentDigest: [1, 2, 3]) },
        .log("lat without lon", ["lat", "lon"]) { $0.location = LocationInput(lat: "50.45") },
        .log("lon without lat", ["lat", "lon"]) { $0.location = LocationInput(lon: "30.52") },
        .log("lat out of range", ["lat", "91", "90"]) { $0.location = LocationInput(lat: "91", lon: "30") },
        .log("lon out of range", ["lon", "-180.5", "180"]) { $0.location = LocationInput(lat: "50", lon: "-180.5") },
        .log("an unknown confidence", ["confidence", "sure", "confirmed, probable, unverified"]) {
            $0.source = SourceInput(name: "ICRC", confidence: "sure")
        },
        .log("an unknown source kind", ["source_kind", "blog"]) { $0.source = SourceInput(name: "ICRC", kind: "blog") },
        .log("an unknown precision", ["precision", "hour"]) { $0.precision = "hour" },
        .log("an empty source", ["source", "empty"]) { $0.source = SourceInput(name: "  ") },
        .breach("an unknown party", ["party", "nope"]) { $0.party = "nope" },
        .breach("an unknown commitment", ["commitment", "nope"]) { $0.commitment = "nope" },
        .breach("an unknown severity", ["severity", "catastrophic", "minor, major, grave"]) { $0.severity = "catastrophic" },
        .breach("an unknown confidence", ["confidence", "sure"]) { $0.source = SourceInput(name: "UN", confidence: "sure") },
        .breach("a future date", ["observed", "future"]) { $0.observed = "2999-01-01" },
        .breach("lat out of range", ["lat"]) { $0.location = LocationInput(lat: "-90.0000001", lon: "0") },
        .breach("a malformed SHA-256", ["sha256"]) { $0.evidence = EvidenceInput(sha256: "zz") },
        .breach("a party other than the obligor", ["UA", "no-strikes", "obligor", "RU"]) { $0.party = "UA" },
        .breach("a restraint's breach before its window", ["2025-05-10", "no-strikes", "2025-05-16", "2025-06-30"]) {
            $0.observed = "2025-05-10"
        },
        .breach("a restraint's breach after its window", ["2025-07-01", "no-strikes", "2025-06-30"]) { $0.observed = "2025-07-01" },
        .breach("a quantity's breach before its agreement's date", ["grain", "2025-05-20", "2025-05-22"]) { f in
            f.commitment = "grain"; f.party = nil; f.observed = "2025-05-20"
        },
        BadInput(name: "a guarantee with an unknown guarantor", mentions: ["guarantor", "nope"]) { f in
            _ = try f.ledger.addGuarantee(GuaranteeInput(id: "G2", guarantor: "nope", covers: ["no-strikes"], consequence: "S"),
                                          as: f.recorder)
        },
        BadInput(name: "a guarantee covering an unknown commitment", mentions: ["covers", "nope"]) { f in
            _ = try f.ledger.addGuarantee(GuaranteeInput(id: "G2", guarantor: "US", covers: ["nope"], consequence: "S"),
                                          as: f.recorder)
        },
        BadInput(name: "an invocation in the future", mentions: ["date", "future"]) { f in
            _ = try f.ledger.invokeGuarantee(InvocationInput(guarantee: "G", date: "2999-01-01"), as: f.recorder)
        },
        BadInput(name: "an invocation with no trigger to answer", mentions: ["G", "2025-06-01", "breach"]) { f in
            _ = try f.ledger.invokeGuarantee(InvocationInput(guarantee: "G", date: "2025-06-01"), as: f.recorder)
        },
        .amend("a commitment's unit", ["unit", "new commitment"]) { $0.unit = "tonnes"; $0.target = "5" },
        .amend("a commitment's obligor", ["obligor", "new commitment"]) { $0.party = "RU" },
        .amend("a window on a quantity", ["--from", "UA-release", "quantity"]) { $0.from = "2025-06-01" },
        .amend("a name on a commitment", ["--name", "commitment"]) { $0.name = "Release" },
        .amend("nothing to amend", ["nothing to amend"]) { _ in },
        .amend("a zero target", ["target", "above 0"]) { $0.target = "0" },
        .amend("an unknown commitment", ["nope"]) { $0.id = "nope"; $0.due = "2025-06-30" },
        .amend("an invalid effective date", ["effective", "2025-02-30"]) { $0.effective = "2025-02-30"; $0.due = "2025-06-30" },
        .amend("an unknown subject", ["subject", "treaty"]) { $0.subject = "treaty"; $0.due = "2025-06-30" },
        BadInput(name: "a window that would end before it starts", mentions: ["no-strikes", "2025-05-10", "2025-05-16"]) { f in
            var input = AmendmentInput(subject: "commitment", id: "no-strikes", effective: "2025-06-01", reason: "Shortened")
            input.until = "2025-05-10"
            _ = try f.ledger.amend(input, as: f.recorder)
        },
        BadInput(name: "a void of a commitment that evidence refers to", mentions: ["cannot be voided", "refers to"]) { f in
            let seq = try #require(try f.ledger.database.scalarInt("SELECT seq FROM commitments WHERE id = 'UA-release'"))
            _ = try f.ledger.void(String(seq), reason: "Entered in error", as: f.recorder)
        },
        BadInput(name: "a void of a guaranteed commitment", mentions: ["cannot be voided", "guarantee"]) { f in
            let seq = try #require(try f.ledger.database.scalarInt("SELECT seq FROM commitments WHERE id = 'no-strikes'"))
            _ = try f.ledger.void(String(seq), reason: "Entered in error", as: f.recorder)
        },
        BadInput(name: "a void of the ledger's first entry", mentions: ["entry 1", "ledger.create"]) { f in
            _ = try f.ledger.void("1", reason: "Entered in error", as: f.recorder)
        },
        BadInput(name: "a void of an unknown entry", mentions: ["nope"]) { f in
            _ = try f.ledger.void("nope", reason: "Entered in error", as: f.recorder)
        },
    ]

    /// UA, RU, US; agreement A; UA-release/RU-release (1,000 prisoners, paired);
    /// texts (action); no-strikes (restraint, guaranteed by US as G); grain (100 tonnes, agreement B of 2025-05-22).
    static func base() throws -> LedgerFixture {
        let f = try LedgerFixture()
        try f.quantity("UA-release", party: "UA", target: "1000", due: "2025-05-25")
        try f.quantity("RU-release", party: "RU", target: "1000", due: "2025-05-25", reciprocal: "UA-release")
        try f.action("texts", party: "UA", due: "2025-06-02")
        try f.restraint("no-strikes", party: "RU", from: "2025-05-16", until: "2025-06-30")
        _ = try f.ledger.addAgreement(AgreementInput(id: "B", title: "Grain", date: "2025-05-22"), as: f.recorder)
        var grain = CommitmentInput(id: "grain", agreement: "B", party: "RU")
        grain.quantity = "100"
        grain.unit = "tonnes"
        grain.due = "2025-06-30"
        _ = try f.ledger.addCommitment(grain, as: f.recorder)
        try f.guarantee("G", guarantor: "US", covers: ["no-strikes"])
        try f.log("UA-release", quantity: 390, on: "2025-05-23", id: "v1")
        return f
    }

    @Test("each is a one-sentence bad-input error naming what and where; nothing is written", arguments: cases)
    func refused(_ c: BadInput) throws {
        let f = try Self.base()
        let before = try f.contents()
        let error = ledgerError { try c.act(f) }
        #expect(error?.code == .badInput, "\(c.name)")
        // The words a user reads: fields and hints as the command line names them.
        let message = error?.commandLineMessage ?? ""
        for word in c.mentions {
            #expect(message.contains(word), "\(c.name): '\(message)' does not mention \(word)")
        }
        #expect(!message.contains("\n"), "\(c.name): \(message)")
        #expect(try f.contents() == before, "\(c.name) changed the ledger")
    }
}
