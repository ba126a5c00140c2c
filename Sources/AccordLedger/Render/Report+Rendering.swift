/// The sections of a report that print as rows.
public enum ReportSection: String, Sendable, CaseIterable {
    case commitments, parties, agreements, guarantees, guarantors, reciprocity
}

extension Report {
    /// The report as one JSON object (the documented contract).
    public var json: JSON {
        .object([
            ("at", .string(at.text)),
            ("minConfidence", .string(minConfidence.rawValue)),
            ("ledger", .object([
                ("id", .string(ledger.ledgerID)),
                ("seq", .int(ledger.seq)),
                ("treeSize", .int(ledger.treeSize)),
                ("root", .string(ledger.root)),
            ])),
            ("filters", .object([("agreement", JSON(agreementFilter)), ("party", JSON(partyFilter))])),
            ("commitments", .array(commitments.map { commitment in
                .object([
                    ("id", .string(commitment.id)),
                    ("agreement", .string(commitment.agreement)),
                    ("party", .string(commitment.party)),
                    ("kind", .string(commitment.kind.rawValue)),
                    ("target", JSON(commitment.target)),
                    ("unit", JSON(commitment.unit)),
                    ("verified", JSON(commitment.verified)),
                    ("rate", JSON(commitment.rate)),
                    ("status", .string(commitment.status.rawValue)),
                    ("due", JSON(commitment.due?.text)),
                    ("from", JSON(commitment.from?.text)),
                    ("until", JSON(commitment.until?.text)),
                    ("reciprocal", JSON(commitment.reciprocal)),
                    ("sources", .int(Int64(commitment.sources))),
                    ("breaches", .int(commitment.breaches)),
                    ("dependsOn", .array(commitment.dependsOn.map { .string($0) })),
                    ("blockedBy", .array(commitment.blockedBy.map { .string($0) })),
                    ("leftOut", .int(commitment.leftOut)),
                ])
            })),
            ("parties", .array(parties.map { party in
                .object([
                    ("party", .string(party.party)),
                    ("name", .string(party.name)),
                    ("commitments", .int(Int64(party.commitments))),
                    ("due", .int(Int64(party.due))),
                    ("fulfilled", .int(Int64(party.fulfilled))),
                    ("breached", .int(Int64(party.breached))),
                    ("rate", JSON(party.rate)),
                ])
            })),
            ("agreements", .array(agreements.map { agreement in
                .object([
                    ("id", .string(agreement.id)),
                    ("title", .string(agreement.title)),
                    ("commitments", .int(Int64(agreement.commitments))),
                    ("due", .int(Int64(agreement.due))),
                    ("fulfilled", .int(Int64(agreement.fulfilled))),
                    ("rate", JSON(agreement.rate)),
                    ("pamScore", JSON(agreement.pamScore)),
                ])
            })),
            ("guarantees", .array(guarantees.map { guarantee in
                .object([
                    ("id", .string(guarantee.id)),
                    ("guarantor", .string(guarantee.guarantor)),
                    ("status", .string(guarantee.status.rawValue)),
                    ("covers", .array(guarantee.covers.map { .string($0) })),
                    ("consequence", .string(guarantee.consequence)),
                    ("respondWithinDays", .int(guarantee.respondWithinDays)),
                    ("triggeredOn", JSON(guarantee.triggeredOn?.text)),
                    ("respondBy", JSON(guarantee.respondBy?.text)),
                    ("invokedOn", JSON(guarantee.invokedOn?.text)),
                ])
            })),
            ("guarantors", .array(guarantors.map { guarantor in
                .object([
                    ("party", .string(guarantor.party)),
                    ("guarantees", .int(Int64(guarantor.guarantees))),
                    ("triggered", .int(Int64(guarantor.triggered))),
                    ("invoked", .int(Int64(guarantor.invoked))),
                    ("lapsed", .int(Int64(guarantor.lapsed))),
                    ("pending", .int(Int64(guarantor.pending))),
                    ("followThrough", JSON(guarantor.followThrough)),
                ])
            })),
            ("reciprocity", .array(reciprocity.map { pair in
                .object([
                    ("pair", .array([.string(pair.a), .string(pair.b)])),
                    ("unit", JSON(pair.unit)),
                    ("tranches", .array(pair.tranches.map { tranche in
                        .object([("date", .string(tranche.date.text)), ("a", .int(tranche.a)), ("b", .int(tranche.b))])
                    })),
                    ("totals", .array([.int(pair.totalA), .int(pair.totalB)])),
                    ("balance", .int(pair.balance)),
                ])
            })),
        ])
    }

