import AccordLedger

/// The briefing as one self-contained HTML page: inline CSS and SVG, no
/// script, no network, system fonts; it prints to A4.
extension Briefing {
    /// The whole document. Every piece of ledger text is escaped.
    public var html: String {
        var page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        page += "<meta name=\"generator\" content=\"accord brief\">\n"
        page += "<title>\(h("Briefing: \(title), at \(report.at.text)"))</title>\n"
        page += "<style>\n\(BriefStyle.css)\n</style>\n</head>\n<body>\n"
        page += BriefStyle.patternDefinitions + "\n<main class=\"sheet\">\n"
        page += headerHTML + figuresHTML + keyPointsHTML + fulfilmentHTML + guaranteesHTML + breachesHTML
        page += exchangesHTML + evidenceHTML + stampHTML
        page += "</main>\n</body>\n</html>\n"
        return page
    }

    private func h(_ text: String) -> String { BriefText.html(text) }

    private var headerHTML: String {
        var scope: [String] = []
        let agreements = report.agreements.map { "\($0.id)" }
        if !agreements.isEmpty { scope.append("Agreement\(agreements.count == 1 ? "" : "s"): \(agreements.joined(separator: ", "))") }
        scope.append("parties: \(report.parties.map(\.party).joined(separator: ", "))")
        scope.append("\(BriefText.plural(report.commitments.count, "commitment"))")
        scope.append("ledger entry \(report.ledger.seq)")
        return """
            <header class="top">
            <p class="kicker">Accord briefing · judged at \(h(report.at.text)) · counting \(h(thresholdText)) evidence</p>
            <h1>\(h(title))</h1>
            <p class="scope">\(h(scope.joined(separator: " · ")))</p>
            </header>\n
            """
    }

    private var figuresHTML: String {
        var html = "<div class=\"figures\">\n"
        for figure in figures {
            html += "<div class=\"figure\"><div class=\"label\">\(h(figure.label))</div>"
            html += "<div class=\"value\">\(valueHTML(figure.value))</div><div class=\"detail\">\(BriefText.prose(figure.detail))</div></div>\n"
        }
        return html + "</div>\n"
    }

    /// Numbers large, words small: "1 triggered / 1 invoked".
    private func valueHTML(_ value: String) -> String {
        value.split(separator: " ").map { word in
            word.contains(where: \.isLetter) ? "<span class=\"unit\">\(h(String(word)))</span>" : h(String(word))
        }.joined(separator: " ")
    }

    private var keyPointsHTML: String {
        let (points, more) = shownKeyPoints
        var html = "<section><h2>Key points</h2>\n<ul class=\"points\">\n"
        for point in points { html += "<li>\(BriefText.prose(point))</li>\n" }
        if more > 0 { html += "<li class=\"muted\">\(more) more in the sections below.</li>\n" }
        return html + "</ul></section>\n"
    }

    private var fulfilmentHTML: String {
        var html = ""
        if !report.parties.isEmpty {
            html += "<section><h2>Fulfilment by party <span class=\"muted\">(mean rate over commitments due)</span></h2>\n"
            html += FulfilmentChart(rows: partyRows, label: "Fulfilment rate by party").svg + "\n"
            if report.parties.count > Briefing.partyRowLimit {
                html += "<p class=\"note\">\(report.parties.count - Briefing.partyRowLimit) more parties not drawn.</p>\n"
            }
            html += "</section>\n"
        }
        html += "<section class=\"flow\"><h2>Fulfilment by commitment</h2>\n"
        if report.commitments.isEmpty {
            html += "<p class=\"note\">No commitment in scope.</p>\n"
        } else {
            // In pieces of eight rows so a long chart can continue on the next page.
            let pieces = FulfilmentChart(rows: commitmentRows, label: "Fulfilment rate and status by commitment").pieces(of: 8)
            html += pieces.dropLast().joined(separator: "\n") + (pieces.count > 1 ? "\n" : "")
            html += "<div class=\"keep\">" + (pieces.last ?? "") + "\n" + statusLegend
            if let cutNote { html += "<p class=\"note\">\(h(cutNote))</p>\n" }
            html += "</div>\n"
        }
        return html + "</section>\n"
    }

