import AccordLedger

/// The numbers and sentences a briefing shows, computed once so the HTML and
/// the Markdown say exactly the same thing.
extension Briefing {
    /// One headline figure: a label, the number, and what it rests on.
    struct Figure {
        var label: String
        var value: String
        var detail: String
    }

    /// Fulfilment over every due commitment in scope (withdrawn ones aside).
    var overall: (rate: Double?, due: Int, fulfilled: Int, pam: Int?) {
        let due = report.commitments.filter { $0.isDue && $0.status != .withdrawn }
        let rates = due.compactMap(\.rate)
        let rate = rates.isEmpty ? nil : Report.rounded(rates.reduce(0, +) / Double(rates.count))
        return (rate, due.count, due.filter { $0.status == .fulfilled }.count, Report.pamScore(rate: rate))
    }

    /// The observed day of a breach.
    static func day(of breach: BreachListing) -> Int64? {
        (try? Moment(canonical: breach.observed))?.day
    }

    /// True when a breach is at or above the report's confidence threshold.
    func counts(_ breach: BreachListing) -> Bool { notCountedReason(breach) == nil }

    /// Why a breach does not count, or nil when it does: "below threshold",
    /// "outside the commitment", "disputed".
    func notCountedReason(_ breach: BreachListing) -> String? {
        if breach.status == .outside { return "outside the commitment" }
        if breach.confidence < report.minConfidence { return "below threshold" }
        if breach.status == .disputed { return "disputed" }
        return nil
    }

    /// Every trigger of the guarantees in scope, with its guarantee, in order.
    var triggers: [(guarantee: GuaranteeReport, trigger: TriggerReport)] {
        report.guarantees.flatMap { g in g.triggers.map { (g, $0) } }
    }

    /// A trigger's answer in words: "invoked 2025-06-05", "invoked late, 2025-07-20", "lapsed", "open".
    func outcomeText(_ trigger: TriggerReport) -> String {
        switch trigger.outcome {
        case .invoked: "invoked \(trigger.invokedOn?.text ?? "")"
        case .invokedLate: "invoked late, \(trigger.invokedOn?.text ?? "")"
        case .lapsed: "lapsed"
        case .open: "open, response due"
        }
    }

    /// The notes under the evidence table about the commitments it leaves out
    /// (nothing counted, nothing below the threshold): those whose evidence
    /// awaits a ruling, then the rest. A disputed record is evidence, so those
    /// are never said to have none.
    func uncountedNotes(_ bare: [CommitmentReport]) -> [String] {
        func names(_ list: [CommitmentReport]) -> String {
            list.prefix(12).map(\.id).joined(separator: ", ") + (list.count > 12 ? " and \(list.count - 12) more" : "")
        }
        let disputed = bare.filter { $0.status == .disputed }, rest = bare.filter { $0.status != .disputed }
        return (disputed.isEmpty ? [] : ["Evidence under a pending dispute, counted only if upheld: \(names(disputed))."])
            + (rest.isEmpty ? [] : ["Nothing counted and nothing below the threshold: \(names(rest))."])
    }

    /// One line of a guarantee's table: a trigger, or an invocation that answers none.
    enum GuaranteeLine {
        case trigger(TriggerReport)
        case invocation(InvocationWithoutTrigger)
    }

    /// A guarantee's triggers and its invocations without a trigger, by date
    /// (a trigger before an invocation of its day).
    func lines(_ g: GuaranteeReport) -> [GuaranteeLine] {
        var lines: [GuaranteeLine] = []
        var invocations = g.invocationsWithoutTrigger[...]
        for trigger in g.triggers {
            while let next = invocations.first, next.invokedOn.day < trigger.triggeredOn.day {
                lines.append(.invocation(next))
                invocations.removeFirst()
            }
            lines.append(.trigger(trigger))
        }
        return lines + invocations.map(GuaranteeLine.invocation)
    }

