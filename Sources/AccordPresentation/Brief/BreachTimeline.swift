import AccordLedger

/// Breaches on a time axis, one lane per severity (grave, major, minor);
/// filled markers count, hollow ones are below the confidence threshold.
struct BreachTimeline {
    var breaches: [BreachListing]
    var start: Int64
    var end: Int64
    /// True for breaches that count.
    var counts: (BreachListing) -> Bool
    /// "RU" or a short party label.
    var party: (String) -> String

    static let width = 680.0
    static let steps: [Int64] = [1, 2, 7, 14, 28, 56, 91, 182, 364, 728]

    var svg: String {
        let left = 66.0, right = 660.0, top = 4.0, lane = 21.0
        let severities: [Severity] = [.grave, .major, .minor]
        let axisY = top + lane * Double(severities.count)
        let height = axisY + 34
        var svg = SVG(width: BreachTimeline.width, height: height, label: "Breaches by date and severity")
        let first = min(start, end - 1)
        let span = Double(end - first)
        func x(_ day: Int64) -> Double { left + (right - left) * Double(day - first) / span }

        for (index, severity) in severities.enumerated() {
            let y = top + lane * Double(index)
            if index % 2 == 0 { svg.rect(x: left, y: y, width: right - left, height: lane, fill: "#f5f5f5") }
            svg.text(severity.rawValue, x: left - 8, y: y + lane / 2 + 3.5, anchor: .end, size: 9, weight: 600)
        }
        svg.line(x1: left, y1: axisY, x2: right, y2: axisY, stroke: "#777777", width: 0.9)
        // Ticks: a round step giving at most eight labels.
        let step = BreachTimeline.steps.first { (end - first) / $0 <= 8 } ?? 728
        var tick = first
        while tick <= end {
            svg.line(x1: x(tick), y1: top, x2: x(tick), y2: axisY + 3, stroke: "#dcdcdc", width: 0.6)
            let date = CivilDate(days: tick)
            let label = step >= 28 ? String(date.text.prefix(7)) : date.text.dropFirst(5).description
            if x(tick) < right - 24 || tick == end { svg.text(label, x: x(tick), y: axisY + 12, anchor: .middle, size: 8, fill: "#444444") }
            tick += step
        }
        svg.line(x1: x(end), y1: top, x2: x(end), y2: axisY + 3, stroke: "#161616", width: 1.1)
        svg.text("\(CivilDate(days: end).text) (--at)", x: x(end), y: axisY + 23, anchor: .end, size: 8, weight: 600)
        if first == start {
            svg.text("\(CivilDate(days: first).text) (from)", x: x(first), y: axisY + 23, size: 8, weight: 600)
        }

        if breaches.isEmpty {
            svg.text("No breach observed in the period", x: (left + right) / 2, y: top + lane * 1.5 + 3, anchor: .middle, size: 10, fill: "#444444")
        }
        // Markers, in date order; one that would cover the one before it in its lane steps right.
        var placed: [(severity: Severity, x: Double, y: Double, label: String, counted: Bool)] = []
        var lastX: [Severity: Double] = [:]
        let ordered = breaches.sorted { (Briefing.day(of: $0) ?? 0, $0.seq) < (Briefing.day(of: $1) ?? 0, $1.seq) }
        for breach in ordered {
            guard let day = Briefing.day(of: breach) else { continue }
            let severity = breach.severity
            let row = severities.firstIndex(of: severity) ?? 0
            let cx = min(max(x(day), (lastX[severity] ?? -100) + 10), right + 4)
            lastX[severity] = cx
            let cy = top + lane * Double(row) + lane / 2
            let counted = counts(breach)
            let title = "\(breach.observed) \(breach.party) \(breach.commitment): \(breach.severity), \(breach.confidence)\(counted ? "" : " (not counted)")"
            svg.marker(severity, x: cx, y: cy, filled: counted, title: title)
            placed.append((severity, cx, cy, "\(party(breach.party)) \(String(breach.observed.dropFirst(5).prefix(5)))", counted))
        }
        // Labels where they fit: right of the marker, else left of it, else none
        // (the table below lists every breach).
        for severity in severities {
            let lanePoints = placed.filter { $0.severity == severity }.sorted { $0.x < $1.x }
            var freeFrom = left
            for (index, point) in lanePoints.enumerated() {
                let width = Double(point.label.count) * 5.0
                let nextX = index + 1 < lanePoints.count ? lanePoints[index + 1].x - 9 : BreachTimeline.width - 2
                let colour = point.counted ? "#161616" : "#555555"
                if point.x + 9 + width <= nextX {
                    svg.text(point.label, x: point.x + 9, y: point.y + 3.2, size: 8, fill: colour)
                    freeFrom = point.x + 9 + width + 4
                } else if point.x - 9 - width >= freeFrom {
                    svg.text(point.label, x: point.x - 9, y: point.y + 3.2, anchor: .end, size: 8, fill: colour)
                    freeFrom = point.x + 8
                } else {
                    freeFrom = point.x + 8
                }
            }
        }
        return svg.rendered
    }

    /// The legend under the timeline, as a small SVG.
    static var legend: String {
        var svg = SVG(width: width, height: 18, label: "Legend: severity shapes; filled counts, hollow is below the threshold")
        var x = 66.0
        for severity in [Severity.grave, .major, .minor] {
            svg.marker(severity, x: x + 6, y: 9, filled: true, title: severity.rawValue)
            svg.text(severity.rawValue, x: x + 15, y: 12, size: 8)
            x += 58
        }
        svg.marker(.major, x: x + 12, y: 9, filled: true, title: "counted")
        svg.text("filled: counted", x: x + 22, y: 12, size: 8)
        x += 92
        svg.marker(.major, x: x + 6, y: 9, filled: false, title: "not counted")
        svg.text("hollow: below the confidence threshold, not counted", x: x + 16, y: 12, size: 8)
        return svg.rendered
    }
}
