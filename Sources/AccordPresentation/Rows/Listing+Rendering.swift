import AccordLedger

extension BreachList {
    /// Writes the breach list: `json` pretty, `ndjson` one breach a line,
    /// `table` and `markdown` a count and stamp line, the rows and each
    /// dispute, `csv` and `tsv` the rows only. The one rendering of a breach
    /// list, wherever it is asked for.
    public func render(_ format: OutputFormat, header: Bool = true, raw: Bool = false, to out: TextOutput) {
        switch format {
        case .json:
            out.line(json.serialized(pretty: true))
        case .ndjson:
            for breach in breaches { out.line(breach.json.serialized()) }
        case .table, .markdown:
            out.line("\(breaches.count) breach\(breaches.count == 1 ? "" : "es"); ledger seq \(stamp.seq), root \(stamp.root.prefix(16))…")
            RowSet(columns: ["seq", "observed", "commitment", "party", "severity", "confidence", "sources", "status",
                             "signer", "source", "description", "evidence_sha256", "evidence_uri"],
                   rows: breaches.map { b in
                       [.int(b.seq), .text(b.observed), .text(b.commitment), .text(b.party), .text(b.severity.rawValue),
                        .text(b.confidence.rawValue), Cell(b.sources), .text(b.status.rawValue), .text(b.signer), .text(b.source),
                        Cell(b.description), Cell(b.evidenceSHA256), Cell(b.evidenceURI)]
                   }).render(format, header: header, raw: raw, to: out)
            for b in breaches where b.dispute != nil {
                let dispute = b.dispute ?? ""
                out.line("  entry \(b.seq): \(format == .markdown ? MarkdownText.escaped(dispute) : dispute)")
            }
        case .csv, .tsv:
            rowSet.render(format, header: header, raw: raw, to: out)
        }
        out.flush()
    }
}

/// The history of one subject as a listing: the entries that touched it and
/// the ledger seq they were read at.
public struct HistoryListing {
    /// The subject as it was asked for (an id, a seq).
    public var subject: String
    /// The ledger seq and root the history was read at.
    public var stamp: LedgerStamp
    /// The entries that touched it, in journal order.
    public var items: [HistoryItem]

    /// The history of `subject` read at `stamp`.
    public init(subject: String, stamp: LedgerStamp, items: [HistoryItem]) {
        self.subject = subject
        self.stamp = stamp
        self.items = items
    }

    /// Writes the history: `table` and `markdown` after a line naming the
    /// subject, the count and the seq; the other formats the rows only.
    public func render(_ format: OutputFormat, header: Bool = true, raw: Bool = false, to out: TextOutput) {
        if format == .table || format == .markdown {
            let title = format == .markdown ? MarkdownText.escaped(subject) : subject
            out.line("History of \(title): \(items.count) entr\(items.count == 1 ? "y" : "ies"); ledger seq \(stamp.seq)")
        }
        RowSet(columns: HistoryItem.columns, rows: items.map(\.cells)).render(format, header: header, raw: raw, to: out)
    }
}