    /// An invocation no trigger stands behind any more, for a reader:
    /// "invoked 2025-06-05 (entry 42); no trigger left to answer".
    func outcomeText(_ invocation: InvocationWithoutTrigger) -> String {
        "invoked \(invocation.invokedOn.text) (entry \(invocation.entry)); no trigger left to answer"
    }

    /// A commitment's status for a reader, with a late fulfilment marked:
    /// "fulfilled, late (28 d)".
    func statusText(_ c: CommitmentReport) -> String {
        let label = BriefStyle.look(c.status).label
        guard c.status == .fulfilled, c.late == true else { return label }
        return "\(label), late" + (c.daysLate.map { " (\($0) d)" } ?? "")
    }

    /// Breaches observed in the period (since … at), at any confidence.
    var periodBreaches: [BreachListing] {
        breaches.filter { breach in
            guard let day = Briefing.day(of: breach) else { return true }
            return day >= (since?.day ?? Int64.min) && day <= report.at.day
        }
    }

    /// The period as text: "2025-05-16 – 2025-06-10", or "to 2025-06-10".
    var periodText: String {
        since.map { "\($0.text) – \(report.at.text)" } ?? "up to \(report.at.text)"
    }

    /// "confirmed" or "probable or better".
    var thresholdText: String {
        report.minConfidence == .confirmed ? "confirmed" : "\(report.minConfidence.rawValue) or better"
    }

    /// A party's name and id: "Ukraine (UA)".
    func partyLabel(_ id: String) -> String {
        guard let name = partyNames[id], !name.isEmpty, name != id else { return id }
        return "\(name) (\(id))"
    }

    /// What the briefing covers: the agreement's title, a party, or the whole ledger.
    var title: String {
        var parts: [String] = []
        if let agreement = report.agreementFilter {
            parts.append(report.agreements.first { $0.id == agreement }?.title ?? agreement)
        } else if report.agreements.count == 1, let only = report.agreements.first {
            parts.append(only.title)
        } else {
            parts.append("All agreements")
        }
        if let party = report.partyFilter { parts.append("commitments of \(partyLabel(party))") }
        return parts.joined(separator: ": ")
    }

    /// Guarantees in scope, and their triggers by outcome.
    var guaranteeCounts: (all: Int, triggered: Int, invoked: Int, late: Int, lapsed: Int, pending: Int) {
        let t = triggers.map(\.trigger.outcome)
        return (report.guarantees.count, t.count, t.count { $0 == .invoked }, t.count { $0 == .invokedLate },
                t.count { $0 == .lapsed }, t.count { $0 == .open })
    }

    /// Records observed by the date but below the threshold, over the commitments in scope.
    var leftOut: Int64 { report.commitments.reduce(0) { $0 + $1.leftOut } }

