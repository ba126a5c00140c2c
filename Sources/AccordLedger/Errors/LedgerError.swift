/// An error from the ledger: what kind of thing went wrong, the words that
/// say so, and what the user might do about it.
///
/// Front ends switch over ``kind`` (the command line maps it to its status,
/// a server to an HTTP status) and render ``phrase`` and ``hint`` in their
/// own terms with a ``Phrasing``; nothing needs to read the words.
public struct LedgerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What happened.
    public enum Kind: Hashable, Sendable {
        /// An id names nothing of that kind.
        case notFound(Entity, id: String)
        /// The request contradicts what the ledger already holds.
        case conflict(Conflict)
        /// A value given is malformed or not allowed here; the field at fault
        /// when one is (nil when it is the combination of fields).
        case invalid(Field?)
        /// The caller may not do this: the key it signs with, or its lack of one.
        case forbidden
        /// The ledger's content disagrees with itself or with its journal.
        case tampered
        /// The file is damaged at the storage level.
        case corrupt
        /// A signature cannot be checked (an unknown key).
        case unverifiable
        /// Another writer held the ledger through every retry.
        case busy
        /// There is no ledger there, or the file is not one.
        case notALedger(NotALedger)
        /// Reading or writing storage failed: a full disk, an I/O error, a
        /// file that cannot be written.
        case io
        /// Anything else: a bug, a resource that ran out.
        case failure
    }

    /// What a request contradicts.
    public enum Conflict: Hashable, Sendable {
        /// The entry that already holds this id or record.
        case entry(Int64)
        /// A file that already exists where one was to be made.
        case file(String)
        /// A state of the ledger, described in the message (such as an
        /// admin key that is already registered).
        case state
    }

    /// Why a file is not a ledger.
    public enum NotALedger: Hashable, Sendable {
        /// No file at the path (or no path at all).
        case missing
        /// The file is not a SQLite database (or is a directory).
        case notADatabase
        /// A SQLite database of another application, or an empty one.
        case foreign
        /// Its schema is newer than this build, or older and not yet migrated.
        case schemaVersion
        /// An applied migration differs from the one this build carries.
        case migrationEdited
        /// Migrated but never given its first entry.
        case uninitialised
        /// The file cannot be opened (permissions, a bad path).
        case unopenable
    }

    /// What happened, for a front end to switch over.
    public let kind: Kind
    /// What went wrong, and why.
    public let phrase: Phrase
    /// What to do about it, when the front end has something to offer.
    public let hint: Hint?
    /// For an id already recorded with other content: what differs and where.
    public private(set) var idConflict: IDConflict?
    /// For a document refused whole (a bundle, receipts): where in it, as a
    /// JSON pointer (`/entries/3/signature`); nil when not set.
    public private(set) var documentPointer: String?

    /// An error of `kind` saying `phrase`, with what the user might do next.
    public init(_ kind: Kind, _ phrase: Phrase, hint: Hint? = nil) {
        self.kind = kind
        self.phrase = phrase
        self.hint = hint
    }

    /// An id already recorded with other content: a conflict with the entry
    /// that holds it, saying field by field what differs.
    init(conflict: IDConflict) {
        self.init(.conflict(.entry(conflict.seq)), conflict.phrase(at: "entry \(conflict.seq)"))
        idConflict = conflict
    }

    /// The message in a front end's terms: the phrase, then the hint.
    public func message(_ phrasing: some Phrasing) -> String {
        phrase.rendered(phrasing) + (hint.map { phrasing.hint($0) } ?? "")
    }

    /// The message with fields as their keys and no hints (``PlainPhrasing``).
    public var message: String { message(PlainPhrasing()) }

    /// The message with fields named by their stable keys (``message``).
    public var description: String { message }

    /// This error, pointing at `pointer` (a JSON pointer) in the document it refuses.
    package func pointing(at pointer: String) -> LedgerError {
        var error = self
        error.documentPointer = pointer
        return error
    }

    /// The field at fault, for an ``Kind/invalid(_:)`` error.
    public var field: Field? {
        if case .invalid(let field) = kind { return field }
        return nil
    }
}

extension LedgerError {
    /// A value that is malformed or not allowed.
    package static func invalid(_ field: Field?, _ phrase: Phrase, hint: Hint? = nil) -> LedgerError {
        LedgerError(.invalid(field), phrase, hint: hint)
    }

    /// An id that names nothing.
    static func notFound(_ entity: Entity, _ id: String, _ phrase: Phrase, hint: Hint? = nil) -> LedgerError {
        LedgerError(.notFound(entity, id: id), phrase, hint: hint)
    }

    /// An id that names nothing of that kind, in the one wording every such
    /// refusal uses: "LABEL: no KIND 'ID'", the label saying where the id
    /// was given (a field, a field as an input to give, `commitment X`).
    static func unknown(_ entity: Entity, _ id: String, in label: Phrase? = nil, then suffix: String = "",
                        hint: Hint? = nil) -> LedgerError {
        let named: Phrase = "no \(entity.rawValue) '\(TextRules.printable(id))'\(suffix)"
        return LedgerError(.notFound(entity, id: id), label.map { "\($0): \(named)" } ?? named, hint: hint)
    }

    /// A request that contradicts an existing entry.
    static func conflict(_ seq: Int64, _ phrase: Phrase, hint: Hint? = nil) -> LedgerError {
        LedgerError(.conflict(.entry(seq)), phrase, hint: hint)
    }

    /// Content that disagrees with the journal.
    static func tampered(_ phrase: Phrase, hint: Hint? = nil) -> LedgerError {
        LedgerError(.tampered, phrase, hint: hint)
    }

    /// A bug or an exhausted resource.
    static func failure(_ phrase: Phrase, hint: Hint? = nil) -> LedgerError {
        LedgerError(.failure, phrase, hint: hint)
    }
}
