import AccordLedger

/// The sections of a report that print as rows.
public enum ReportSection: String, Sendable, CaseIterable {
    /// The report's sections, in the order a full report shows them.
    case commitments, parties, agreements, guarantees, guarantors, reciprocity
}

extension Report {
    /// Writes the report as one JSON object (the documented contract), as it
    /// goes; with `only`, the metadata and that one section.
    public func writeJSON(to output: TextOutput, pretty: Bool = true, only: ReportSection? = nil) {
        func include(_ section: ReportSection) -> Bool { only == nil || only == section }
        var json = JSONWriter(to: output, pretty: pretty)
        json.object { json in
            json.member("at", .string(at.text))
            json.member("minConfidence", .string(minConfidence.rawValue))
            json.member("ledger", object: { json in
                json.member("id", .string(ledger.ledgerID))
                json.member("seq", .int(ledger.seq))
                json.member("treeSize", .int(ledger.treeSize))
                json.member("root", .string(ledger.root))
                if let copy = ledger.fieldCopy {
                    json.member("fieldCopy", object: { json in
                        json.member("missionId", .string(copy.missionID))
                        json.member("missionSeq", .int(copy.missionSeq))
                        json.member("missionSeqVerified", .bool(false))
                        json.member("localEntries", .int(copy.localEntries))
                        json.member("unacknowledged", .int(copy.unacknowledged))
                        if let adopted = copy.missionEvidence {
                            json.member("missionEvidence", .int(adopted))
                            json.member("evidenceSeq", .int(copy.evidenceSeq ?? copy.missionSeq))
                            json.member("evidenceSeqVerified", .bool(false))
                            json.member("notAdopted", .int(copy.notAdopted))
                        }
                    })
                }
            })
            json.member("filters", object: { json in
                json.member("agreement", JSON(agreementFilter))
                json.member("party", JSON(partyFilter))
            })
            if include(.commitments) { json.member("commitments", array: { json in
                json.elements(commitments) { json, commitment in
                    json.element(object: { json in
                        json.member("id", .string(commitment.id))
                        json.member("agreement", .string(commitment.agreement))
                        json.member("party", .string(commitment.party))
                        json.member("kind", .string(commitment.kind.rawValue))
                        json.member("target", JSON(Cell.quantity(commitment.target, scale: commitment.decimals)))
                        json.member("unit", JSON(commitment.unit))
                        json.member("verified", JSON(commitment.kind == .quantity
                            ? Cell.quantity(commitment.verified, scale: commitment.decimals) : Cell(commitment.verified)))
                        json.member("rate", JSON(commitment.rate))
                        json.member("status", .string(commitment.status.rawValue))
                        json.member("due", JSON(commitment.due?.text))
                        json.member("from", JSON(commitment.from?.text))
                        json.member("until", JSON(commitment.until?.text))
                        json.member("reciprocal", JSON(commitment.reciprocal))
                        json.member("sources", .int(Int64(commitment.sources)))
                        json.member("breaches", .int(commitment.breaches))
                        json.member("dependsOn", .array(commitment.dependsOn.map { .string($0) }))
                        json.member("blockedBy", .array(commitment.blockedBy.map { .string($0) }))
                        json.member("leftOut", .int(commitment.leftOut))
                        json.member("decimals", .int(Int64(commitment.decimals)))
                        json.member("late", commitment.late.map { .bool($0) } ?? .null)
                        json.member("daysLate", JSON(commitment.daysLate))
                        json.member("fulfilledOn", JSON(commitment.fulfilledOn?.text))
                    })
                }
            }) }
            if include(.parties) { json.member("parties", array: { json in
                for party in parties {
                    json.element(object: { json in
                        json.member("party", .string(party.party))
                        json.member("name", .string(party.name))
                        json.member("commitments", .int(Int64(party.commitments)))
                        json.member("due", .int(Int64(party.due)))
                        json.member("fulfilled", .int(Int64(party.fulfilled)))
                        json.member("breached", .int(Int64(party.breached)))
                        json.member("rate", JSON(party.rate))
                        json.member("fulfilledOnTime", .int(Int64(party.fulfilledOnTime)))
                        json.member("fulfilledLate", .int(Int64(party.fulfilledLate)))
                    })
                }
            }) }
            if include(.agreements) { json.member("agreements", array: { json in
                for agreement in agreements {
                    json.element(object: { json in
                        json.member("id", .string(agreement.id))
                        json.member("title", .string(agreement.title))
                        json.member("commitments", .int(Int64(agreement.commitments)))
                        json.member("due", .int(Int64(agreement.due)))
                        json.member("fulfilled", .int(Int64(agreement.fulfilled)))
                        json.member("rate", JSON(agreement.rate))
                        json.member("pamScore", JSON(agreement.pamScore))
                        json.member("fulfilledOnTime", .int(Int64(agreement.fulfilledOnTime)))
                        json.member("fulfilledLate", .int(Int64(agreement.fulfilledLate)))
                    })
                }
            }) }
            if include(.guarantees) { json.member("guarantees", array: { json in
                for guarantee in guarantees {
                    json.element(object: { json in
                        json.member("id", .string(guarantee.id))
                        json.member("guarantor", .string(guarantee.guarantor))
                        json.member("status", .string(guarantee.status.rawValue))
                        json.member("covers", .array(guarantee.covers.map { .string($0) }))
                        json.member("consequence", .string(guarantee.consequence))
                        json.member("respondWithinDays", .int(guarantee.respondWithinDays))
                        json.member("triggeredOn", JSON(guarantee.triggeredOn?.text))
                        json.member("respondBy", JSON(guarantee.respondBy?.text))
                        json.member("invokedOn", JSON(guarantee.invokedOn?.text))
                        json.member("triggers", array: { json in
                            for trigger in guarantee.triggers {
                                json.element(object: { json in
                                    json.member("breach", .int(trigger.breach))
                                    json.member("triggeredOn", .string(trigger.triggeredOn.text))
                                    json.member("respondBy", .string(trigger.respondBy.text))
                                    json.member("invokedOn", JSON(trigger.invokedOn?.text))
                                    json.member("outcome", .string(trigger.outcome.rawValue))
                                })
                            }
                        })
                        json.member("invocationsWithoutTrigger", array: { json in
                            for invocation in guarantee.invocationsWithoutTrigger {
                                json.element(object: { json in
                                    json.member("entry", .int(invocation.entry))
                                    json.member("invokedOn", .string(invocation.invokedOn.text))
                                })
                            }
                        })
                    })
                }
            }) }
            if include(.guarantors) { json.member("guarantors", array: { json in
                for guarantor in guarantors {
                    json.element(object: { json in
                        json.member("party", .string(guarantor.party))
                        json.member("guarantees", .int(Int64(guarantor.guarantees)))
                        json.member("triggered", .int(Int64(guarantor.triggered)))
                        json.member("invoked", .int(Int64(guarantor.invoked)))
                        json.member("lapsed", .int(Int64(guarantor.lapsed)))
                        json.member("pending", .int(Int64(guarantor.pending)))
                        json.member("invokedLate", .int(Int64(guarantor.invokedLate)))
                        json.member("followThrough", JSON(guarantor.followThrough))
                    })
                }
            }) }
            if include(.reciprocity) { json.member("reciprocity", array: { json in
                for pair in reciprocity {
                    json.element(object: { json in
                        json.member("pair", .array([.string(pair.a), .string(pair.b)]))
                        json.member("unit", JSON(pair.unit))
                        json.member("tranches", array: { json in
                            for tranche in pair.tranches {
                                json.element(object: { json in
                                    json.member("date", .string(tranche.date.text))
                                    json.member("a", JSON(Cell.quantity(tranche.a, scale: pair.decimals)))
                                    json.member("b", JSON(Cell.quantity(tranche.b, scale: pair.decimals)))
                                })
                            }
                        })
                        json.member("totals", .array([JSON(Cell.quantity(pair.totalA, scale: pair.decimals)),
                                                      JSON(Cell.quantity(pair.totalB, scale: pair.decimals))]))
                        json.member("balance", JSON(Cell.quantity(pair.balance, scale: pair.decimals)))
                    })
                }
            }) }
        }
        json.finish()
    }

