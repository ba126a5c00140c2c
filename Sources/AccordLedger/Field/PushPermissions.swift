// Who may push what: a push's unsigned entries (UnsignedEntries) and the
// kinds of entries a server token's role records (TokenRole.pushedKinds).

/// Whose unsigned entries a mission ledger records from a push bundle.
public enum UnsignedEntries: Sendable, Equatable {
    /// Anyone's: the bundle is applied by whoever holds the mission ledger.
    case anyActor
    /// Only those whose actor is this one (the pusher's token's name).
    case onlyActor(String)
    /// None: every entry must be signed (a token bound to a key; a bundle
    /// carried by hand, whose unsigned entries anyone could have rewritten).
    case none

    /// Why an unsigned entry by `actor` is refused, or nil when it is recorded.
    func refusal(of actor: String) -> String? {
        switch self {
        case .anyActor:
            return nil
        case .onlyActor(let pusher):
            guard actor != pusher else { return nil }
            return "an unsigned entry by \(actor) is recorded only when pushed with a token named \(actor), and this push's token is "
                + "\(pusher)'s: sign entries with a key the mission registered, or push them with \(actor)'s token"
        case .none:
            return "an unsigned entry is not recorded here (a token bound to a key, or a bundle applied without allowing unsigned "
                + "entries: whoever carried it could have rewritten it): sign it with a registered key"
        }
    }
}

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
