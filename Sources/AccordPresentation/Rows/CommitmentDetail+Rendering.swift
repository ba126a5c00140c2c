import AccordLedger

extension CommitmentDetail {
    /// "yes", or why not.
    private func counted(_ seq: Int64) -> Cell { .text(notCounted[seq].map { "no: \($0.words)" } ?? "yes") }

    /// Writes the detail: key-value lines then the evidence (table, markdown),
    /// or one JSON object.
    public func render(_ format: OutputFormat, header: Bool, raw: Bool = false, to output: TextOutput) {
        let c = report
        let fields: [(String, Cell)] = [
            ("commitment", .text(c.id)), ("agreement", .text(c.agreement)), ("party", .text(c.party)),
            ("kind", .text(c.kind.rawValue)), ("target", Cell.quantity(c.target, scale: c.decimals)), ("unit", Cell(c.unit)),
            ("verified", c.kind == .quantity ? Cell.quantity(c.verified, scale: c.decimals) : Cell(c.verified)),
            ("rate", Cell.fraction(c.rate)), ("status", .text(c.status.rawValue)), ("late", c.late.map { .bool($0) } ?? .null),
            ("days_late", c.late == true ? Cell(c.daysLate) : .null),
            ("due", Cell(c.due?.text)), ("from", Cell(c.from?.text)), ("until", Cell(c.until?.text)),
            ("reciprocal", Cell(c.reciprocal)), ("depends_on", .text(c.dependsOn.joined(separator: " "))),
            ("blocked_by", .text(c.blockedBy.joined(separator: " "))), ("sources", Cell(c.sources)),
            ("breaches", .int(c.breaches)), ("left_out", .int(c.leftOut)), ("text", Cell(c.text)),
        ]
        switch format {
        case .json, .ndjson:
            // The count of breaches is `breachCount` here: `breaches` is the list of them, below.
            var members = JSONKeys.members(fields.map { ($0.0 == "breaches" ? "breach_count" : $0.0, JSON($0.1)) })
            members.insert(("at", .string(at.text)), at: 0)
            members.insert(("minConfidence", .string(minConfidence.rawValue)), at: 1)
            members.insert(("ledger", .object([("seq", .int(stamp.seq)), ("root", .string(stamp.root))])), at: 2)
            func counting(_ seq: Int64) -> [(String, JSON)] {
                [("counted", .bool(notCounted[seq] == nil)), ("notCounted", JSON(notCounted[seq]?.words))]
            }
            members.append(("verifications", .array(verifications.map { listing in
                .object(JSONKeys.members(zip(VerificationListing.columns, listing.cells).map { ($0, JSON($1)) }) + counting(listing.seq))
            })))
            members.append(("breaches", .array(breaches.map { listing in
                guard case .object(let fields) = listing.json else { return listing.json }
                return .object(fields + counting(listing.seq))
            })))
            members.append(("amendments", .array(amendments.map { item in
                .object([("seq", .int(item.seq)), ("effective", .string(item.effective.text)), ("reason", .string(item.reason)),
                         ("changes", .string(item.summary)), ("inForce", .bool(item.inForce))])
            })))
            output.line(JSON.object(members).serialized(pretty: format == .json))
        case .csv, .tsv:
            RowSet(columns: ["field", "value"], rows: fields.map { [.text($0.0), $0.1] })
                .render(format, header: header, raw: raw, to: output)
        case .table, .markdown:
            let width = fields.map(\.0.count).max() ?? 0
            for (name, value) in fields where value != .null && value != .text("") {
                output.line(format == .markdown ? "- **\(name)**: \(MarkdownText.escaped(value.display))"
                            : name + String(repeating: " ", count: width - name.count) + "  " + value.display)
            }
            output.line()
            output.line("judged at \(at.text) on the terms then in force, counting \(minConfidence.rawValue) evidence; ledger seq \(stamp.seq)")
            if !amendments.isEmpty {
                output.line()
                output.line(format == .markdown ? "### Amendments\n" : "AMENDMENTS")
                RowSet(columns: ["seq", "effective", "in_force", "changes", "reason"],
                       rows: amendments.map { a in
                           [.int(a.seq), .text(a.effective.text), .text(a.inForce ? "yes" : "not yet"), .text(a.summary), .text(a.reason)]
                       }).render(format, header: header, raw: raw, to: output)
            }
            if !verifications.isEmpty {
                output.line()
                output.line(format == .markdown ? "### Verifications\n" : "VERIFICATIONS")
                RowSet(columns: ["seq", "observed", "quantity", "outcome", "source", "confidence", "sources", "status", "counted", "id"],
                       rows: verifications.map { v in
                           [.int(v.seq), .text(v.observed), v.quantity.map { .decimal($0) } ?? .null, Cell(v.outcome), .text(v.source),
                            .text(v.effectiveConfidence.rawValue), Cell(v.sources), .text(v.status.rawValue), counted(v.seq), Cell(v.externalID)]
                       }).render(format, header: header, raw: raw, to: output)
            }
            if !breaches.isEmpty {
                output.line()
                output.line(format == .markdown ? "### Breaches\n" : "BREACHES")
                RowSet(columns: ["seq", "observed", "party", "severity", "source", "confidence", "status", "counted", "description"],
                       rows: breaches.map { b in
                           [.int(b.seq), .text(b.observed), .text(b.party), .text(b.severity.rawValue), .text(b.source),
                            .text(b.confidence.rawValue), .text(b.status.rawValue), counted(b.seq), Cell(b.description)]
                       }).render(format, header: header, raw: raw, to: output)
            }
            output.flush()
        }
    }
}

extension NotCounted {
    /// The words a listing prints (the command line's `--at` is the date judged at).
    public var words: String {
        switch self {
        case .status(.disputed): "disputed"
        case .status(.outside): "outside the commitment"
        case .status(let status): status.rawValue
        case .afterDate: "after --at"
        case .belowThreshold: "below threshold"
        }
    }
}
