/// What a user might do about an error, or where a message points them,
/// for a front end to put in its own terms: the command line names the
/// command to run, a server might link to a page. The engine never spells
/// out a command.
public enum Hint: Hashable, Sendable {
    /// Examine the ledger with the audit.
    case audit
    /// Examine the ledger at this path with the audit.
    case auditLedger(String)
    /// The audit of the ledger at this path examines what is wrong.
    case auditExamines(String)
    /// Audit the damaged file, and restore it from a copy.
    case auditAndRestore
    /// Give the first entry to the ledger file at this path (it was migrated, never initialised).
    case initialise(String)
    /// Create a ledger at this path, or name an existing one.
    case createLedger(String)
    /// Create a ledger (the file is an empty database).
    case createLedgerHere
    /// Migrate the ledger to this build's schema first.
    case migrate
    /// Add the missing entity (a party, agreement or guarantee) with this id.
    case add(Entity, String)
    /// List the entities of that kind that exist.
    case list(Entity)
    /// Replace the existing file with the demo ledger, or choose another path.
    case replaceDemo
    /// Record the new values as a correction of the record with this id.
    case correct(String)
    /// A correction of the record with this id changes it, once recorded.
    case correctLater(String)
    /// Retract the record with this id, and record the new one.
    case retractAndRecord(String)
    /// Report a breach (for a restraint, which verifications do not judge).
    case reportBreach

    // Keys.
    /// Make a key pair first (the key file is missing).
    case generateKey
    /// Sign with the private key file written beside this public one.
    case usePrivateKey
    /// Register the named key's public key.
    case registerKey(String)
    /// Register the public key file as the ledger's first admin key.
    case registerAdminKey
    /// An admin key's registration request asks for the admin role.
    case requestAdminRole
    /// Register another admin key before revoking the last one.
    case registerAnotherAdmin
    /// Ask the key's holder for a new registration request.
    case newKeyRequest
    /// How an admin registers another admin key: a request, registered signed by an admin.
    case adminRegistersAdmin
    /// How a key's holder proves possession: a request, registered in its place.
    case proveKeyPossession
    /// Where a key request comes from (the command that writes one), inside a description of its format.
    case keyRequestFormat
    /// Give the ledger an admin key (for an audit that requires signatures).
    case giveAdminKey

    // Imports.
    /// The file is one JSON document: how to import JSON Lines instead.
    case importJSONLines
    /// The file may be JSON Lines rather than CSV.
    case mayBeJSONLines
}
