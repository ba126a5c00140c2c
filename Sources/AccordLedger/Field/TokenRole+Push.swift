extension TokenRole {
    /// The kinds of a push bundle's entries that a server records from a
    /// token of this role: those its own routes record (README, "Roles"), so
    /// that a push is no way around them. A monitor pushes evidence, a
    /// reviewer corrections, retractions, disputes, rulings and voids; an
    /// admin, who may also import every kind of row, every kind pushed.
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
    /// entries (only verification, breach, corroboration): push it with a
    /// reviewer's or an admin's token".
    func pushRefusal(of kind: EntryKind) -> String? {
        guard !pushedKinds.contains(kind) else { return nil }
        let own = EntryKind.allCases.filter(pushedKinds.contains).map(\.rawValue)
        let others = [TokenRole.monitor, .reviewer, .admin].filter { $0 != self && $0.pushedKinds.contains(kind) }
        return "\(possessive) token does not push \(kind.rawValue) entries"
            + (own.isEmpty ? "" : " (only \(own.joined(separator: ", ")))")
            + (others.isEmpty ? "" : ": push it with \(others.map(\.possessive).joined(separator: " or ")) token")
    }

    /// "a monitor's", "an admin's".
    private var possessive: String {
        (self == .admin || self == .auditor ? "an " : "a ") + rawValue + "'s"
    }
}
