import AccordLedger

/// What the one-page briefing shows when there is more than fits: the same
/// selection for the HTML and the Markdown, so both carry the same content
/// (the gravest breaches and a count of the rest, the first key points …).
extension Briefing {
    static let keyPointLimit = 9

    /// The key points shown, and how many more there are.
    var shownKeyPoints: (points: [String], more: Int) {
        let points = keyPoints
        return (Array(points.prefix(Briefing.keyPointLimit)), max(0, points.count - Briefing.keyPointLimit))
    }

    /// The period's breaches shown: counted ones first, gravest first, then
    /// the latest; at most ``breachRowLimit``, listed by date. And how many
    /// are left out.
    var shownBreaches: (breaches: [BreachListing], more: Int) {
        let period = periodBreaches
        let ordered = period.sorted { a, b in
            let ca = counts(a), cb = counts(b)
            if ca != cb { return ca }
            let sa = a.severity, sb = b.severity
            return sa != sb ? sa > sb : (Briefing.day(of: a) ?? 0) > (Briefing.day(of: b) ?? 0)
        }
        let shown = ordered.prefix(Briefing.breachRowLimit)
            .sorted { (Briefing.day(of: $0) ?? 0, $0.seq) < (Briefing.day(of: $1) ?? 0, $1.seq) }
        return (shown, max(0, period.count - Briefing.breachRowLimit))
    }

    /// The note under a cut breach table.
    var moreBreachesNote: String? {
        let more = shownBreaches.more
        guard more > 0 else { return nil }
        return "\(BriefText.plural(more, "less grave or uncounted breach", "less grave or uncounted breaches")) not listed; "
            + "`accord breaches --at \(report.at.text) --as-of \(report.ledger.seq)` lists them all."
    }

    /// The guarantees shown, and how many more there are.
    var shownGuarantees: (guarantees: [GuaranteeReport], more: Int) {
        (Array(report.guarantees.prefix(Briefing.guaranteeRowLimit)), max(0, report.guarantees.count - Briefing.guaranteeRowLimit))
    }

    /// The exchanges drawn, and the others.
    var shownExchanges: (drawn: [ReciprocityReport], rest: [ReciprocityReport]) {
        (Array(report.reciprocity.prefix(Briefing.exchangeChartLimit)), Array(report.reciprocity.dropFirst(Briefing.exchangeChartLimit)))
    }

    /// An exchange's tranches with running totals, the earliest dates beyond
    /// ``trancheRowLimit`` left out (the totals include them), and how many were.
    func shownTranches(_ pair: ReciprocityReport) -> (rows: [(date: String, a: Int64, b: Int64, totalA: Int64, totalB: Int64)], hidden: Int) {
        var rows: [(date: String, a: Int64, b: Int64, totalA: Int64, totalB: Int64)] = []
        var runningA: Int64 = 0, runningB: Int64 = 0
        for tranche in pair.tranches {
            runningA += tranche.a
            runningB += tranche.b
            rows.append((tranche.date.text, tranche.a, tranche.b, runningA, runningB))
        }
        let hidden = max(0, rows.count - Briefing.trancheRowLimit)
        return (Array(rows.dropFirst(hidden)), hidden)
    }

    /// The evidence table's rows (commitments drawn above that have evidence)
    /// and the commitments drawn with none at all.
    var evidenceRows: (listed: [CommitmentReport], bare: [CommitmentReport]) {
        let shown = drawnCommitments.shown
        let listed = shown.filter { c in c.sources > 0 || c.leftOut > 0 || !(sources[c.id] ?? []).isEmpty }
        let listedIDs = Set(listed.map(\.id))
        return (listed, shown.filter { !listedIDs.contains($0.id) })
    }

    static let sourceNameLimit = 3

    /// The sources counted for a commitment, one name each: the first few and how many more.
    func sourceText(_ c: CommitmentReport) -> String {
        let names = sources[c.id] ?? []
        guard !names.isEmpty else { return "none" }
        var text = names.prefix(Briefing.sourceNameLimit).joined(separator: "; ")
        if names.count > Briefing.sourceNameLimit { text += "; +\(names.count - Briefing.sourceNameLimit) more" }
        return text
    }
}
