import AccordLedger

/// How the briefing looks: the page's CSS, and a colour plus a pattern for
/// each status so the charts read in colour, in greyscale and on a
/// black-and-white printer (every bar also carries its status in words).
enum BriefStyle {
    /// A status's fill (a colour or a pattern reference) and its words.
    struct Look {
        var label: String
        var fill: String
        var stroke: String
    }

    static func look(_ status: FulfilmentStatus) -> Look {
        switch status {
        case .fulfilled: Look(label: "fulfilled", fill: "#1a7f37", stroke: "#0f4d21")
        case .inProgress: Look(label: "in progress", fill: "url(#p-in_progress)", stroke: "#1f5a91")
        case .notYetDue: Look(label: "not yet due", fill: "#d4d4d4", stroke: "#8c8c8c")
        case .unverified: Look(label: "unverified", fill: "url(#p-unverified)", stroke: "#6e6e6e")
        case .overdue: Look(label: "overdue", fill: "url(#p-overdue)", stroke: "#8a5200")
        case .breached: Look(label: "breached", fill: "url(#p-breached)", stroke: "#6d1410")
        case .disputed: Look(label: "disputed", fill: "url(#p-disputed)", stroke: "#4b3570")
        case .blocked: Look(label: "blocked", fill: "url(#p-blocked)", stroke: "#3d3d3d")
        case .withdrawn: Look(label: "withdrawn", fill: "#ffffff", stroke: "#8c8c8c")
        }
    }

    /// Fills of the two sides of a reciprocal exchange.
    static let sideA = (fill: "#234e79", stroke: "#16324f")
    static let sideB = (fill: "url(#p-side-b)", stroke: "#8a4a0b")
    static let sideBLine = "#b5620f"

    /// Colours of breach severities (shapes differ too: ▲ grave, ◆ major, ● minor).
    static func severityColour(_ severity: Severity) -> String {
        switch severity {
        case .grave: "#6d0f0a"
        case .major: "#c0392b"
        case .minor: "#d98b2b"
        }
    }

    /// The patterns the charts refer to, defined once per page.
    static let patternDefinitions = """
        <svg class="defs" width="0" height="0" aria-hidden="true" focusable="false"><defs>
        <pattern id="p-in_progress" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">\
        <rect width="6" height="6" fill="#3b82c4"/><rect width="2.2" height="6" fill="#ffffff"/></pattern>
        <pattern id="p-unverified" width="5" height="5" patternUnits="userSpaceOnUse">\
        <rect width="5" height="5" fill="#ffffff"/><circle cx="2.5" cy="2.5" r="0.9" fill="#6e6e6e"/></pattern>
        <pattern id="p-overdue" width="5" height="5" patternUnits="userSpaceOnUse">\
        <rect width="5" height="5" fill="#f0a030"/><circle cx="2.5" cy="2.5" r="1.3" fill="#5a3400"/></pattern>
        <pattern id="p-breached" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">\
        <rect width="6" height="6" fill="#b3261e"/><rect width="1.4" height="6" fill="#ffffff"/><rect width="6" height="1.4" fill="#ffffff"/></pattern>
        <pattern id="p-disputed" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)">\
        <rect width="6" height="6" fill="#7b5ea7"/><rect width="2" height="6" fill="#ffffff"/></pattern>
        <pattern id="p-blocked" width="5" height="5" patternUnits="userSpaceOnUse">\
        <rect width="5" height="5" fill="#5e5e5e"/><rect width="5" height="1.6" fill="#ffffff"/></pattern>
        <pattern id="p-side-b" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">\
        <rect width="6" height="6" fill="#e08a2e"/><rect width="2.2" height="6" fill="#ffffff"/></pattern>
        </defs></svg>
        """

    static let fontStack = #"system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif"#
    static let monoStack = #"ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace"#