    /// Swatches for the statuses drawn, in words.
    private var statusLegend: String {
        let present = Set(drawnCommitments.shown.map(\.status))
        let statuses = FulfilmentStatus.allCases.filter(present.contains)
        var svg = SVG(width: FulfilmentChart.width, height: 16, label: "Status legend")
        var x = FulfilmentChart.labelWidth
        for status in statuses {
            let look = BriefStyle.look(status)
            svg.rect(x: x, y: 2.5, width: 16, height: 11, fill: look.fill, stroke: look.stroke)
            svg.text(look.label, x: x + 20, y: 12, size: 8.5)
            x += 30 + Double(look.label.count) * 5.2
        }
        return svg.rendered + "\n"
    }

    /// Short names for the sides of an exchange: the parties when they differ.
    private func sideLabels(_ pair: ReciprocityReport) -> (String, String) {
        let partyA = report.commitments.first { $0.id == pair.a }?.party
        let partyB = report.commitments.first { $0.id == pair.b }?.party
        if let partyA, let partyB, partyA != partyB {
            return (BriefText.truncated(partyA, 14), BriefText.truncated(partyB, 14))
        }
        return (BriefText.truncated(pair.a, 14), BriefText.truncated(pair.b, 14))
    }

    static let exchangeChartLimit = 3
    static let trancheRowLimit = 6

    private var exchangesHTML: String {
        guard !report.reciprocity.isEmpty else { return "" }
        var html = "<section class=\"flow\"><h2>Reciprocal exchanges <span class=\"muted\">(counted quantities per date)</span></h2>\n"
        let (drawn, rest) = shownExchanges
        for pair in drawn {
            let (a, b) = sideLabels(pair)
            let unit = pair.unit.map { " (\($0))" } ?? ""
            html += "<div class=\"pair\"><h3>\(h("\(pair.a) (\(a)) ↔ \(pair.b) (\(b))\(unit)"))</h3>\n"
            html += TrancheChart(pair: pair, labelA: a, labelB: b).svg + "\n"
            html += trancheTable(pair, a, b)
            html += "</div>\n"
        }
        if !rest.isEmpty {
            html += "<p class=\"note\">Not drawn: "
            html += rest.map { h("\($0.a) ↔ \($0.b): \(BriefText.amount($0.totalA, scale: $0.decimals)) / \(BriefText.amount($0.totalB, scale: $0.decimals)), balance \(BriefText.signedAmount($0.balance, scale: $0.decimals))") }
                .joined(separator: "; ")
            html += ".</p>\n"
        }
        return html + "</section>\n"
    }

    private func trancheTable(_ pair: ReciprocityReport, _ a: String, _ b: String) -> String {
        let (rows, hidden) = shownTranches(pair)
        guard !rows.isEmpty else { return "" }
        var html = "<table class=\"compact\"><thead><tr><th>Date</th><th class=\"num\">\(h(a))</th><th class=\"num\">\(h(b))</th>"
        html += "<th class=\"num\">\(h(a)) total</th><th class=\"num\">\(h(b)) total</th><th class=\"num\">Balance</th></tr></thead><tbody>\n"
        if hidden > 0 {
            html += "<tr><td colspan=\"6\" class=\"muted\">\(BriefText.plural(hidden, "earlier date")) not listed; totals below include them.</td></tr>\n"
        }
        for row in rows {
            html += "<tr><td class=\"nowrap\">\(row.0)</td><td class=\"num\">\(BriefText.amount(row.1, scale: pair.decimals))</td><td class=\"num\">\(BriefText.amount(row.2, scale: pair.decimals))</td>"
            html += "<td class=\"num\">\(BriefText.amount(row.3, scale: pair.decimals))</td><td class=\"num\">\(BriefText.amount(row.4, scale: pair.decimals))</td>"
            html += "<td class=\"num\"><b>\(BriefText.signedAmount(row.3 - row.4, scale: pair.decimals))</b></td></tr>\n"
        }
        return html + "</tbody></table>\n"
    }