    /// The three headline figures.
    var figures: [Figure] {
        let o = overall
        var fulfilment = "\(BriefText.count(o.fulfilled)) of \(BriefText.plural(o.due, "commitment")) due by \(report.at.text) fulfilled"
        if let pam = o.pam { fulfilment += "; Peace Accords Matrix \(pam) (\(Briefing.pamWords[pam]))" }
        if o.due == 0 { fulfilment = "no commitment is due by \(report.at.text) yet" }

        let period = periodBreaches
        let counted = period.filter(counts)
        let bySeverity = Severity.allCases.reversed().compactMap { severity -> String? in
            let n = counted.filter { $0.severity == severity }.count
            return n == 0 ? nil : "\(n) \(severity.rawValue)"
        }
        var breachDetail = bySeverity.isEmpty ? "none \(thresholdText)" : "\(bySeverity.joined(separator: ", ")), \(thresholdText)"
        breachDetail += since == nil ? ", up to \(report.at.text)" : ""
        let below = period.count { notCountedReason($0) == "below threshold" }
        if below > 0 {
            breachDetail += "; \(BriefText.plural(below, "more claim")) below the threshold, not counted"
        }
        let outside = period.count { notCountedReason($0) == "outside the commitment" }
        if outside > 0 {
            breachDetail += "; \(BriefText.plural(outside, "more record")) outside the commitment, not counted"
        }
        let disputed = period.count { notCountedReason($0) == "disputed" }
        if disputed > 0 {
            breachDetail += "; \(BriefText.plural(disputed, "more breach", "more breaches")) under a pending dispute, not counted"
        }

        let g = guaranteeCounts
        var guaranteeDetail = g.all == 0 ? "no guarantee covers these commitments"
            : "\(BriefText.plural(g.all, "guarantee")) in scope; "
                + (g.triggered == 0 ? "no trigger" : "\(BriefText.plural(g.triggered, "trigger")): \(g.lapsed) lapsed")
        if g.late > 0 { guaranteeDetail += ", \(g.late) invoked late" }
        if g.pending > 0 { guaranteeDetail += ", \(g.pending) awaiting a response" }
        let stray = report.guarantees.reduce(0) { $0 + $1.invocationsWithoutTrigger.count }
        if stray > 0 {
            guaranteeDetail += "; \(BriefText.plural(stray, "invocation")) with no trigger left to answer"
        }
        return [
            Figure(label: "Overall fulfilment", value: BriefText.percent(o.rate), detail: fulfilment),
            Figure(label: since.map { "Breaches since \($0.text)" } ?? "Breaches", value: BriefText.count(counted.count), detail: breachDetail),
            Figure(label: "Guarantees triggered / invoked", value: "\(g.triggered) / \(g.invoked)", detail: guaranteeDetail),
        ]
    }

    static let pamWords = ["not initiated", "minimal", "intermediate", "full"]

    /// Attention order: what a reader must see first.
    static func priority(_ status: FulfilmentStatus) -> Int {
        switch status {
        case .breached: 0
        case .overdue: 1
        case .disputed: 2
        case .blocked: 3
        case .unverified: 4
        case .inProgress: 5
        case .notYetDue: 6
        case .fulfilled: 7
        case .withdrawn: 8
        }
    }

    /// A commitment's id with the start of its text: UA-release (“Release 1,000 prisoners…”).
    func described(_ c: CommitmentReport) -> String {
        guard let text = c.text, !text.isEmpty else { return c.id }
        return "\(c.id) (“\(BriefText.truncated(text, 60))”)"
    }

    /// A party for running text: "Ukraine (UA)", or just the id when the name is long.
    func partyShort(_ id: String) -> String {
        guard let name = partyNames[id], name.count <= 28 else { return id }
        return partyLabel(id)
    }

    /// Items one sentence each when there are few, else one sentence naming
    /// the first few: "8 commitments are overdue: c10 (YB, since 2025-01-20), … and 3 more."
    private func grouped<T>(_ items: [T], one: (T) -> String, many: String, brief: (T) -> String) -> [String] {
        guard items.count > 2 else { return items.map(one) }
        let named = items.prefix(4).map(brief).joined(separator: "; ")
        return ["\(many): \(named)\(items.count > 4 ? "; and \(items.count - 4) more" : "")."]
    }

