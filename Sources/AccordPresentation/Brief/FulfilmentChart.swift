import AccordLedger

/// Horizontal bars of fulfilment rates (0–100%), one row per party or
/// commitment, each with its rate and status in words beside the bar.
struct FulfilmentChart {
    struct Row {
        /// The row's name (truncated to fit; the full text shows on hover).
        var label: String
        var rate: Double?
        var fill: String
        var stroke: String
        /// The status swatch drawn before the caption, if any.
        var swatch: BriefStyle.Look?
        /// Bold text after the bar (the rate), then plain words.
        var value: String
        var caption: String
    }

    var rows: [Row]
    var label: String
    /// Whether to label the 0–100% scale under the rows (the last piece of a split chart).
    var scale = true
    /// Whether this is the first piece (it gets a little space above).
    var first = true

    static let width = 680.0
    static let labelWidth = 172.0
    static let trackWidth = 236.0
    static let rowHeight = 18.0
    static let labelCharacters = 30
    static let captionCharacters = 46

    /// The chart in pieces of at most `rows` rows, so a long chart can run
    /// on to the next page between pieces; only the last shows the scale.
    func pieces(of size: Int) -> [String] {
        stride(from: 0, to: rows.count, by: size).map { start in
            let end = min(start + size, rows.count)
            return FulfilmentChart(rows: Array(rows[start..<end]), label: label, scale: end == rows.count, first: start == 0).svg
        }
    }

    var svg: String {
        let top = first ? 4.0 : 0
        let trackX = FulfilmentChart.labelWidth
        let trackW = FulfilmentChart.trackWidth
        let height = top + Double(rows.count) * FulfilmentChart.rowHeight + (scale ? 16 : 0)
        var svg = SVG(width: FulfilmentChart.width, height: height, label: label)
        let bottom = top + Double(rows.count) * FulfilmentChart.rowHeight
        // Grid lines at 0, 25, 50, 75 and 100%, labelled below.
        for step in 0...4 {
            let x = trackX + trackW * Double(step) / 4
            svg.line(x1: x, y1: top, x2: x, y2: bottom, stroke: step == 0 || step == 4 ? "#9a9a9a" : "#dddddd", width: 0.7)
            if scale { svg.text("\(step * 25)%", x: x, y: bottom + 11, anchor: .middle, size: 8, fill: "#555555") }
        }
        for (index, row) in rows.enumerated() {
            let y = top + Double(index) * FulfilmentChart.rowHeight
            let middle = y + FulfilmentChart.rowHeight / 2
            svg.text(BriefText.truncated(row.label, FulfilmentChart.labelCharacters), x: trackX - 6, y: middle + 3.5,
                     anchor: .end, size: 9.5, full: row.label)
            let barY = y + 3.5
            let barH = FulfilmentChart.rowHeight - 7
            svg.rect(x: trackX, y: barY, width: trackW, height: barH, fill: "#f4f4f4", stroke: "#c8c8c8", strokeWidth: 0.5)
            if let rate = row.rate, rate > 0 {
                svg.rect(x: trackX, y: barY, width: trackW * min(rate, 1), height: barH, fill: row.fill,
                         stroke: row.stroke, strokeWidth: 0.8, title: "\(row.label): \(row.value) \(row.caption)")
            }
            var x = trackX + trackW + 7
            svg.text(row.value, x: x + 30, y: middle + 3.5, anchor: .end, size: 9.5, weight: 700)
            x += 36
            if let swatch = row.swatch {
                svg.rect(x: x, y: middle - 5.5, width: 16, height: 11, fill: swatch.fill, stroke: swatch.stroke, strokeWidth: 0.8)
                x += 20
            }
            svg.text(BriefText.truncated(row.caption, FulfilmentChart.captionCharacters), x: x, y: middle + 3.5,
                     size: 9, full: row.caption)
        }
        return svg.rendered
    }
}

extension Briefing {
    /// At most this many commitment rows are drawn; the rest are counted in a note.
    static let commitmentRowLimit = 15
    static let partyRowLimit = 12

    /// The party chart's rows.
    var partyRows: [FulfilmentChart.Row] {
        report.parties.prefix(Briefing.partyRowLimit).map { party in
            var caption: String
            if party.due == 0 {
                caption = "nothing due yet (\(BriefText.plural(party.commitments, "commitment")))"
            } else {
                caption = "\(party.fulfilled) of \(party.due) due fulfilled"
                if party.fulfilledLate > 0 { caption += " (\(party.fulfilledLate) late)" }
            }
            let own = report.commitments.filter { $0.party == party.party && $0.status == .breached }
            let early = own.filter { !$0.isDue }.count
            if own.count > early { caption += "; \(own.count - early) breached" }
            if early > 0 { caption += "; \(early) breached, not yet due" }
            return FulfilmentChart.Row(label: partyLabel(party.party), rate: party.rate, fill: "#3d3d3d", stroke: "#161616",
                                       swatch: nil, value: BriefText.percent(party.rate), caption: caption)
        }
    }

    /// The commitments drawn: all when they fit, else the most urgent,
    /// shown in ledger order; and the ones left out.
    var drawnCommitments: (shown: [CommitmentReport], cut: [CommitmentReport]) {
        let all = report.commitments
        guard all.count > Briefing.commitmentRowLimit else { return (all, []) }
        let ranked = all.indices.sorted { a, b in
            let pa = Briefing.priority(all[a].status), pb = Briefing.priority(all[b].status)
            return pa != pb ? pa < pb : a < b
        }
        let keep = Set(ranked.prefix(Briefing.commitmentRowLimit))
        return (all.indices.filter(keep.contains).map { all[$0] }, all.indices.filter { !keep.contains($0) }.map { all[$0] })
    }

    /// What a commitment's figures are, in words: "1,000 of 1,000 prisoners".
    func measure(_ c: CommitmentReport) -> String {
        switch c.kind {
        case .quantity:
            let unit = c.unit.map { " " + $0 } ?? ""
            return "\(BriefText.amount(c.verified ?? 0, scale: c.decimals)) of \(BriefText.amount(c.target ?? 0, scale: c.decimals))\(unit)"
        case .action:
            return (c.verified ?? 0) > 0 ? "done" : "not evidenced as done"
        case .restraint:
            return c.breaches > 0 ? BriefText.plural(Int(c.breaches), "breach", "breaches") : "no counted breach"
        }
    }

    var commitmentRows: [FulfilmentChart.Row] {
        drawnCommitments.shown.map { c in
            let look = BriefStyle.look(c.status)
            return FulfilmentChart.Row(label: c.id, rate: c.rate, fill: look.fill, stroke: look.stroke, swatch: look,
                                       value: BriefText.percent(c.rate), caption: "\(statusText(c)) · \(measure(c))")
        }
    }

    /// "24 more commitments not drawn: 20 fulfilled, 4 not yet due."
    var cutNote: String? {
        let cut = drawnCommitments.cut
        guard !cut.isEmpty else { return nil }
        var counts: [(FulfilmentStatus, Int)] = []
        for status in FulfilmentStatus.allCases.sorted(by: { Briefing.priority($0) < Briefing.priority($1) }) {
            let n = cut.filter { $0.status == status }.count
            if n > 0 { counts.append((status, n)) }
        }
        let parts = counts.map { "\($0.1) \(BriefStyle.look($0.0).label)" }.joined(separator: ", ")
        return "\(BriefText.plural(cut.count, "more commitment")) not drawn (\(parts)); the most urgent \(Briefing.commitmentRowLimit) are shown. "
            + "`accord report` lists them all."
    }
}
