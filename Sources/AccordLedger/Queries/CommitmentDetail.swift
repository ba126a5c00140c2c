/// One commitment with its status and the evidence behind it.
public struct CommitmentDetail: Sendable {
    public var report: CommitmentReport
    public var at: Moment
    public var minConfidence: Confidence
    public var stamp: LedgerStamp
    public var verifications: [VerificationListing]
    public var breaches: [BreachListing]

    /// Writes the detail: key-value lines then the evidence (table, markdown),
    /// or one JSON object.
    public func render(_ format: OutputFormat, header: Bool, raw: Bool = false, to output: TextOutput) {
        let c = report
        let fields: [(String, Cell)] = [
            ("commitment", .text(c.id)), ("agreement", .text(c.agreement)), ("party", .text(c.party)),
            ("kind", .text(c.kind.rawValue)), ("target", Cell(c.target)), ("unit", Cell(c.unit)),
            ("verified", Cell(c.verified)), ("rate", Cell.fraction(c.rate)), ("status", .text(c.status.rawValue)),
            ("due", Cell(c.due?.text)), ("from", Cell(c.from?.text)), ("until", Cell(c.until?.text)),
            ("reciprocal", Cell(c.reciprocal)), ("depends_on", .text(c.dependsOn.joined(separator: " "))),
            ("blocked_by", .text(c.blockedBy.joined(separator: " "))), ("sources", Cell(c.sources)),
            ("breaches", .int(c.breaches)), ("left_out", .int(c.leftOut)), ("text", Cell(c.text)),
        ]
        switch format {
        case .json, .ndjson:
            var members = JSONKeys.members(fields.map { ($0.0, JSON($0.1)) })
            members.insert(("at", .string(at.text)), at: 0)
            members.insert(("minConfidence", .string(minConfidence.rawValue)), at: 1)
            members.insert(("ledger", .object([("seq", .int(stamp.seq)), ("root", .string(stamp.root))])), at: 2)
            members.append(("verifications", .array(verifications.map { listing in
                .object(JSONKeys.members(zip(VerificationListing.columns, listing.cells).map { ($0, JSON($1)) }))
            })))
            members.append(("breaches", .array(breaches.map(\.json))))
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
            output.line("judged at \(at.text), counting \(minConfidence.rawValue) evidence; ledger seq \(stamp.seq)")
            if !verifications.isEmpty {
                output.line()
                output.line(format == .markdown ? "### Verifications\n" : "VERIFICATIONS")
                RowSet(columns: ["seq", "observed", "quantity", "outcome", "source", "confidence", "sources", "status", "id"],
                       rows: verifications.map { v in
                           [.int(v.seq), .text(v.observed), Cell(v.quantity), Cell(v.outcome), .text(v.source),
                            .text(v.effectiveConfidence), Cell(v.sources), .text(v.status), Cell(v.externalID)]
                       }).render(format, header: header, raw: raw, to: output)
            }
            if !breaches.isEmpty {
                output.line()
                output.line(format == .markdown ? "### Breaches\n" : "BREACHES")
                RowSet(columns: ["seq", "observed", "party", "severity", "source", "confidence", "status", "description"],
                       rows: breaches.map { b in
                           [.int(b.seq), .text(b.observed), .text(b.party), .text(b.severity), .text(b.source),
                            .text(b.confidence), .text(b.status), Cell(b.description)]
                       }).render(format, header: header, raw: raw, to: output)
            }
            output.flush()
        }
    }
}

extension Ledger {
    /// One commitment, judged as in a report, with its live evidence.
    /// - Throws: ``LedgerError`` `.badInput` when there is no such commitment.
    public func commitmentDetail(_ id: String, options: ReportOptions) throws -> CommitmentDetail {
        let today = try Timestamp.now()
        // The judgement and the listings read one view: the same entries, even if a writer appends meanwhile.
        return try reading(asOf: options.asOf) { view in
            let report = try view.report(options, at: options.at ?? Moment(date: CivilDate(days: today.day)))
            guard let row = report.commitments.first(where: { $0.id == id }) else {
                throw LedgerError.badInput("no commitment '\(id)'; list them with `accord commitment list`")
            }
            var verificationQuery = VerificationQuery()
            verificationQuery.commitment = id
            var verifications: [VerificationListing] = []
            try view.forEachVerification(verificationQuery) { verifications.append($0) }
            var breachQuery = BreachQuery()
            breachQuery.commitment = id
            var breaches: [BreachListing] = []
            try view.forEachBreach(breachQuery) { breaches.append($0) }
            return CommitmentDetail(report: row, at: report.at, minConfidence: report.minConfidence, stamp: report.ledger,
                                    verifications: verifications, breaches: breaches)
        }
    }
}