    /// Plain sentences for the "key points" list, most urgent first.
    var keyPoints: [String] {
        var points: [String] = []
        let commitments = report.commitments
        let breached = commitments.filter { $0.status == .breached }
        points += grouped(breached, one: { c in
            let first = breaches.first { $0.commitment == c.id && counts($0) }
            var line = "\(partyShort(c.party)) breached \(described(c)): \(BriefText.plural(Int(c.breaches), "counted breach", "counted breaches"))"
            if let first { line += ", first on \(first.observed) (\(first.severity))" }
            if !c.isDue, let end = c.until ?? c.due {
                line += "; it runs to \(end.text), so it is not yet in the fulfilment rate"
            }
            return line + "."
        }, many: "\(breached.count) commitments are breached", brief: { c in
            "\(c.id) (\(c.party), \(BriefText.plural(Int(c.breaches), "breach", "breaches")))"
        })
        let answered = triggers
        points += grouped(answered, one: { item in
            let (g, t) = item
            let who = partyShort(g.guarantor)
            let trigger = t.triggeredOn.text
            switch t.outcome {
            case .invoked:
                return "\(who) invoked guarantee \(g.id) on \(t.invokedOn?.text ?? "?"), within the \(g.respondWithinDays) days allowed after the trigger on \(trigger)."
            case .invokedLate:
                return "\(who) invoked guarantee \(g.id) on \(t.invokedOn?.text ?? "?"), after the \(g.respondWithinDays) days allowed "
                    + "after the trigger on \(trigger) (by \(t.respondBy.text)): late, not followed through."
            case .lapsed:
                return "\(who) did not invoke guarantee \(g.id) by \(t.respondBy.text) after its trigger on \(trigger): it lapsed."
            case .open:
                return "Guarantee \(g.id) was triggered on \(trigger); \(who) must respond by \(t.respondBy.text)."
            }
        }, many: "\(answered.count) guarantee triggers", brief: { item in
            let (g, t) = item
            return "\(g.id) \(t.triggeredOn.text) (\(g.guarantor), \(t.outcome == .open ? "response due \(t.respondBy.text)" : outcomeText(t)))"
        })
        let overdue = commitments.filter { $0.status == .overdue }
        points += grouped(overdue, one: { c in
            var line = "\(partyShort(c.party)): \(described(c)) is overdue since \(c.due?.text ?? "its due date")"
            if c.leftOut > 0 { line += "; \(BriefText.plural(Int(c.leftOut), "claim")) below the threshold not counted" }
            return line + "."
        }, many: "\(overdue.count) commitments are overdue", brief: { c in
            "\(c.id) (\(c.party), since \(c.due?.text ?? "?"))"
        })
        let disputed = commitments.filter { $0.status == .disputed }
        points += grouped(disputed, one: { c in
            "\(partyShort(c.party)): evidence on \(described(c)) is disputed and awaits adjudication."
        }, many: "\(disputed.count) commitments have disputed evidence awaiting adjudication", brief: { "\($0.id) (\($0.party))" })
        let blocked = commitments.filter { $0.status == .blocked }
        points += grouped(blocked, one: { c in
            "\(partyShort(c.party)): \(described(c)) is blocked until \(c.blockedBy.joined(separator: ", ")) is fulfilled."
        }, many: "\(blocked.count) commitments are blocked by unmet dependencies", brief: { c in
            "\(c.id) (on \(c.blockedBy.joined(separator: ", ")))"
        })
        points += grouped(report.reciprocity, one: { pair in
            let unit = pair.unit.map { " " + $0 } ?? ""
            if pair.tranches.isEmpty { return "Exchange \(pair.a) / \(pair.b): no counted tranche yet." }
            return "Exchange \(pair.a) / \(pair.b): \(BriefText.amount(pair.totalA, scale: pair.decimals)) and "
                + "\(BriefText.amount(pair.totalB, scale: pair.decimals))\(unit)"
                + " in \(BriefText.plural(pair.tranches.count, "tranche")); balance \(BriefText.signedAmount(pair.balance, scale: pair.decimals))."
        }, many: "\(report.reciprocity.count) reciprocal exchanges", brief: { pair in
            "\(pair.a) / \(pair.b) balance \(BriefText.signedAmount(pair.balance, scale: pair.decimals))"
        })
        let fulfilled = commitments.filter { $0.status == .fulfilled }.map { $0.late == true ? "\($0.id) (late)" : $0.id }
        if !fulfilled.isEmpty {
            let shown = fulfilled.prefix(6).joined(separator: ", ")
            points.append("Fulfilled: \(shown)\(fulfilled.count > 6 ? " and \(fulfilled.count - 6) more" : "").")
        }
        if points.isEmpty { points.append("Nothing is due, breached or overdue by \(report.at.text).") }
        return points
    }
}
