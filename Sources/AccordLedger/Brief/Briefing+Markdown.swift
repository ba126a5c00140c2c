/// The briefing as Markdown, for pasting into a memo: the same figures,
/// points and tables as the HTML, in the same order, with nothing cut.
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
        for point in keyPoints { out += "- \(m(point))\n" }

        if !report.parties.isEmpty {
            out += "\n## Fulfilment by party\n\n"
            out += table(["Party", "Rate", "Due", "Fulfilled", "Of which late", "Breached", "Commitments"],
                         [false, true, true, true, true, true, true],
                         report.parties.map { p in
                             [partyLabel(p.party), BriefText.percent(p.rate), String(p.due), String(p.fulfilled),
                              String(p.fulfilledLate), String(p.breached), String(p.commitments)]
                         })
        }

        out += "\n## Fulfilment by commitment\n\n"
        out += table(["Commitment", "Party", "Status", "Rate", "Measure", "Due or window end"], [false, false, false, true, false, false],
                     report.commitments.map { c in
                         [c.id, c.party, statusText(c), BriefText.percent(c.rate), measure(c),
                          (c.kind == .restraint ? c.until : c.due)?.text ?? "–"]
                     })

        out += "\n## Guarantees\n\n"
        if report.guarantees.isEmpty {
            out += "No guarantee covers the commitments in scope.\n"
        } else {
            out += table(["Guarantee", "Guarantor", "Covers", "Consequence", "Triggered", "Response due", "Outcome"],
                         [false, false, false, false, false, false, false],
                         report.guarantees.flatMap { g in
                             let terms = [g.id, partyLabel(g.guarantor), g.covers.joined(separator: ", "), g.consequence]
                             guard !g.triggers.isEmpty else { return [terms + ["not triggered", "–", "–"]] }
                             return g.triggers.map { t in
                                 terms + ["\(t.triggeredOn.text) (breach \(t.breach))", "\(t.respondBy.text) (\(g.respondWithinDays) d)",
                                          outcomeText(t)]
                             }
                         })
            for g in report.guarantors {
                out += "\n\(m(partyLabel(g.party))): \(followThroughCounts(g)); follow-through \(BriefText.percent(g.followThrough)).\n"
            }
        }

        out += "\n## Breaches \(m(periodText))\n\n"
        let period = periodBreaches
        if period.isEmpty {
            out += "No breach observed in the period.\n"
        } else {
            out += table(["Observed", "Party", "Commitment", "Severity", "Confidence", "Counted", "Source", "What"],
                         [false, false, false, false, false, false, false, false],
                         period.map { b in
                             [b.observed, b.party, b.commitment, b.severity, b.confidence,
                              notCountedReason(b).map { "no, \($0)" } ?? "yes", b.source,
                              (b.description ?? "") + (b.status == "disputed" ? " (disputed)" : "")]
                         })
        }

        if !report.reciprocity.isEmpty {
            out += "\n## Reciprocal exchanges\n"
            for pair in report.reciprocity {
                out += "\n### \(m(pair.a)) ↔ \(m(pair.b))\(pair.unit.map { " (\(m($0)))" } ?? "")\n\n"
                var runningA: Int64 = 0, runningB: Int64 = 0
                var rows: [[String]] = []
                for tranche in pair.tranches {
                    runningA += tranche.a
                    runningB += tranche.b
                    rows.append([tranche.date.text, BriefText.amount(tranche.a, scale: pair.decimals), BriefText.amount(tranche.b, scale: pair.decimals),
                                 BriefText.amount(runningA, scale: pair.decimals), BriefText.amount(runningB, scale: pair.decimals), BriefText.signedAmount(runningA - runningB, scale: pair.decimals)])
                }
                out += table(["Date", pair.a, pair.b, "\(pair.a) total", "\(pair.b) total", "Balance"],
                             [false, true, true, true, true, true], rows)
                out += "\nTotals: \(BriefText.amount(pair.totalA, scale: pair.decimals)) and \(BriefText.amount(pair.totalB, scale: pair.decimals)); balance \(BriefText.signedAmount(pair.balance, scale: pair.decimals)).\n"
            }
        }

        out += "\n## Evidence behind the numbers\n\n"
        out += "Only \(m(thresholdText)) evidence counts (--min-confidence \(report.minConfidence.rawValue)). "
        out += "\(BriefText.plural(Int(leftOut), "record")) observed by \(report.at.text) fell below the threshold and were left out; "
        out += "a commitment with no counted evidence is shown as unverified or overdue, never as kept.\n\n"
        out += table(["Commitment", "Party", "Counted", "Sources of counted evidence", "Distinct sources", "Left out"],
                     [false, false, false, false, true, true],
                     report.commitments.map { c in
                         let names = sources[c.id] ?? []
                         var text = names.isEmpty ? "none" : names.joined(separator: "; ")
                         if c.sources > names.count && !names.isEmpty { text += " + corroborating" }
                         return [c.id, c.party, measure(c), text, String(c.sources), String(c.leftOut)]
                     })

        out += "\n---\n\n"
        out += "- Generated at: \(generatedAt.iso8601)\n"
        out += "- Judged at (--at): \(report.at.text); breaches counted \(m(periodText))\n"
        out += "- Ledger: entry (seq) \(report.ledger.seq) of ledger \(m(report.ledger.ledgerID))\n"
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