    static let breachRowLimit = 8

    /// The first day the timeline shows.
    var timelineStart: Int64 {
        if let since { return since.day }
        let first = breaches.compactMap(Briefing.day(of:)).min() ?? report.at.day - 30
        return min(first, report.at.day - 1)
    }

    private var breachesHTML: String {
        let period = periodBreaches
        // A short table stays with its timeline; a long one may run on to the next page.
        var html = period.count <= 6 ? "<section>" : "<section class=\"flow\">"
        html += "<h2>Breaches \(h(periodText)) <span class=\"muted\">(by severity)</span></h2>\n"
        html += "<div class=\"keep\">" + BreachTimeline(breaches: period, start: timelineStart, end: report.at.day, counts: counts,
                               party: { BriefText.truncated($0, 12) }).svg + "\n"
        html += BreachTimeline.legend + "</div>\n"
        guard !period.isEmpty else { return html + "</section>\n" }
        html += "<table><thead><tr><th>Observed</th><th>Party</th><th>Commitment</th><th>Severity</th>"
        html += "<th>Confidence</th><th>Source</th><th class=\"what\">What</th></tr></thead><tbody>\n"
        for breach in shownBreaches.breaches {
            let confidence = notCountedReason(breach).map { "\(h(breach.confidence.rawValue)) <span class=\"muted\">(not counted: \(h($0)))</span>" }
                ?? h(breach.confidence.rawValue)
            var what = BriefText.truncated(breach.description ?? "", 80)
            if breach.status == .disputed { what += what.isEmpty ? "disputed" : " (disputed)" }
            html += "<tr><td class=\"nowrap\">\(h(breach.observed))</td>\(idCell(breach.party))"
            html += "\(idCell(breach.commitment))<td>\(h(breach.severity.rawValue))</td><td>\(confidence)</td>"
            html += "<td>\(h(breach.source))\(breach.sources > 1 ? " +\(breach.sources - 1)" : "")</td><td>\(h(what))</td></tr>\n"
        }
        html += "</tbody></table>\n"
        if let note = moreBreachesNote { html += "<p class=\"note\">\(h(note))</p>\n" }
        return html + "</section>\n"
    }

    static let guaranteeRowLimit = 10

