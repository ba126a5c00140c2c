extension TokenRole {
    /// The kinds of a push bundle's entries that a server records from a
    /// token of this role, as its routes would: a monitor's token pushes
    /// evidence (verifications, breaches, corroborations), a reviewer's what
    /// reviews it (corrections, retractions, disputes, rulings, and voids,
    /// which no route records and a push carries only from a field ledger);
    /// an admin's, as its import takes every kind of row, every kind pushed.
    public var pushedKinds: Set<EntryKind> {
        switch self {
        case .admin: Session.pushableKinds
        case .monitor: [.verification, .breach, .corroboration]
        case .reviewer: [.correction, .retraction, .dispute, .adjudication, .void]
        case .auditor, .viewer: []
        }
    }

    /// Why a pushed entry of `kind` is not recorded from a token of this
    /// role, or nil when it is: "a monitor's token does not push dispute
    /// entries (only verification, breach, corroboration): a reviewer's or an
    /// admin's token records them". The refusal is final for that entry (a
    /// push never sends it again): void it, and have one of those record it.
    func pushRefusal(of kind: EntryKind) -> String? {
        guard !pushedKinds.contains(kind) else { return nil }
        let own = EntryKind.allCases.filter(pushedKinds.contains).map(\.rawValue)
        let others = [TokenRole.monitor, .reviewer, .admin].filter { $0 != self && $0.pushedKinds.contains(kind) }
        return "\(possessive) token does not push \(kind.rawValue) entries"
            + (own.isEmpty ? "" : " (only \(own.joined(separator: ", ")))")
            + (others.isEmpty ? "" : ": \(others.map(\.possessive).joined(separator: " or ")) token records them")
    }

    /// "a monitor's", "an admin's".
    private var possessive: String {
        (self == .admin || self == .auditor ? "an " : "a ") + rawValue + "'s"
    }
}
