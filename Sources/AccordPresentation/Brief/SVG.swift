import AccordLedger

/// A small builder for the briefing's inline SVG charts. Every piece of text
/// goes through ``BriefText/html(_:)``; numbers through
/// ``BriefText/coordinate(_:)``.
struct SVG {
    let width: Double
    var height: Double
    /// What the chart shows, for screen readers.
    let label: String
    private(set) var body = ""

    init(width: Double, height: Double, label: String) {
        self.width = width
        self.height = height
        self.label = label
    }

    private static func n(_ value: Double) -> String { BriefText.coordinate(value) }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String,
                       stroke: String? = nil, strokeWidth: Double = 0.8, dash: String? = nil, title: String? = nil) {
        var element = "<rect x=\"\(SVG.n(x))\" y=\"\(SVG.n(y))\" width=\"\(SVG.n(max(width, 0)))\" height=\"\(SVG.n(max(height, 0)))\" fill=\"\(fill)\""
        if let stroke { element += " stroke=\"\(stroke)\" stroke-width=\"\(SVG.n(strokeWidth))\"" }
        if let dash { element += " stroke-dasharray=\"\(dash)\"" }
        if let title {
            body += element + "><title>\(BriefText.html(title))</title></rect>"
        } else {
            body += element + "/>"
        }
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String,
                       width: Double = 0.8, dash: String? = nil) {
        body += "<line x1=\"\(SVG.n(x1))\" y1=\"\(SVG.n(y1))\" x2=\"\(SVG.n(x2))\" y2=\"\(SVG.n(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(SVG.n(width))\""
        body += dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
        body += "/>"
    }

    mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 1.6, dash: String? = nil) {
        guard points.count > 1 else { return }
        let list = points.map { "\(SVG.n($0.0)),\(SVG.n($0.1))" }.joined(separator: " ")
        body += "<polyline points=\"\(list)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(SVG.n(width))\" stroke-linejoin=\"round\""
        body += dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
        body += "/>"
    }

    /// A closed shape through `points`.
    mutating func polygon(_ points: [(Double, Double)], fill: String, stroke: String, width: Double = 1.2, title: String? = nil) {
        let list = points.map { "\(SVG.n($0.0)),\(SVG.n($0.1))" }.joined(separator: " ")
        let element = "<polygon points=\"\(list)\" fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"\(SVG.n(width))\""
        body += title.map { element + "><title>\(BriefText.html($0))</title></polygon>" } ?? element + "/>"
    }

    mutating func circle(cx: Double, cy: Double, r: Double, fill: String, stroke: String, width: Double = 1.2, title: String? = nil) {
        let element = "<circle cx=\"\(SVG.n(cx))\" cy=\"\(SVG.n(cy))\" r=\"\(SVG.n(r))\" fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"\(SVG.n(width))\""
        body += title.map { element + "><title>\(BriefText.html($0))</title></circle>" } ?? element + "/>"
    }

    enum Anchor: String { case start, middle, end }

    /// Text; `full`, when given, is the untruncated text shown on hover.
    mutating func text(_ string: String, x: Double, y: Double, anchor: Anchor = .start, size: Double = 10,
                       weight: Int = 400, fill: String? = nil, full: String? = nil) {
        var element = "<text x=\"\(SVG.n(x))\" y=\"\(SVG.n(y))\" font-size=\"\(SVG.n(size))\""
        if anchor != .start { element += " text-anchor=\"\(anchor.rawValue)\"" }
        if weight != 400 { element += " font-weight=\"\(weight)\"" }
        if let fill { element += " style=\"fill:\(fill)\"" }
        element += ">"
        if let full, full != string { element += "<title>\(BriefText.html(full))</title>" }
        body += element + BriefText.html(string) + "</text>"
    }

    /// The `<svg>` element; it scales to the width of the page.
    var rendered: String {
        "<svg class=\"chart\" viewBox=\"0 0 \(SVG.n(width)) \(SVG.n(height))\" "
            + "role=\"img\" aria-label=\"\(BriefText.html(label))\">" + body + "</svg>"
    }
}

/// Marker shapes for breach severities: ▲ grave, ◆ major, ● minor.
extension SVG {
    mutating func marker(_ severity: Severity, x: Double, y: Double, filled: Bool, title: String) {
        let colour = BriefStyle.severityColour(severity)
        let fill = filled ? colour : "#ffffff"
        switch severity {
        case .grave:
            polygon([(x, y - 6.5), (x + 6.5, y + 5), (x - 6.5, y + 5)], fill: fill, stroke: colour, width: 1.5, title: title)
        case .major:
            polygon([(x, y - 6), (x + 6, y), (x, y + 6), (x - 6, y)], fill: fill, stroke: colour, width: 1.5, title: title)
        case .minor:
            circle(cx: x, cy: y, r: 4.6, fill: fill, stroke: colour, width: 1.5, title: title)
        }
    }
}
