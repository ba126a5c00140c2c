#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import AccordLedger

/// The built-in demo ledger: the 2025 Istanbul talks, with dates illustrative.
///
/// A US-mediated 1,000-for-1,000 prisoner exchange carried out in three
/// tranches; both sides' restraint from large-scale strikes, backed by a US
/// guarantee of immediate sanctions, with one confirmed breach and the
/// guarantor's response; a summit that one side attends only once the texts
/// are final (so it is blocked), its deadline later extended by an amendment;
/// and unverified claims that must not count.
public enum Demo {
    /// The date the demo's report is judged at: mid-way through the scenario.
    public static let scenarioDate = "2025-06-10"

    /// Creates the demo ledger at `path`.
    /// - Parameter force: replace an existing file; otherwise an existing file is refused.
    /// - Parameter settings: the clock the demo's entries are recorded by.
    /// - Throws: ``LedgerError``.
    public static func create(at path: String, force: Bool, as recorder: Recorder,
                              settings: LedgerSettings = LedgerSettings()) throws -> Ledger {
        if access(path, F_OK) == 0 {
            guard force else {
                throw LedgerError(.conflict(.file(path)), "\(path) already exists", hint: .replaceDemo)
            }
            for suffix in ["", "-wal", "-shm"] {
                if unlink(path + suffix) != 0 && errno != ENOENT {
                    throw LedgerError(.failure, "cannot remove \(path + suffix): \(String(cString: strerror(errno)))")
                }
            }
        }
        let (ledger, _) = try Ledger.create(at: path, as: recorder, settings: settings)
        do {
            try populate(ledger, as: recorder)
        } catch {
            // Leave no half-built demo behind: a rerun would refuse it without --force.
            for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
            throw error
        }
        return ledger
    }