    private var guaranteesHTML: String {
        var html = "<section><h2>Guarantees</h2>\n"
        guard !report.guarantees.isEmpty else {
            return html + "<p class=\"note\">No guarantee covers the commitments in scope.</p></section>\n"
        }
        html += "<table><thead><tr><th>Guarantee</th><th>Guarantor</th><th>Covers</th><th class=\"consequence\">Consequence</th>"
        html += "<th>Triggered</th><th>Response due</th><th>Outcome</th></tr></thead><tbody>\n"
        let (guarantees, moreGuarantees) = shownGuarantees
        for g in guarantees {
            let rows = max(g.triggers.count + g.invocationsWithoutTrigger.count, 1)
            let span = rows > 1 ? " rowspan=\"\(rows)\"" : ""
            html += "<tr>\(idCell(g.id, span: span))<td\(span)>\(h(partyShort(g.guarantor)))</td>"
            html += "<td\(span)>\(g.covers.map { $0.count <= 20 ? "<span class=\"nowrap\">\(h($0))</span>" : "<span class=\"id\">\(h($0))</span>" }.joined(separator: ", "))</td><td\(span)>\(h(BriefText.truncated(g.consequence, 120)))</td>"
            if g.triggers.isEmpty && g.invocationsWithoutTrigger.isEmpty {
                html += "<td class=\"nowrap\">not triggered</td><td>–</td><td>–</td></tr>\n"
            }
            for (index, line) in lines(g).enumerated() {
                if index > 0 { html += "<tr>" }
                switch line {
                case .trigger(let t):
                    html += "<td class=\"nowrap\">\(h(t.triggeredOn.text))</td>"
                    html += "<td class=\"nowrap\">\(h(t.respondBy.text)) (\(g.respondWithinDays) d)</td>"
                    html += "<td class=\"nowrap\">\(h(outcomeText(t)))</td></tr>\n"
                case .invocation(let invocation):
                    html += "<td>–</td><td>–</td><td class=\"nowrap\">\(h(outcomeText(invocation)))</td></tr>\n"
                }
            }
        }
        html += "</tbody></table>\n"
        if moreGuarantees > 0 {
            html += "<p class=\"note\">\(BriefText.plural(moreGuarantees, "more guarantee")) not listed.</p>\n"
        }
        let followThrough = report.guarantors.map { g in
            "\(partyShort(g.party)): \(followThroughCounts(g)); follow-through \(BriefText.percent(g.followThrough))"
        }
        if !followThrough.isEmpty {
            html += "<p class=\"note\">Guarantors — \(h(followThrough.joined(separator: "; "))).</p>\n"
        }
        return html + "</section>\n"
    }

    /// "1 invoked, 1 invoked late, 1 lapsed, 0 pending".
    func followThroughCounts(_ g: GuarantorReport) -> String {
        "\(g.invoked) invoked\(g.invokedLate > 0 ? ", \(g.invokedLate) invoked late" : ""), \(g.lapsed) lapsed, \(g.pending) pending"
    }

    /// A table cell for an id: kept on one line when short, broken anywhere when long.
    private func idCell(_ id: String, span: String = "") -> String {
        "<td class=\"\(id.count <= 20 ? "nowrap" : "id")\"\(span)>\(h(id))</td>"
    }

    private var evidenceHTML: String {
        let shown = drawnCommitments.shown
        let (listed, bare) = evidenceRows
        var html = "<section class=\"flow\"><h2>Evidence behind the numbers</h2>\n<p class=\"note\">"
        html += h("Only \(thresholdText) evidence counts (--min-confidence \(report.minConfidence.rawValue)). ")
        html += h("\(BriefText.plural(Int(leftOut), "record")) observed by \(report.at.text) fell below the threshold and \(leftOut == 1 ? "was" : "were") left out; ")
        html += h("a commitment with no counted evidence is shown as unverified or overdue, never as kept.")
        html += "</p>\n"
        if !listed.isEmpty {
            html += "<table><thead><tr><th>Commitment</th><th>Party</th><th>Counted</th><th>Sources of counted evidence</th>"
            html += "<th class=\"num\">Sources</th><th class=\"num\">Left out</th></tr></thead><tbody>\n"
            for c in listed {
                html += "<tr>\(idCell(c.id))\(idCell(c.party))<td>\(h(measure(c)))</td>"
                html += "<td>\(h(sourceText(c)))</td><td class=\"num\">\(c.sources)</td><td class=\"num\">\(c.leftOut)</td></tr>\n"
            }
            html += "</tbody></table>\n"
        }
        for note in uncountedNotes(bare) { html += "<p class=\"note\">\(h(note))</p>\n" }
        if shown.count < report.commitments.count {
            html += "<p class=\"note\">\(report.commitments.count - shown.count) commitments not drawn above are not listed here either.</p>\n"
        }
        return html + "</section>\n"
    }

    private var stampHTML: String {
        """
        <footer class="stamp"><dl>
        <dt>Generated at</dt><dd class="generated"><time datetime="\(generatedAt.iso8601)">\(generatedAt.iso8601)</time></dd>
        <dt>Judged at (--at)</dt><dd>\(h(report.at.text)); breaches counted \(h(periodText))</dd>
        <dt>Ledger</dt><dd>\(h(ledgerName)): entry (seq) \(report.ledger.seq) of ledger <code>\(h(report.ledger.ledgerID))</code></dd>
        <dt>Merkle root</dt><dd><code>\(h(report.ledger.root))</code> (tree size \(report.ledger.treeSize))</dd>
        <dt>Reproduce</dt><dd><code class="command">\(h(reproduceCommand))</code></dd>
        </dl></footer>\n
        """
    }
}

