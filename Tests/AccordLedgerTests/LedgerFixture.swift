@testable import AccordLedger
import AccordStorage
import Foundation
import Testing

/// A fresh ledger in its own temporary directory, with short helpers to add
/// structure and evidence through the public API and to read reports.
///
/// Dates are in 2025, safely in the past of the test machine's clock (the
/// library refuses observations more than a day in the future).
final class LedgerFixture {
    let directory: TemporaryDirectory
    let ledger: Ledger
    let recorder = Recorder(actor: "tester")

    var path: String { ledger.path }

    init() throws {
        directory = try TemporaryDirectory()
        ledger = try Ledger.create(at: directory.path("ledger.sqlite"), as: recorder).ledger
    }

    // MARK: Structure

    @discardableResult
    func party(_ id: String, name: String? = nil, kind: String? = nil) throws -> Recorded {
        try ledger.addParty(PartyInput(id: id, name: name ?? "Party \(id)", kind: kind), as: recorder).outcome
    }

    @discardableResult
    func agreement(_ id: String, title: String? = nil) throws -> Recorded {
        try ledger.addAgreement(AgreementInput(id: id, title: title ?? "Agreement \(id)"), as: recorder).outcome
    }

    /// Adds the party and agreement when missing (idempotent adds).
    func ensure(party: String, agreement: String) throws {
        try self.party(party)
        try self.agreement(agreement)
    }

    @discardableResult
    func quantity(_ id: String, party: String = "P", agreement: String = "A", target: String = "100",
                  unit: String = "prisoners", due: String? = nil, from: String? = nil, until: String? = nil,
                  reciprocal: String? = nil, dependsOn: [String] = []) throws -> Recorded {
        try ensure(party: party, agreement: agreement)
        var input = CommitmentInput(id: id, agreement: agreement, party: party)
        input.quantity = target
        input.unit = unit
        input.due = due
        input.from = from
        input.until = until
        input.reciprocal = reciprocal
        input.dependsOn = dependsOn
        return try ledger.addCommitment(input, as: recorder).outcome
    }

    @discardableResult
    func action(_ id: String, party: String = "P", agreement: String = "A", due: String? = nil, from: String? = nil,
                dependsOn: [String] = []) throws -> Recorded {
        try ensure(party: party, agreement: agreement)
        var input = CommitmentInput(id: id, agreement: agreement, party: party)
        input.action = true
        input.due = due
        input.from = from
        input.dependsOn = dependsOn
        return try ledger.addCommitment(input, as: recorder).outcome
    }

    @discardableResult
    func restraint(_ id: String, party: String = "P", agreement: String = "A", from: String, until: String? = nil,
                   dependsOn: [String] = []) throws -> Recorded {
        try ensure(party: party, agreement: agreement)
        var input = CommitmentInput(id: id, agreement: agreement, party: party)
        input.restraint = true
        input.from = from
        input.until = until
        input.dependsOn = dependsOn
        return try ledger.addCommitment(input, as: recorder).outcome
    }

    @discardableResult
    func guarantee(_ id: String, guarantor: String, covers: [String], days: String? = "7") throws -> Recorded {
        try party(guarantor)
        return try ledger.addGuarantee(GuaranteeInput(id: id, guarantor: guarantor, covers: covers,
                                                      consequence: "Sanctions", respondWithinDays: days), as: recorder).outcome
    }

    @discardableResult
    func invoke(_ guarantee: String, on date: String) throws -> Recorded {
        try ledger.invokeGuarantee(InvocationInput(guarantee: guarantee, date: date), as: recorder).outcome
    }

    @discardableResult
    func withdraw(_ commitment: String, on date: String) throws -> Recorded {
        try ledger.withdrawCommitment(WithdrawalInput(commitment: commitment, date: date, reason: "Dropped"), as: recorder).outcome
    }

    // MARK: Evidence

    @discardableResult
    func log(_ commitment: String, quantity: Int64, on date: String, source: String = "ICRC",
             confidence: Confidence = .confirmed, id: String? = nil) throws -> Recorded {
        var input = VerificationInput(commitment: commitment, observed: date,
                                      source: SourceInput(name: source, kind: "monitor", confidence: confidence.rawValue))
        input.quantity = String(quantity)
        input.externalID = id
        return try ledger.log(input, as: recorder).outcome
    }

