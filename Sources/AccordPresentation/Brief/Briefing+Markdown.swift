import AccordLedger

/// The briefing as Markdown, for pasting into a memo: the same content as the
/// HTML page, section by section and in the same order, with the same
/// selections where the page shows only part (the gravest breaches and a
/// count of the rest, the first key points, the most urgent commitments, the
/// first sources of each): ``Briefing+Selection.swift`` chooses for both.
extension Briefing {
    /// The whole briefing as Markdown; ledger text is escaped so it cannot
    /// break a table or inject markup.
    public var markdown: String {
        var out = "# Briefing: \(m(title))\n\n"
        out += "*Judged at \(report.at.text), counting \(thresholdText) evidence; ledger entry \(report.ledger.seq), "
        out += "\(BriefText.plural(report.commitments.count, "commitment")).*\n\n"

        out += "## Headline\n\n"
        for figure in figures { out += "- **\(m(figure.label)): \(m(figure.value))** — \(m(figure.detail))\n" }

        out += "\n## Key points\n\n"
        let (points, morePoints) = shownKeyPoints
        for point in points { out += "- \(m(point))\n" }
        if morePoints > 0 { out += "- \(morePoints) more in the sections below.\n" }

        if !report.parties.isEmpty {
            out += "\n## Fulfilment by party\n\n"
            out += table(["Party", "Rate", "Due", "Fulfilled", "Of which late", "Breached", "Commitments"],
                         [false, true, true, true, true, true, true],
                         report.parties.prefix(Briefing.partyRowLimit).map { p in
                             [partyLabel(p.party), BriefText.percent(p.rate), String(p.due), String(p.fulfilled),
                              String(p.fulfilledLate), String(p.breached), String(p.commitments)]
                         })
            if report.parties.count > Briefing.partyRowLimit {
                out += "\n\(report.parties.count - Briefing.partyRowLimit) more parties not drawn.\n"
            }
        }

        out += "\n## Fulfilment by commitment\n\n"
        if report.commitments.isEmpty {
            out += "No commitment in scope.\n"
        } else {
            out += table(["Commitment", "Party", "Status", "Rate", "Measure", "Due or window end"], [false, false, false, true, false, false],
                         drawnCommitments.shown.map { c in
                             [c.id, c.party, statusText(c), BriefText.percent(c.rate), measure(c),
                              (c.kind == .restraint ? c.until : c.due)?.text ?? "–"]
                         })
            if let cutNote { out += "\n\(m(cutNote))\n" }
        }

        out += "\n## Guarantees\n\n"
        if report.guarantees.isEmpty {
            out += "No guarantee covers the commitments in scope.\n"
        } else {
            let (guarantees, moreGuarantees) = shownGuarantees
            out += table(["Guarantee", "Guarantor", "Covers", "Consequence", "Triggered", "Response due", "Outcome"],
                         [false, false, false, false, false, false, false],
                         guarantees.flatMap { g in
                             let terms = [g.id, partyShort(g.guarantor), g.covers.joined(separator: ", "), BriefText.truncated(g.consequence, 120)]
                             guard !g.triggers.isEmpty || !g.invocationsWithoutTrigger.isEmpty else {
                                 return [terms + ["not triggered", "–", "–"]]
                             }
                             return lines(g).map { line in
                                 switch line {
                                 case .trigger(let t):
                                     terms + ["\(t.triggeredOn.text) (breach \(t.breach))", "\(t.respondBy.text) (\(g.respondWithinDays) d)",
                                              outcomeText(t)]
                                 case .invocation(let invocation): terms + ["–", "–", outcomeText(invocation)]
                                 }
                             }
                         })
            if moreGuarantees > 0 { out += "\n\(BriefText.plural(moreGuarantees, "more guarantee")) not listed.\n" }
            let followThrough = report.guarantors.map { g in
                "\(partyShort(g.party)): \(followThroughCounts(g)); follow-through \(BriefText.percent(g.followThrough))"
            }
            if !followThrough.isEmpty { out += "\nGuarantors — \(m(followThrough.joined(separator: "; "))).\n" }
        }

        out += "\n## Breaches \(m(periodText))\n\n"
        let (breaches, _) = shownBreaches
        if breaches.isEmpty {
            out += "No breach observed in the period.\n"
        } else {
            out += table(["Observed", "Party", "Commitment", "Severity", "Confidence", "Counted", "Source", "What"],
                         [false, false, false, false, false, false, false, false],
                         breaches.map { b in
                             var what = BriefText.truncated(b.description ?? "", 80)
                             if b.status == .disputed { what += what.isEmpty ? "disputed" : " (disputed)" }
                             return [b.observed, b.party, b.commitment, b.severity.rawValue, b.confidence.rawValue,
                                     notCountedReason(b).map { "no, \($0)" } ?? "yes",
                                     b.source + (b.sources > 1 ? " +\(b.sources - 1)" : ""), what]
                         })
            if let note = moreBreachesNote { out += "\n\(m(note))\n" }
        }

        if !report.reciprocity.isEmpty {
            out += "\n## Reciprocal exchanges\n"
            let (drawn, rest) = shownExchanges
            for pair in drawn {
                out += "\n### \(m(pair.a)) ↔ \(m(pair.b))\(pair.unit.map { " (\(m($0)))" } ?? "")\n\n"
                let (rows, hidden) = shownTranches(pair)
                if hidden > 0 { out += "\(BriefText.plural(hidden, "earlier date")) not listed; totals below include them.\n\n" }
                if !rows.isEmpty {
                    out += table(["Date", pair.a, pair.b, "\(pair.a) total", "\(pair.b) total", "Balance"],
                                 [false, true, true, true, true, true],
                                 rows.map { row in
                                     [row.date, BriefText.amount(row.a, scale: pair.decimals), BriefText.amount(row.b, scale: pair.decimals),
                                      BriefText.amount(row.totalA, scale: pair.decimals), BriefText.amount(row.totalB, scale: pair.decimals),
                                      BriefText.signedAmount(row.totalA - row.totalB, scale: pair.decimals)]
                                 })
                }
                out += "\nTotals: \(BriefText.amount(pair.totalA, scale: pair.decimals)) and \(BriefText.amount(pair.totalB, scale: pair.decimals)); "
                    + "balance \(BriefText.signedAmount(pair.balance, scale: pair.decimals)).\n"
            }
            if !rest.isEmpty {
                out += "\nNot drawn: " + rest.map {
                    m("\($0.a) ↔ \($0.b): \(BriefText.count($0.totalA)) / \(BriefText.count($0.totalB)), balance \(BriefText.signed($0.balance))")
                }.joined(separator: "; ") + ".\n"
            }
        }

        out += "\n## Evidence behind the numbers\n\n"
        out += "Only \(m(thresholdText)) evidence counts (--min-confidence \(report.minConfidence.rawValue)). "
        out += "\(BriefText.plural(Int(leftOut), "record")) observed by \(report.at.text) fell below the threshold and \(leftOut == 1 ? "was" : "were") left out; "
        out += "a commitment with no counted evidence is shown as unverified or overdue, never as kept.\n"
        let (listed, bare) = evidenceRows
        if !listed.isEmpty {
            out += "\n" + table(["Commitment", "Party", "Counted", "Sources of counted evidence", "Sources", "Left out"],
                                [false, false, false, false, true, true],
                                listed.map { c in [c.id, c.party, measure(c), sourceText(c), String(c.sources), String(c.leftOut)] })
        }
        for note in uncountedNotes(bare) { out += "\n\(m(note))\n" }
        if drawnCommitments.shown.count < report.commitments.count {
            out += "\n\(report.commitments.count - drawnCommitments.shown.count) commitments not drawn above are not listed here either.\n"
        }

        out += "\n---\n\n"
        out += "- Generated at: \(generatedAt.iso8601)\n"
        out += "- Judged at (--at): \(report.at.text); breaches counted \(m(periodText))\n"
        out += "- Ledger: \(m(ledgerName)): entry (seq) \(report.ledger.seq) of ledger \(m(report.ledger.ledgerID))\n"
        out += "- Merkle root: \(report.ledger.root) (tree size \(report.ledger.treeSize))\n"
        out += "- Reproduce:\n\n"
        let command = reproduceCommand
        var fence = "```"
        while command.contains(fence) { fence += "`" }
        out += "\(fence)sh\n\(command)\n\(fence)\n"
        return out
    }

    private func m(_ text: String) -> String { BriefText.markdown(text) }

    /// A Markdown table; `numeric` right-aligns a column.
    private func table(_ header: [String], _ numeric: [Bool], _ rows: [[String]]) -> String {
        var out = "| " + header.map(m).joined(separator: " | ") + " |\n"
        out += "|" + numeric.map { $0 ? " ---: |" : " --- |" }.joined() + "\n"
        for row in rows { out += "| " + row.map(m).joined(separator: " | ") + " |\n" }
        return out
    }
}