    /// The columns and rows of one section.
    public func rows(_ section: ReportSection) -> (columns: [Column], rows: [[Cell]]) {
        func percent(_ rate: Double?) -> Cell { Cell.fraction(rate) }
        switch section {
        case .commitments:
            return (["commitment", "agreement", "party", "kind", "target", "verified", "unit", "rate", "status", "due", "late", "days_late",
                     "sources", "breaches"].map(Column.init),
                    commitments.map { c in
                        [.text(c.id), .text(c.agreement), .text(c.party), .text(c.kind.rawValue), Cell.quantity(c.target, scale: c.decimals),
                         c.kind == .quantity ? Cell.quantity(c.verified, scale: c.decimals) : Cell(c.verified),
                         Cell(c.unit), percent(c.rate), .text(c.status.rawValue),
                         Cell((c.kind == .restraint ? c.until : c.due)?.text), c.late.map { .bool($0) } ?? .null,
                         c.late == true ? Cell(c.daysLate) : .null, .int(Int64(c.sources)),
                         .int(c.breaches)]
                    })
        case .parties:
            return (["party", "name", "commitments", "due", "fulfilled", "late", "breached", "rate"].map(Column.init),
                    parties.map { p in
                        [.text(p.party), .text(p.name), Cell(p.commitments), Cell(p.due), Cell(p.fulfilled), Cell(p.fulfilledLate),
                         Cell(p.breached), percent(p.rate)]
                    })
        case .agreements:
            return (["agreement", "title", "commitments", "due", "fulfilled", "late", "rate", "pam_score"].map(Column.init),
                    agreements.map { a in
                        [.text(a.id), .text(a.title), Cell(a.commitments), Cell(a.due), Cell(a.fulfilled), Cell(a.fulfilledLate),
                         percent(a.rate), Cell(a.pamScore)]
                    })
        case .guarantees:
            return (["guarantee", "guarantor", "status", "covers", "triggers", "triggered_on", "respond_by", "invoked_on",
                     "invocations_without_trigger"].map(Column.init),
                    guarantees.map { g in
                        [.text(g.id), .text(g.guarantor), .text(g.status.rawValue), .text(g.covers.joined(separator: " ")),
                         Cell(g.triggers.count), Cell(g.triggeredOn?.text), Cell(g.respondBy?.text), Cell(g.invokedOn?.text),
                         Cell(g.invocationsWithoutTrigger.isEmpty ? nil
                              : g.invocationsWithoutTrigger.map { "\($0.invokedOn.text) (entry \($0.entry))" }.joined(separator: "; "))]
                    })
        case .guarantors:
            return (["guarantor", "guarantees", "triggered", "invoked", "invoked_late", "lapsed", "pending", "follow_through"].map(Column.init),
                    guarantors.map { g in
                        [.text(g.party), Cell(g.guarantees), Cell(g.triggered), Cell(g.invoked), Cell(g.invokedLate), Cell(g.lapsed),
                         Cell(g.pending), percent(g.followThrough)]
                    })
        case .reciprocity:
            var rows: [[Cell]] = []
            for pair in reciprocity {
                var runningA: Int64 = 0
                var runningB: Int64 = 0
                for tranche in pair.tranches {
                    runningA += tranche.a
                    runningB += tranche.b
                    let q = { (units: Int64) in Cell.quantity(units, scale: pair.decimals) }
                    rows.append([.text(pair.a), .text(pair.b), .text(tranche.date.text), q(tranche.a), q(tranche.b),
                                 q(runningA), q(runningB), q(runningA &- runningB)])
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
            + "ledger seq \(ledger.seq), root \(ledger.root.prefix(16))…" + (ledger.fieldCopy.map { "; \($0.phrase)" } ?? "")
    }

    /// Writes the report. `table` and `markdown` print every section and
    /// `json` the whole object, or only `section` when it is given; `ndjson`,
    /// `csv` and `tsv` print one section (`section`, default commitments).
    public func render(_ format: OutputFormat, section: ReportSection? = nil, header: Bool = true, raw: Bool = false,
                       to output: TextOutput) {
        switch format {
        case .json:
            writeJSON(to: output, only: section)
        case .table, .markdown:
            output.line(format == .markdown ? "**\(MarkdownText.escaped(heading))**" : heading)
            for part in ReportSection.allCases where section == nil || section == part {
                let (columns, rows) = rows(part)
                guard !rows.isEmpty || section != nil else { continue }
                output.line()
                output.line(format == .markdown ? "### \(part.rawValue.capitalized)" : part.rawValue.uppercased())
                if format == .markdown { output.line() }
                let writer = RowWriter(format: format, columns: columns, output: output, header: header, raw: raw)
                for row in rows { writer.write(row) }
                writer.finish()
            }
            output.flush()
        case .ndjson, .csv, .tsv:
            let (columns, rows) = rows(section ?? .commitments)
            let writer = RowWriter(format: format, columns: columns, output: output, header: header, raw: raw)
            for row in rows { writer.write(row) }
            writer.finish()
        }
    }
}

