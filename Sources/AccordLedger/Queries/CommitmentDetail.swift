/// One commitment with its status and the evidence behind it.
public struct CommitmentDetail: Sendable {
    /// The commitment as the report judges it.
    public var report: CommitmentReport
    /// The world date it was judged at.
    public var at: Moment
    /// The lowest confidence counted.
    public var minConfidence: Confidence
    /// The ledger state it reflects.
    public var stamp: LedgerStamp
    /// Its verifications: live, retracted and rejected versions (replaced and voided ones left out).
    public var verifications: [VerificationListing]
    /// Its breaches: live, retracted and rejected versions (replaced and voided ones left out).
    public var breaches: [BreachListing]
    /// Why each listed version does not count at ``at`` (nil: it counts), by its seq.
    public var notCounted: [Int64: NotCounted] = [:]
    /// The commitment's amendments (voided ones left out), and whether each is in force at ``at``.
    public var amendments: [(seq: Int64, effective: Moment, reason: String, summary: String, inForce: Bool)] = []
}

extension Ledger {
    /// One commitment, judged as in a report, with its live evidence.
    /// - Throws: ``LedgerError`` `.badInput` when there is no such commitment.
    public func commitmentDetail(_ id: String, options: ReportOptions) throws -> CommitmentDetail {
        let today = try settings.clock.now()
        // The judgement and the listings read one view: the same entries, even if a writer appends meanwhile.
        return try reading(asOf: options.asOf) { view in
            let report = try view.report(options, at: options.at ?? Moment(date: CivilDate(days: today.day)))
            guard let row = report.commitments.first(where: { $0.id == id }) else {
                throw LedgerError.unknown(.commitment, id, hint: .list(.commitment))
            }
            // The live version of each record, and those retracted or rejected (shown as not counted, and why);
            // neither replaced versions nor voided records, which are as if never made.
            func shown(_ status: RecordStatus) -> Bool { status != .superseded && status != .voided }
            var verificationQuery = VerificationQuery()
            verificationQuery.commitment = id
            verificationQuery.status = .all
            var verifications: [VerificationListing] = []
            try view.forEachVerification(verificationQuery) { if shown($0.status) { verifications.append($0) } }
            var breachQuery = BreachQuery()
            breachQuery.commitment = id
            breachQuery.status = .all
            var breaches: [BreachListing] = []
            try view.forEachBreach(breachQuery) { if shown($0.status) { breaches.append($0) } }
            var detail = CommitmentDetail(report: row, at: report.at, minConfidence: report.minConfidence, stamp: report.ledger,
                                          verifications: verifications, breaches: breaches)
            for v in verifications {
                detail.notCounted[v.seq] = CommitmentDetail.whyNot(status: v.status, observed: v.observed,
                                                                   confidence: v.effectiveConfidence, detail: detail)
            }
            for b in breaches {
                detail.notCounted[b.seq] = CommitmentDetail.whyNot(status: b.status, observed: b.observed, confidence: b.confidence,
                                                                   detail: detail)
            }
            let snapshot = try view.state().snapshot
            detail.amendments = (snapshot.amendments[.commitment(id)] ?? []).filter { snapshot.voided[$0.seq] == nil }
                .sorted { ($0.effective.day, $0.seq) < ($1.effective.day, $1.seq) }
                .map { ($0.seq, $0.effective, $0.reason, Payload.describe($0.terms, decimals: row.decimals), $0.effective.day <= report.at.day) }
            return detail
        }
    }
}

/// Why a listed record version does not count at a report's date.
public enum NotCounted: Sendable, Equatable {
    /// Its status: disputed, outside its commitment, superseded, retracted, rejected or voided.
    case status(RecordStatus)
    /// Observed after the date judged at.
    case afterDate
    /// Below the confidence threshold.
    case belowThreshold
}

extension CommitmentDetail {
    /// Why a listed version does not count at the report's date, or nil when it does.
    static func whyNot(status: RecordStatus, observed: String, confidence: Confidence, detail: CommitmentDetail) -> NotCounted? {
        if status != .current { return .status(status) }
        if let day = try? Moment(parsing: observed, field: .observed).day, day > detail.at.day { return .afterDate }
        if confidence < detail.minConfidence { return .belowThreshold }
        return nil
    }
}