    @discardableResult
    func log(_ commitment: String, done: Bool, on date: String, source: String = "ICRC",
             confidence: Confidence = .confirmed, id: String? = nil) throws -> Recorded {
        var input = VerificationInput(commitment: commitment, observed: date,
                                      source: SourceInput(name: source, kind: "monitor", confidence: confidence.rawValue))
        input.done = done
        input.notDone = !done
        input.externalID = id
        return try ledger.log(input, as: recorder).outcome
    }

    @discardableResult
    func breach(_ commitment: String, by party: String = "P", on date: String, source: String = "UN HRMMU",
                confidence: Confidence = .confirmed, severity: String = "major", id: String? = nil) throws -> Recorded {
        var input = BreachInput(commitment: commitment, party: party, observed: date, severity: severity,
                                source: SourceInput(name: source, kind: "monitor", confidence: confidence.rawValue))
        input.externalID = id
        return try ledger.recordBreach(input, as: recorder).outcome
    }

    @discardableResult
    func corroborate(_ target: String, source: String, confidence: Confidence = .confirmed, id: String? = nil) throws -> Recorded {
        var input = CorroborationInput(target: target, source: SourceInput(name: source, kind: "official",
                                                                           confidence: confidence.rawValue))
        input.externalID = id
        return try ledger.corroborate(input, as: recorder).outcome
    }

    // MARK: Reading

    func report(at date: String, min: Confidence = .confirmed, agreement: String? = nil, party: String? = nil,
                asOf: AsOf? = nil) throws -> Report {
        try ledger.report(ReportOptions(at: try Moment(parsing: date, field: .at), asOf: asOf, minConfidence: min,
                                        agreement: agreement, party: party))
    }

    func commitment(_ id: String, at date: String, min: Confidence = .confirmed) throws -> CommitmentReport {
        try #require(try report(at: date, min: min).commitments.first { $0.id == id })
    }

    /// The journal as (seq, entry bytes), in order.
    func journal() throws -> [(Int64, [UInt8])] {
        var rows: [(Int64, [UInt8])] = []
        try ledger.database.forEach("SELECT seq, entry FROM journal ORDER BY seq") { row in
            rows.append((row.int64(0), row.blob(1)))
        }
        return rows
    }

    /// Every row of every table, as text, to prove a refused write changed nothing.
    func contents() throws -> [String] {
        var tables: [String] = []
        try ledger.database.forEach("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") { row in
            tables.append(row.text(0))
        }
        var lines: [String] = []
        for table in tables {
            let statement = try ledger.database.prepare("SELECT * FROM \"\(table)\" ORDER BY 1, 2")
            let cursor = statement.cursor()
            while let row = try cursor.next() {
                let values = (0..<Int32(row.count)).map { index -> String in
                    switch row.value(index) {
                    case .null: "NULL"
                    case .integer(let value): String(value)
                    case .real(let value): String(value)
                    case .text(let value): "'\(value)'"
                    case .blob(let bytes): "x'" + bytes.map { String(format: "%02x", $0) }.joined() + "'"
                    }
                }
                lines.append("\(table): " + values.joined(separator: "|"))
            }
        }
        return lines
    }
}

/// Runs `body` and returns the ``LedgerError`` it throws, recording an issue
/// when it throws nothing or something else.
func ledgerError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> LedgerError? {
    do {
        try body()
        Issue.record("expected a LedgerError, nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as LedgerError {
        return error
    } catch {
        Issue.record("expected a LedgerError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

extension LedgerError {
    /// The coarse class these tests were written against: every refusal of
    /// the request (unknown id, conflict, invalid or forbidden value) is
    /// bad input, as the command line's exit code 65 says.
    enum Code: Equatable {
        case badInput, notALedger, busy, tampered, corrupt, unverifiable, failure
    }

    var code: Code {
        switch kind {
        case .notFound, .conflict, .invalid, .forbidden: .badInput
        case .notALedger: .notALedger
        case .busy: .busy
        case .tampered: .tampered
        case .corrupt: .corrupt
        case .unverifiable: .unverifiable
        case .io, .failure: .failure
        }
    }
}
