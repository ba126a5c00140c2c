import AccordStorage
import AccordTrust
import Foundation
@testable import AccordFiles
@testable import AccordLedger

/// A ledger of about 560 entries with everything `accord audit` checks:
/// definitions, signed and unsigned verifications and breaches by two
/// registered keys, corroborations, corrections, disputes, adjudications,
/// retractions, a guarantee invoked, and two stored checkpoints whose notes
/// are also kept outside the file. Built through the library (a few write
/// transactions), so it takes a fraction of a second.
struct TrustFixture {
    let dir: TemporaryDirectory
    /// The pristine ledger; tests copy it before attacking it.
    let path: String
    /// Private key files: `mon` and `mon2` are registered, `ghost` never is.
    let monKey: String
    let mon2Key: String
    let ghostKey: String
    /// Outside copies of the checkpoints the ledger signed.
    let earlyCheckpoint: String
    let finalCheckpoint: String
    let earlySize: Int64
    let entries: Int64
    /// Seqs by kind, and which key signed which entry.
    var seqs: [String: [Int64]] = [:]
    var signer: [Int64: String] = [:]

    static let builder = "builder"

    init(_ dir: TemporaryDirectory) throws {
        self.dir = dir
        path = dir.path("pristine.sqlite")
        monKey = dir.path("mon.key")
        mon2Key = dir.path("mon2.key")
        ghostKey = dir.path("ghost.key")
        earlyCheckpoint = dir.path("early.checkpoint")
        finalCheckpoint = dir.path("final.checkpoint")
        let plain = Recorder(actor: Self.builder)
        let (ledger, _) = try Ledger.create(at: path, as: plain)
        var seqs: [String: [Int64]] = [:]
        var signer: [Int64: String] = [:]
        func note(_ kind: String, _ receipt: Receipt, key: String? = nil) { note(kind, receipt.outcome, key: key) }
        func note(_ kind: String, _ recorded: Recorded, key: String? = nil) {
            guard case .added(let seq, _) = recorded else { return }
            seqs[kind, default: []].append(seq)
            if let key { signer[seq] = key }
        }

        for (id, name) in [("UA", "Ukraine"), ("RU", "Russian Federation"), ("US", "United States")] {
            note("party", try ledger.addParty(PartyInput(id: id, name: name, kind: "state"), as: plain))
        }
        note("agreement", try ledger.addAgreement(AgreementInput(id: "deal", title: "Exchange and restraint", date: "2025-05-16"), as: plain))
        for side in ["UA", "RU"] {
            var release = CommitmentInput(id: "\(side)-release", agreement: "deal", party: side)
            release.quantity = "5000"
            release.unit = "prisoners"
            release.due = "2025-12-31"
            if side == "RU" { release.reciprocal = "UA-release" }
            note("commitment", try ledger.addCommitment(release, as: plain))
            var restraint = CommitmentInput(id: "\(side)-no-strikes", agreement: "deal", party: side)
            restraint.restraint = true
            restraint.from = "2025-05-16"
            restraint.until = "2025-12-31"
            note("commitment", try ledger.addCommitment(restraint, as: plain))
        }
        note("guarantee", try ledger.addGuarantee(GuaranteeInput(id: "US-sanctions", guarantor: "US", covers: ["UA-no-strikes", "RU-no-strikes"],
                                                                 consequence: "Sanctions", respondWithinDays: "7"), as: plain))
        for (name, file) in [("mon", monKey), ("mon2", mon2Key), ("ghost", ghostKey)] {
            _ = try Keys.generate(name: name, path: file)
            if name != "ghost" {
                note("key", try ledger.registerKey(name: name, publicKey: try Keys.verifierKey(at: file + ".pub"), as: plain))
            }
        }

        // Evidence in bulk: one transaction per recorder.
        let mon = Recorder(actor: "monitor-1", signer: try KeySigner(path: monKey))
        let mon2 = Recorder(actor: "monitor-2", signer: try KeySigner(path: mon2Key))
        func verification(_ index: Int, _ side: String) -> PreparedVerification {
            var input = VerificationInput(commitment: "\(side)-release", observed: "2025-06-\(String(format: "%02d", 1 + index % 28))",
                                          source: SourceInput(name: "ICRC team \(index % 5)", kind: "monitor",
                                                              confidence: ["confirmed", "probable", "unverified"][index % 3]))
            input.quantity = String(1 + index % 40)
            input.externalID = "v-\(side)-\(index)"
            return try! PreparedVerification(input)
        }
        func breach(_ index: Int, _ side: String) -> Breach {
            var input = BreachInput(commitment: "\(side)-no-strikes", party: side, observed: "2025-07-\(String(format: "%02d", 1 + index % 28))",
                                    severity: ["minor", "major", "grave"][index % 3],
                                    source: SourceInput(name: "HRMMU", kind: "monitor", confidence: index % 4 == 0 ? "probable" : "confirmed"))
            input.description = "Strike number \(index)"
            input.externalID = "b-\(side)-\(index)"
            return try! Breach(validating: input)
        }
        try ledger.transact(mon) { session in
            for index in 0..<150 { note("verification", try session.log(verification(index, "UA")), key: "mon") }
        }
        try ledger.transact(plain) { session in
            for index in 0..<200 { note("verification", try session.log(verification(index, "RU"))) }
            for index in 0..<60 { note("breach", try session.record(breach(index, index % 2 == 0 ? "RU" : "UA"))) }
        }
        try ledger.transact(mon2) { session in
            for index in 60..<100 { note("breach", try session.record(breach(index, "RU")), key: "mon2") }
        }
        let verifications = seqs["verification"]!
        let breaches = seqs["breach"]!
        try ledger.transact(plain) { session in
            for index in 0..<30 {
                let target = index % 2 == 0 ? verifications[index * 7] : breaches[index * 3]
                let prepared = try PreparedCorroboration(CorroborationInput(target: String(target), source: SourceInput(name: "Second source \(index)", kind: "media")))
                note("corroboration", try session.corroborate(prepared))
            }
        }
        for index in 0..<15 {
            var correction = CorrectionInput(target: String(verifications[200 + index]), reason: "recount \(index)")
            correction.quantity = String(100 + index)
            note("correction", try ledger.correct(correction, as: index % 3 == 0 ? mon : plain), key: index % 3 == 0 ? "mon" : nil)
        }
        for index in 0..<8 {
            note("dispute", try ledger.dispute(String(breaches[10 + index]), by: "RU", reason: "denied \(index)", source: "MoD", as: plain))
        }
        for index in 0..<4 {
            note("adjudication", try ledger.adjudicate(String(breaches[10 + index]), ruling: index % 2 == 0 ? .upheld : .rejected,
                                                       reason: "panel \(index)", as: plain))
        }
        for index in 0..<4 {
            note("retraction", try ledger.retract(String(verifications[300 + index]), reason: "duplicate \(index)", as: plain))
        }
        let early = try ledger.checkpoint(signingWith: try Keys.signingKey(at: monKey))
        try Keys.writeCheckpoint(early.note, to: earlyCheckpoint)
        earlySize = early.size

        try ledger.transact(mon2) { session in
            for index in 150..<180 { note("verification", try session.log(verification(index, "UA")), key: "mon2") }
        }
        note("invocation", try ledger.invokeGuarantee(InvocationInput(guarantee: "US-sanctions", date: "2025-07-09", note: "package"), as: plain))
        try ledger.transact(plain) { session in
            for index in 200..<230 { note("verification", try session.log(verification(index, "RU"))) }
        }
        let final = try ledger.checkpoint(signingWith: try Keys.signingKey(at: mon2Key))
        try Keys.writeCheckpoint(final.note, to: finalCheckpoint)
        entries = final.size
        self.seqs = seqs
        self.signer = signer
    }

    /// A copy of the pristine ledger, to attack.
    func copy(_ name: String) throws -> String {
        let target = dir.path(name)
        try FileManager.default.copyItem(atPath: path, toPath: target)
        return target
    }

    /// Seqs of signed entries among `kind`.
    func signed(_ kind: String) -> [Int64] { (seqs[kind] ?? []).filter { signer[$0] != nil } }
    func unsigned(_ kind: String) -> [Int64] { (seqs[kind] ?? []).filter { signer[$0] == nil } }
}

/// A deterministic generator (SplitMix64), so random positions repeat run to run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
