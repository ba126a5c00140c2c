/// What an amendment changes: the terms of a commitment, a party, an
/// agreement or a guarantee, each field nil when it keeps its value.
public enum AmendedTerms: Hashable, Sendable {
    /// `target` in units of the commitment's scale.
    case commitment(target: Int64?, due: Moment?, from: Moment?, until: Moment?, text: String?)
    /// A party's new name.
    case party(name: String?)
    /// An agreement's new title, date and venue.
    case agreement(title: String?, date: Moment?, venue: String?)
    /// A guarantee's new covered commitments, response time and consequence.
    case guarantee(covers: [String]?, respondWithinDays: Int64?, consequence: String?)

    /// The kind of definition amended.
    public var subject: AmendmentSubject {
        switch self {
        case .commitment: .commitment
        case .party: .party
        case .agreement: .agreement
        case .guarantee: .guarantee
        }
    }
}

/// A change to a definition's terms, in force from a date.
public struct Amendment: Hashable, Sendable {
    /// The amended definition's id (its kind is ``terms``' subject).
    public var id: String
    /// The world date from which the new terms apply.
    public var effective: Moment
    /// Why it was amended.
    public var reason: String
    /// The new terms (nil fields unchanged).
    public var terms: AmendedTerms

    /// The kind of definition amended.
    public var subject: AmendmentSubject { terms.subject }
}

/// Marks an earlier entry as entered in error: from then on it is as if it
/// had never been made; the journal keeps it.
public struct Voiding: Hashable, Sendable {
    /// The voided entry's seq.
    public var entry: Int64
    /// Why it was voided.
    public var reason: String
}

extension Amendment {
    /// The amended definition, as the state root names it.
    var entity: StateEntity {
        switch subject {
        case .commitment: .commitment(id)
        case .party: .party(id)
        case .agreement: .agreement(id)
        case .guarantee: .guarantee(id)
        }
    }
}