    /// The page's style sheet: A4, print-friendly, system fonts only.
    static let css = """
        @page { size: A4; margin: 13mm 14mm 14mm; }
        * { box-sizing: border-box; }
        html { background: #e8e8e8; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        body { margin: 0; color: #161616; font-family: \(fontStack); font-size: 9.5pt; line-height: 1.38; }
        .sheet { width: 210mm; max-width: 100%; margin: 0 auto; padding: 13mm 14mm 14mm; background: #ffffff; }
        @media print {
          html { background: none; }
          .sheet { width: auto; padding: 0; margin: 0; }
        }
        svg.defs { position: absolute; width: 0; height: 0; overflow: hidden; }
        header.top { border-bottom: 2.5px solid #161616; padding-bottom: 2mm; margin-bottom: 3.5mm; }
        .kicker { font-size: 7.5pt; letter-spacing: .08em; text-transform: uppercase; color: #4a4a4a; margin: 0; }
        h1 { font-size: 16pt; line-height: 1.2; margin: .6mm 0 .8mm; overflow-wrap: anywhere; }
        .scope { font-size: 8.5pt; color: #333; margin: 0; }
        .figures { display: grid; grid-template-columns: 1fr 1fr 1fr; gap: 3.5mm; margin: 0 0 3.5mm; }
        .figure { border: 1px solid #b9b9b9; border-top: 3px solid #161616; padding: 2mm 2.6mm 2.2mm; }
        .figure .label { font-size: 7pt; letter-spacing: .03em; white-space: nowrap; text-transform: uppercase; color: #3d3d3d; }
        .figure .value { font-size: 21pt; font-weight: 700; line-height: 1.1; margin: .6mm 0 .8mm; font-variant-numeric: tabular-nums; }
        .figure .value .unit { font-size: 10pt; font-weight: 600; }
        .figure .detail { font-size: 8pt; color: #2b2b2b; }
        ul.points { margin: 0; padding-left: 4.5mm; }
        ul.points li { margin: .4mm 0; overflow-wrap: anywhere; }
        section { margin-top: 4.2mm; break-inside: avoid; page-break-inside: avoid; }
        section.flow { break-inside: auto; page-break-inside: auto; }
        h2 { font-size: 10.5pt; margin: 0 0 1.6mm; padding-bottom: .8mm; border-bottom: 1px solid #161616;
             break-after: avoid; page-break-after: avoid; }
        h3 { font-size: 9pt; margin: 2mm 0 1mm; overflow-wrap: anywhere; }
        th.what { width: 34%; }
        table.compact { width: auto; min-width: 62%; }
        table.compact th.num, table.compact td.num { padding-left: 5mm; }
        th.consequence { width: 26%; }
        .keep, .pair { break-inside: avoid; page-break-inside: avoid; }
        svg.chart { display: block; width: 100%; height: auto; }
        svg.chart text { font-family: \(fontStack); fill: #161616; }
        table { border-collapse: collapse; width: 100%; font-size: 8pt; line-height: 1.3; }
        th, td { text-align: left; vertical-align: top; padding: .7mm 1.4mm; border-bottom: .6pt solid #cfcfcf; }
        th { font-weight: 600; border-bottom: .9pt solid #6a6a6a; }
        tr { break-inside: avoid; page-break-inside: avoid; }
        .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        .id { overflow-wrap: anywhere; word-break: break-word; }
        .nowrap { white-space: nowrap; }
        .note { font-size: 7.8pt; color: #3d3d3d; margin: 1mm 0 0; }
        .muted { color: #5a5a5a; }
        .two { display: grid; grid-template-columns: 1fr 1fr; gap: 5mm; }
        code { font-family: \(monoStack); font-size: .95em; overflow-wrap: anywhere; word-break: break-all; }
        footer.stamp { margin-top: 5mm; border-top: 2px solid #161616; padding-top: 1.6mm; font-size: 7.5pt;
                       break-inside: avoid; page-break-inside: avoid; }
        footer.stamp dl { display: grid; grid-template-columns: max-content 1fr; gap: .4mm 3mm; margin: 0; }
        footer.stamp dt { font-weight: 600; }
        footer.stamp dd { margin: 0; }
        """
}