    /// The columns and rows of one section.
    public func rows(_ section: ReportSection) -> (columns: [Column], rows: [[Cell]]) {
        func percent(_ rate: Double?) -> Cell { Cell.fraction(rate) }
        switch section {
        case .commitments:
            return (["commitment", "agreement", "party", "kind", "target", "verified", "unit", "rate", "status", "due", "sources", "breaches"].map(Column.init),
                    commitments.map { c in
                        [.text(c.id), .text(c.agreement), .text(c.party), .text(c.kind.rawValue), Cell(c.target), Cell(c.verified),
                         Cell(c.unit), percent(c.rate), .text(c.status.rawValue),
                         Cell((c.kind == .restraint ? c.until : c.due)?.text), .int(Int64(c.sources)), .int(c.breaches)]
                    })
        case .parties:
            return (["party", "name", "commitments", "due", "fulfilled", "breached", "rate"].map(Column.init),
                    parties.map { p in
                        [.text(p.party), .text(p.name), Cell(p.commitments), Cell(p.due), Cell(p.fulfilled), Cell(p.breached), percent(p.rate)]
                    })
        case .agreements:
            return (["agreement", "title", "commitments", "due", "fulfilled", "rate", "pam_score"].map(Column.init),
                    agreements.map { a in
                        [.text(a.id), .text(a.title), Cell(a.commitments), Cell(a.due), Cell(a.fulfilled), percent(a.rate), Cell(a.pamScore)]
                    })
        case .guarantees:
            return (["guarantee", "guarantor", "status", "covers", "triggered_on", "respond_by", "invoked_on"].map(Column.init),
                    guarantees.map { g in
                        [.text(g.id), .text(g.guarantor), .text(g.status.rawValue), .text(g.covers.joined(separator: " ")),
                         Cell(g.triggeredOn?.text), Cell(g.respondBy?.text), Cell(g.invokedOn?.text)]
                    })
        case .guarantors:
            return (["guarantor", "guarantees", "triggered", "invoked", "lapsed", "pending", "follow_through"].map(Column.init),
                    guarantors.map { g in
                        [.text(g.party), Cell(g.guarantees), Cell(g.triggered), Cell(g.invoked), Cell(g.lapsed), Cell(g.pending),
                         percent(g.followThrough)]
                    })
        case .reciprocity:
            var rows: [[Cell]] = []
            for pair in reciprocity {
                var runningA: Int64 = 0
                var runningB: Int64 = 0
                for tranche in pair.tranches {
                    runningA += tranche.a
                    runningB += tranche.b
                    rows.append([.text(pair.a), .text(pair.b), .text(tranche.date.text), .int(tranche.a), .int(tranche.b),
                                 .int(runningA), .int(runningB), .int(runningA - runningB)])
                }
            }
            return (["a", "b", "date", "a_qty", "b_qty", "a_total", "b_total", "balance"].map(Column.init), rows)
        }
    }

    /// The heading line that states what the report reflects.
    public var heading: String {
        var scope = ""
        if let agreementFilter { scope += ", agreement \(agreementFilter)" }
        if let partyFilter { scope += ", party \(partyFilter)" }
        return "Fulfilment at \(at.text)\(scope), counting \(minConfidence.rawValue)\(minConfidence == .confirmed ? "" : " or better") evidence; "
            + "ledger seq \(ledger.seq), root \(ledger.root.prefix(16))…"
    }

    /// Writes the report. `table` and `markdown` print every section; `json`
    /// prints the whole object; `ndjson`, `csv` and `tsv` print one section.
    public func render(_ format: OutputFormat, section: ReportSection = .commitments, header: Bool = true, to output: TextOutput) {
        switch format {
        case .json:
            output.line(json, pretty: true)
        case .table, .markdown:
            output.line(format == .markdown ? "**\(heading)**" : heading)
            for part in ReportSection.allCases {
                let (columns, rows) = rows(part)
                guard !rows.isEmpty else { continue }
                output.line()
                output.line(format == .markdown ? "### \(part.rawValue.capitalized)" : part.rawValue.uppercased())
                if format == .markdown { output.line() }
                let writer = RowWriter(format: format, columns: columns, output: output, header: header)
                for row in rows { writer.write(row) }
                writer.finish()
            }
            output.flush()
        case .ndjson, .csv, .tsv:
            let (columns, rows) = rows(section)
            let writer = RowWriter(format: format, columns: columns, output: output, header: header)
            for row in rows { writer.write(row) }
            writer.finish()
        }
    }
}
