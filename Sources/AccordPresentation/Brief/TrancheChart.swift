import AccordLedger

/// One reciprocal exchange: both sides' quantity per date as paired bars,
/// their running totals as lines, the targets, and the balance per date.
struct TrancheChart {
    var pair: ReciprocityReport
    var labelA: String
    var labelB: String

    static let width = 680.0

    /// A round axis maximum at or above `value`, with a tick step of 1, 2,
    /// 2.5 or 5 times a power of ten giving at most five steps.
    static func axis(_ value: Int64) -> (maximum: Int64, step: Int64) {
        let target = max(value, 1)
        var power: Int64 = 1
        while true {
            for (numerator, denominator): (Int64, Int64) in [(1, 1), (2, 1), (5, 2), (5, 1)] {
                guard (power * numerator) % denominator == 0 else { continue }
                let step = power * numerator / denominator
                let steps = (target + step - 1) / step
                if steps <= 5 { return (steps * step, step) }
            }
            guard power <= Int64.max / 100 else { return (target, target) }
            power *= 10
        }
    }

    var svg: String {
        let tranches = pair.tranches
        let n = max(tranches.count, 1)
        let left = 58.0, right = 548.0, top = 12.0, plotBottom = 128.0
        let showBalances = tranches.count <= 16
        let height = plotBottom + (showBalances ? 44 : 30)
        var svg = SVG(width: TrancheChart.width, height: height,
                      label: "Tranches of \(pair.a) and \(pair.b): per date, running totals and balance")

        var runningA: [Int64] = [], runningB: [Int64] = []
        var a: Int64 = 0, b: Int64 = 0
        for tranche in tranches {
            a += tranche.a
            b += tranche.b
            runningA.append(a)
            runningB.append(b)
        }
        let peak = max(pair.targetA ?? 0, pair.targetB ?? 0, pair.totalA, pair.totalB,
                       tranches.map { max($0.a, $0.b) }.max() ?? 0)
        let (maximum, step) = TrancheChart.axis(peak)
        func y(_ value: Int64) -> Double { plotBottom - (plotBottom - top) * Double(value) / Double(maximum) }

        // Axis and grid.
        var tick: Int64 = 0
        while tick <= maximum {
            svg.line(x1: left, y1: y(tick), x2: right, y2: y(tick), stroke: tick == 0 ? "#777777" : "#e2e2e2", width: tick == 0 ? 0.9 : 0.6)
            svg.text(BriefText.amount(tick, scale: pair.decimals), x: left - 5, y: y(tick) + 3, anchor: .end, size: 8, fill: "#555555")
            tick += step
        }
        // Targets.
        var targets: [(Int64, String)] = []
        if let t = pair.targetA { targets.append((t, pair.targetB == t ? "target, each side" : "target \(labelA)")) }
        if let t = pair.targetB, t != pair.targetA { targets.append((t, "target \(labelB)")) }
        for (value, words) in targets {
            svg.line(x1: left, y1: y(value), x2: right, y2: y(value), stroke: "#161616", width: 0.9, dash: "5 3")
            svg.text("\(words) \(BriefText.amount(value, scale: pair.decimals))", x: left + 4, y: y(value) - 3.5, size: 8, fill: "#333333")
        }

        let band = (right - left) / Double(n)
        let barWidth = max(min(band * 0.28, 26), 2)
        func centre(_ index: Int) -> Double { left + band * (Double(index) + 0.5) }
        for (index, tranche) in tranches.enumerated() {
            let cx = centre(index)
            svg.rect(x: cx - barWidth - 1, y: y(tranche.a), width: barWidth, height: plotBottom - y(tranche.a),
                     fill: BriefStyle.sideA.fill, stroke: BriefStyle.sideA.stroke,
                     title: "\(tranche.date.text): \(labelA) \(BriefText.amount(tranche.a, scale: pair.decimals))")
            svg.rect(x: cx + 1, y: y(tranche.b), width: barWidth, height: plotBottom - y(tranche.b),
                     fill: BriefStyle.sideB.fill, stroke: BriefStyle.sideB.stroke,
                     title: "\(tranche.date.text): \(labelB) \(BriefText.amount(tranche.b, scale: pair.decimals))")
        }
        // Running totals: A solid with circles, B dashed with squares.
        let pointsA = tranches.indices.map { (centre($0), y(runningA[$0])) }
        let pointsB = tranches.indices.map { (centre($0), y(runningB[$0])) }
        // A wide solid line under a narrow dashed one: both stay visible where they coincide.
        svg.polyline(pointsA, stroke: BriefStyle.sideA.fill, width: 3)
        svg.polyline(pointsB, stroke: BriefStyle.sideBLine, width: 1.4, dash: "5 3")
        for (x, yy) in pointsA { svg.circle(cx: x, cy: yy, r: 3.4, fill: BriefStyle.sideA.fill, stroke: "#ffffff", width: 0.8) }
        for (x, yy) in pointsB { svg.rect(x: x - 3.2, y: yy - 3.2, width: 6.4, height: 6.4, fill: "none", stroke: BriefStyle.sideBLine, strokeWidth: 1.3) }

        // End labels: the running totals, kept apart when they coincide.
        var labelA = max(y(pair.totalA) + 3, top + 8), labelB = max(y(pair.totalB) + 3, top + 8)
        if abs(labelA - labelB) < 11 {
            let upper = min(labelA, labelB)
            if pair.totalA >= pair.totalB { labelA = upper; labelB = upper + 11 } else { labelB = upper; labelA = upper + 11 }
        }
        svg.text("\(self.labelA) total \(BriefText.amount(pair.totalA, scale: pair.decimals))", x: right + 6, y: labelA, size: 8.5, weight: 700, fill: BriefStyle.sideA.fill)
        svg.text("\(self.labelB) total \(BriefText.amount(pair.totalB, scale: pair.decimals))", x: right + 6, y: labelB, size: 8.5, weight: 700, fill: "#8a4a0b")

        // Dates and balances.
        let every = max(1, Int((Double(tranches.count) * 44 / (right - left)).rounded(.up)))
        for (index, tranche) in tranches.enumerated() where index % every == 0 || index == tranches.count - 1 {
            let text = tranches.count > 1 && Set(tranches.map { $0.date.date.year }).count == 1 ? String(tranche.date.text.dropFirst(5)) : tranche.date.text
            svg.text(text, x: centre(index), y: plotBottom + 11, anchor: .middle, size: 8)
        }
        if showBalances {
            svg.text("balance", x: left - 5, y: plotBottom + 24, anchor: .end, size: 8, fill: "#555555")
            for index in tranches.indices where index % every == 0 || index == tranches.count - 1 {
                svg.text(BriefText.signedAmount(runningA[index] - runningB[index], scale: pair.decimals), x: centre(index), y: plotBottom + 24, anchor: .middle, size: 8, weight: 700)
            }
        }
        if tranches.isEmpty {
            svg.text("No counted tranche yet", x: (left + right) / 2, y: (top + plotBottom) / 2, anchor: .middle, size: 10, fill: "#555555")
        }
        // Legend.
        let legendY = height - 4
        svg.rect(x: left, y: legendY - 8, width: 10, height: 9, fill: BriefStyle.sideA.fill, stroke: BriefStyle.sideA.stroke)
        svg.text("\(self.labelA) per date (solid line: running total)", x: left + 14, y: legendY, size: 8)
        svg.rect(x: left + 250, y: legendY - 8, width: 10, height: 9, fill: BriefStyle.sideB.fill, stroke: BriefStyle.sideB.stroke)
        svg.text("\(self.labelB) per date (dashed line: running total)", x: left + 264, y: legendY, size: 8)
        return svg.rendered
    }
}
