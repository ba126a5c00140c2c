/// Turns the structure of the ledger and the evidence about each commitment
/// into statuses and rates (docs: README "How fulfilment is judged").
///
/// A status is decided in this order: withdrawn; breached (a counted breach:
/// a decided outcome, shown even while a dependency is unmet); blocked (a
/// dependency is not fulfilled); disputed (a record that would
/// count is contested); fulfilled; overdue; not yet due; in progress;
/// unverified. Absence of evidence is never a finding.
struct Evaluator {
    let snapshot: Snapshot
    let evidence: [String: EvidenceSummary]
    let atDay: Int64
    let threshold: Int

    /// Each commitment's position in the snapshot (the first, for an id listed twice).
    private var positions: [String: Int] {
        var positions: [String: Int] = [:]
        positions.reserveCapacity(snapshot.commitments.count)
        for (index, row) in snapshot.commitments.enumerated() where positions[row.commitment.id] == nil {
            positions[row.commitment.id] = index
        }
        return positions
    }

    /// Each commitment's report, in the order of the snapshot's commitments
    /// (nil for an id listed again, which the first stands for).
    func evaluate() -> [CommitmentReport?] {
        let positions = positions
        var results = [CommitmentReport?](repeating: nil, count: snapshot.commitments.count)
        var visiting = [Bool](repeating: false, count: snapshot.commitments.count)

        /// The status of the commitment at `position`, deciding it (and its dependencies) first if need be.
        func evaluate(_ position: Int) -> FulfilmentStatus? {
            if let done = results[position]?.status { return done }
            guard !visiting[position] else { return nil }  // a cycle: treated as unmet
            visiting[position] = true
            defer { visiting[position] = false }
            let commitment = snapshot.commitments[position].commitment
            let summary = evidence[commitment.id] ?? EvidenceSummary()
            var blockedBy: [String] = []
            for dependency in commitment.dependsOn {
                guard isActive(dependency) else { continue }  // a withdrawn dependency no longer blocks
                if positions[dependency].flatMap(evaluate) != .fulfilled { blockedBy.append(dependency) }
            }
            let report = decide(commitment, summary: summary, blockedBy: blockedBy)
            results[position] = report
            return report.status
        }
        for (index, row) in snapshot.commitments.enumerated() where positions[row.commitment.id] == index { _ = evaluate(index) }
        return results
    }

    /// Not withdrawn by the report's date.
    func isActive(_ id: String) -> Bool {
        guard let withdrawn = snapshot.withdrawals[id] else { return true }
        return withdrawn.date.day > atDay
    }

    private func decide(_ commitment: Commitment, summary: EvidenceSummary, blockedBy: [String]) -> CommitmentReport {
        let ended = commitment.until.map { atDay > $0.day } ?? false
        let pastDue = commitment.due.map { atDay > $0.day } ?? false
        let fulfilled: Bool
        let progress: Bool
        var verified: Int64?
        var rate: Double
        switch commitment.kind {
        case .quantity:
            let target = max(commitment.target ?? 1, 1)
            verified = summary.quantity
            fulfilled = summary.quantity >= target
            progress = summary.quantity > 0
            rate = min(Double(summary.quantity) / Double(target), 1)
        case .action:
            verified = summary.done > 0 ? 1 : 0
            fulfilled = summary.done > 0
            // An action is done or not: a report that it is not done yet is no
            // progress, so without a counted `done` it stays unverified (or overdue).
            progress = false
            rate = fulfilled ? 1 : 0
        case .restraint:
            verified = nil
            fulfilled = ended && summary.breaches == 0
            progress = commitment.from.map { $0.day <= atDay } ?? true
            rate = summary.breaches > 0 ? 0 : 1
        }
        let status: FulfilmentStatus
        if !isActive(commitment.id) {
            status = .withdrawn
        } else if summary.breaches > 0 {
            status = .breached
        } else if !blockedBy.isEmpty {
            status = .blocked
        } else if summary.disputed {
            status = .disputed
        } else if fulfilled {
            status = .fulfilled
        } else if commitment.kind != .restraint && pastDue {
            status = .overdue
        } else if let from = commitment.from, from.day > atDay {
            status = .notYetDue
        } else if progress {
            status = .inProgress
        } else {
            status = .unverified
        }
        let deadline = commitment.kind == .restraint ? commitment.until : commitment.due
        // Due once its deadline has passed, or sooner when its outcome is already decided: a
        // confirmed breach is never hidden behind "not yet due", nor is an early fulfilment.
        let isDue = status != .withdrawn
            && ((deadline.map { $0.day <= atDay } ?? false) || status == .breached || status == .fulfilled)
        return CommitmentReport(
            id: commitment.id, agreement: commitment.agreement, party: commitment.party, kind: commitment.kind,
            target: commitment.target, unit: commitment.unit, verified: verified,
            rate: status == .withdrawn ? nil : Report.rounded(rate), status: status, due: commitment.due,
            from: commitment.from, until: commitment.until, reciprocal: commitment.reciprocal, sources: summary.sources,
            breaches: summary.breaches, dependsOn: commitment.dependsOn, blockedBy: blockedBy, leftOut: summary.leftOut,
            isDue: isDue, text: commitment.text, decimals: commitment.decimals)
    }
}

extension Report {
    /// Rates are carried unrounded: JSON, NDJSON, CSV and TSV print them
    /// exactly as computed (the same inputs in the same order always give the
    /// same double), and only tables, Markdown and the brief round them for
    /// reading (``Cell/display``, never showing a partial rate as 0% or 100%).
    package static func rounded(_ value: Double) -> Double { value }

    /// The Peace Accords Matrix level of a rate over due commitments:
    /// 0 for nothing implemented, 1 below half, 2 from half, 3 all.
    package static func pamScore(rate: Double?) -> Int? {
        guard let rate else { return nil }
        if rate <= 0 { return 0 }
        if rate < 0.5 { return 1 }
        if rate < 1 { return 2 }
        return 3
    }
}
