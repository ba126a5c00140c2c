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
    /// Parties' kinds and agreements' venues, where given (for listings).
    var partyKinds: [String: String] = [:]
    var agreementVenues: [String: String] = [:]
    var commitments: [CommitmentRow] = []
    /// Each withdrawn commitment's withdrawal: when it takes effect, and its entry.
    var withdrawals: [String: DatedEntry] = [:]
    var guarantees: [GuaranteeRow] = []
    /// Each guarantee's invocations, by date then entry.
    var invocations: [String: [DatedEntry]] = [:]
    /// Amendments of each definition, as recorded (voided ones included).
    var amendments: [StateEntity: [AmendmentRow]] = [:]
    /// Voided entries, and the entity each belonged to.
    var voided: [Int64: StateEntity] = [:]

    /// An entry that takes effect on a date.
    struct DatedEntry {
        var seq: Int64
        var date: Moment
    }

    /// One amendment, as the projection holds it.
    struct AmendmentRow {
        var seq: Int64
        var effective: Moment
        var reason: String
        var terms: AmendedTerms

        /// The covers a guarantee amendment gives; nil when it keeps them (or amends something else).
        var covers: [String]? { if case .guarantee(let covers?, _, _) = terms { covers } else { nil } }

        /// Whether its covers name commitment `id` (compared as bytes).
        func names(_ id: String) -> Bool { covers?.contains { $0.utf8.elementsEqual(id.utf8) } ?? false }
    }
}
