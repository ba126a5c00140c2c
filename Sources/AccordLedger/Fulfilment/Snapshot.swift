/// The structure of the ledger (parties, agreements, commitments, guarantees)
/// as it stood after entry `seq` (read by ``VerifiedState``).
struct Snapshot {
    struct CommitmentRow {
        var commitment: Commitment
        var seq: Int64
    }
    struct GuaranteeRow {
        var guarantee: Guarantee
        var seq: Int64
    }

    var seq: Int64
    var parties: [(id: String, name: String)] = []
    var agreements: [(id: String, title: String)] = []
    /// The entries that added them, in the same order.
    var partySeqs: [Int64] = []
    var agreementSeqs: [Int64] = []
    /// Agreements' dates, where given.
    var agreementDates: [String: Moment] = [:]
    var commitments: [CommitmentRow] = []
    var withdrawals: [String: Moment] = [:]
    var guarantees: [GuaranteeRow] = []
    var invocations: [String: [Moment]] = [:]
}
