import AccordStorage

/// The rows the evidence entries write, in their tables' column order: the
/// projector inserts them, and listings check the stored rows against them.
enum EvidenceRows {
    /// `corroborations` without its `retracted_seq` mark.
    static func corroboration(_ value: Corroboration, seq: Int64) -> [DatabaseValue] {
        [.integer(seq), .integer(value.record), DatabaseValue(value.externalID)] + VersionRows.source(value.source)
            + [VersionRows.sha256(value.evidence), DatabaseValue(value.evidence.uri), DatabaseValue(value.note)]
    }

    /// `disputes` without its `adjudication_seq` mark.
    static func dispute(_ value: Dispute, seq: Int64) -> [DatabaseValue] {
        [.integer(seq), .integer(value.record), .text(value.by), .text(value.reason), DatabaseValue(value.source)]
    }

    static func adjudication(_ value: Adjudication, seq: Int64) -> [DatabaseValue] {
        [.integer(seq), .integer(value.record), .text(value.ruling.rawValue), .text(value.reason)]
    }

    static func retraction(_ value: Retraction, seq: Int64) -> [DatabaseValue] {
        [.integer(seq), .integer(value.record), .text(value.reason)]
    }

    static func correction(_ value: Correction, seq: Int64) -> [DatabaseValue] {
        [.integer(seq), .integer(value.record), .text(value.reason)]
    }

    /// A mark column: the seq that set it, or NULL.
    static func mark(_ seq: Int64?) -> DatabaseValue { seq.map { .integer($0) } ?? .null }
}
