/// What a payload refers to, and by which id it can be referred to: the
/// references a portable claim writes as names (docs/JOURNAL.md §4c).
extension Payload {
    /// The seqs of the entries this payload refers to (the record it
    /// corroborates, corrects, retracts, disputes or rules on; the entry it
    /// voids): written as names in a portable claim.
    var references: [Int64] {
        var seqs: [Int64] = []
        _ = mappingReferences { seq in
            seqs.append(seq)
            return seq
        }
        return seqs
    }

    /// The external id of the record or corroboration it records, if any.
    var externalID: String? {
        switch self {
        case .verification(let value): value.externalID
        case .breach(let value): value.externalID
        case .corroboration(let value): value.externalID
        default: nil
        }
    }

    /// The payload with each reference to another entry replaced by `map` of it.
    func mappingReferences(_ map: (Int64) throws -> Int64) rethrows -> Payload {
        switch self {
        case .corroboration(var value): value.record = try map(value.record); return .corroboration(value)
        case .correction(var value): value.record = try map(value.record); return .correction(value)
        case .retraction(var value): value.record = try map(value.record); return .retraction(value)
        case .dispute(var value): value.record = try map(value.record); return .dispute(value)
        case .adjudication(var value): value.record = try map(value.record); return .adjudication(value)
        case .void(var value): value.entry = try map(value.entry); return .void(value)
        default: return self
        }
    }
}
