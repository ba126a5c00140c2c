import AccordStorage

/// What a one-page briefing shows, read at one seq: the fulfilment report,
/// the breaches of the period and the sources behind each number.
public struct BriefingFacts: Sendable {
    /// The fulfilment report every number comes from.
    public var report: Report
    /// The start of the period the headline's breaches fall in; nil for all
    /// breaches up to the report's date.
    public var since: Moment?
    /// Breaches of the commitments in scope observed on or before the report's
    /// date, at any confidence (live or disputed versions), by observed date.
    public var breaches: [BreachListing]
    /// Party names by id (guarantors included).
    public var partyNames: [String: String]
    /// Each commitment's counted sources, exactly those the report counts,
    /// one "name (kind)" per source (look-alike spellings are one source:
    /// ``TextRules/sourceKey(_:)``), first recorded first.
    public var sources: [String: [String]]
    /// The real time the facts were read.
    public var generatedAt: Timestamp
}

extension Ledger {
    /// Gathers what a briefing shows: the report, then the breaches and
    /// evidence sources read at the very seq the report reflects, so every
    /// part agrees.
    /// - Parameter since: the start of the period whose breaches count
    ///   (default: the earliest date of the agreements in scope).
    /// - Throws: ``LedgerError`` `.badInput` for an unknown filter id, an
    ///   `asOf` beyond the head, or a period that starts after the report's date.
    public func briefingFacts(report options: ReportOptions, since: Moment? = nil) throws -> BriefingFacts {
        let generatedAt = try settings.clock.now()
        // Everything is read from one view, so every part reflects the same entries.
        return try reading(asOf: options.asOf) { view in
            let report = try view.report(options, at: options.at ?? Moment(date: CivilDate(days: generatedAt.day)))
            // Names and dates as in force at the report's date (amendments applied, voided ones gone).
            let snapshot = try view.state().snapshot.inForce(onDay: report.at.day)
            let scopeAgreements = Set(report.agreements.map(\.id))
            let since = since ?? snapshot.agreementDates
                .filter { scopeAgreements.contains($0.key) }.values.min { $0.day < $1.day }
            if let since, since.day > report.at.day {
                throw LedgerError.invalid(.since, "\(option: .since) \(since.text) is after \(option: .at) \(report.at.text); the period "
                                          + "must end on or after it starts")
            }

            let inScope = Set(report.commitments.map(\.id))
            var breachQuery = BreachQuery()
            breachQuery.at = report.at
            breachQuery.party = report.partyFilter
            var breaches: [BreachListing] = []
            try view.forEachBreach(breachQuery) { breach in
                if inScope.contains(breach.commitment) { breaches.append(breach) }
            }

            // The sources the report counted, each once.
            let sources = try view.countedSources(threshold: report.minConfidence, day: report.at.day, commitments: inScope)
            let partyNames = Dictionary(snapshot.parties.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            return BriefingFacts(report: report, since: since, breaches: breaches, partyNames: partyNames,
                                 sources: sources, generatedAt: generatedAt)
        }
    }
}

extension LedgerView {
    /// Each commitment's counted sources, one display name per source key
    /// (``TextRules/sourceKey(_:)``: spellings of one source count once), as
    /// the report counts them: the sources at or above `threshold` of the
    /// current records (not retracted, disputed or rejected) observed by
    /// `day`, breaches within their commitment — a record's own source and its
    /// live (neither retracted nor voided) corroborations'. The name
    /// shown is the first spelling recorded, with its kind.
    /// - Parameter recordsPerPart: how many records to hold at a time (see ``EvidenceBook/parts(_:kind:recordsPerPart:)``).
    func countedSources(threshold: Confidence, day: Int64, commitments: Set<String>,
                        recordsPerPart: Int = 100_000) throws -> [String: [String]] {
        // Each commitment's sources by key: where the source is first cited (kind, record, place in the
        // record's list of sources) and its name there. Every record is read, a part at a time (a correction
        // may have moved one into scope from another commitment), so the first citation is kept by its place.
        var firsts: [String: [String: (order: (Int, Int64, Int), name: String)]] = [:]
        for (kindIndex, kind) in [Record.Kind.verification, .breach].enumerated() {
            let count = try EvidenceBook.parts(self, kind: kind, recordsPerPart: recordsPerPart)
            for index in 0..<count {
                let book = try EvidenceBook.load(self, kind: kind, part: (index, count))
                for history in book.records {
                    guard let current = history.current, commitments.contains(current.record.commitment),
                          current.record.observed.day <= day,
                          history.status(of: history.versions.count - 1, inForce: try inForce(current.record)) == .current else { continue }
                    let live = history.corroborations.filter(\.live).map(\.corroboration.source)
                    for (place, source) in ([current.record.source] + live).enumerated() where source.confidence >= threshold {
                        let order = (kindIndex, history.record, place)
                        let key = TextRules.sourceKey(source.name)
                        if let known = firsts[current.record.commitment]?[key], known.order <= order { continue }
                        firsts[current.record.commitment, default: [:]][key] = (order, "\(source.name) (\(source.kind.rawValue))")
                    }
                }
            }
        }
        return firsts.mapValues { sources in sources.values.sorted { $0.order < $1.order }.map(\.name) }
    }
}