    static func populate(_ ledger: Ledger, as r: Recorder) throws {
        for (id, name, kind) in [("UA", "Ukraine", "state"), ("RU", "Russian Federation", "state"),
                                 ("US", "United States", "state"), ("TR", "Türkiye", "state"),
                                 ("ICRC", "International Committee of the Red Cross", "organisation")] {
            _ = try ledger.addParty(PartyInput(id: id, name: name, kind: kind), as: r)
        }
        _ = try ledger.addAgreement(AgreementInput(id: "istanbul-2025", title: "Istanbul talks: exchange and de-escalation",
                                                   date: "2025-05-16", venue: "Istanbul"), as: r)

        var ua = CommitmentInput(id: "UA-release", agreement: "istanbul-2025", party: "UA")
        ua.quantity = "1000"
        ua.unit = "prisoners"
        ua.due = "2025-05-25"
        ua.text = "Release 1,000 prisoners of war and civilians"
        _ = try ledger.addCommitment(ua, as: r)
        var ru = CommitmentInput(id: "RU-release", agreement: "istanbul-2025", party: "RU")
        ru.quantity = "1000"
        ru.unit = "prisoners"
        ru.due = "2025-05-25"
        ru.reciprocal = "UA-release"
        ru.text = "Release 1,000 prisoners of war and civilians"
        _ = try ledger.addCommitment(ru, as: r)
        for party in ["UA", "RU"] {
            var restraint = CommitmentInput(id: "\(party)-no-strikes", agreement: "istanbul-2025", party: party)
            restraint.restraint = true
            restraint.from = "2025-05-16"
            restraint.until = "2025-06-30"
            restraint.text = "No large-scale strikes on energy infrastructure"
            _ = try ledger.addCommitment(restraint, as: r)
        }
        var texts = CommitmentInput(id: "texts-final", agreement: "istanbul-2025", party: "UA")
        texts.action = true
        texts.due = "2025-06-02"
        texts.text = "Agree the final text of the ceasefire memoranda"
        _ = try ledger.addCommitment(texts, as: r)
        var summit = CommitmentInput(id: "RU-summit", agreement: "istanbul-2025", party: "RU")
        summit.action = true
        summit.due = "2025-06-30"
        summit.dependsOn = ["texts-final"]
        summit.text = "Attend a leaders' summit in a neutral third country once the texts are final"
        _ = try ledger.addCommitment(summit, as: r)
        _ = try ledger.addGuarantee(GuaranteeInput(
            id: "US-sanctions", guarantor: "US", covers: ["UA-no-strikes", "RU-no-strikes"],
            consequence: "Immediate sanctions on the party in breach", respondWithinDays: "7"), as: r)

        // The exchange, tranche by tranche: each logged once by the ICRC,
        // then corroborated by the releasing side.
        for (date, count) in [("2025-05-23", "390"), ("2025-05-24", "307"), ("2025-05-25", "303")] {
            for (side, official) in [("UA", "Coordination HQ for POWs (UA)"), ("RU", "Ministry of Defence (RU)")] {
                let id = "icrc-\(date)-\(side)"
                var input = VerificationInput(commitment: "\(side)-release", observed: date,
                                              source: SourceInput(name: "ICRC", kind: "monitor", confidence: "confirmed"))
                input.quantity = count
                input.externalID = id
                input.location = LocationInput(place: "Belarus–Ukraine border", precision: "region")
                _ = try ledger.log(input, as: r)
                var corroboration = CorroborationInput(target: id, source: SourceInput(name: official, kind: "official"))
                corroboration.externalID = "\(id)-official"
                _ = try ledger.corroborate(corroboration, as: r)
            }
        }

        // A confirmed breach and the guarantor's response within its 7 days.
        var strike = BreachInput(commitment: "RU-no-strikes", party: "RU", observed: "2025-06-01", severity: "major",
                                 source: SourceInput(name: "UN HRMMU", kind: "monitor", confidence: "confirmed"))
        strike.description = "Large-scale missile and drone strike on energy infrastructure"
        strike.externalID = "hrmmu-2025-06-01"
        strike.evidence = EvidenceInput(sha256: "9f2c6a4b1d8e7f3a5c0b9d2e4f6a8c1b3d5e7f9a0b2c4d6e8f1a3b5c7d9e0f2a",
                                        uri: "https://example.org/hrmmu/2025-06-01-report.pdf")
        strike.location = LocationInput(place: "Kharkiv", lat: "49.9935", lon: "36.2304", precision: "near")
        _ = try ledger.recordBreach(strike, as: r)
        _ = try ledger.invokeGuarantee(InvocationInput(guarantee: "US-sanctions", date: "2025-06-05",
                                                       note: "Sanctions package announced"), as: r)

        // Claims that must not count at the default (confirmed) threshold.
        var claim = BreachInput(commitment: "UA-no-strikes", party: "UA", observed: "2025-06-03", severity: "major",
                                source: SourceInput(name: "RU Ministry of Defence statement", kind: "official",
                                                    confidence: "unverified"))
        claim.description = "Claimed drone strike on a power plant; not verified"
        claim.externalID = "ru-mod-claim-2025-06-03"
        _ = try ledger.recordBreach(claim, as: r)
        var textsClaim = VerificationInput(commitment: "texts-final", observed: "2025-06-04",
                                           source: SourceInput(name: "Wire report", kind: "media", confidence: "probable"))
        textsClaim.done = true
        textsClaim.externalID = "wire-2025-06-04"
        textsClaim.note = "Report that the memoranda texts were agreed; neither side has confirmed"
        _ = try ledger.log(textsClaim, as: r)

        // The texts slipped, so the mediators gave the summit two more weeks.
        var extension_ = AmendmentInput(subject: "commitment", id: "RU-summit", effective: "2025-06-06",
                                        reason: "Mediators extended the summit deadline after the texts slipped")
        extension_.due = "2025-07-15"
        _ = try ledger.amend(extension_, as: r)
    }
}
