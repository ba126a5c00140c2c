import AccordCSV
import AccordTrust
import Crypto

/// One entry of a push bundle: a field ledger's entry as its portable claim.
struct BundleEntry: Equatable {
    /// Its seq in the field ledger.
    var seq: Int64
    /// What its signature covers (``Claim``, version 3).
    var claim: [UInt8]
    /// The registered key that signed it, if any.
    var signer: String?
    /// The signature, if signed.
    var signature: [UInt8]?
}

/// A field ledger's checkpoint as a push bundle carries it: the size and
/// root of its journal's Merkle tree when the bundle was written, and a
/// consistency proof to it from each earlier checkpoint of its bundles the
/// mission may hold.
struct FieldCheckpoint: Equatable {
    struct Link: Equatable {
        var size: Int64
        var root: Hash32
        var proof: [Hash32]
    }
    var size: Int64
    var root: Hash32
    var consistency: [Link]

    /// The consistency proof from the tree of `size` leaves with `root`, if the bundle carries one that verifies.
    func link(from size: Int64, root: Hash32) -> Link? {
        consistency.first { $0.size == size && $0.root == root }
    }
}

/// The JSON documents field and mission ledgers exchange (docs/JOURNAL.md §8):
/// a definitions bundle, a push bundle, and receipts.
enum BundleDocument {
    static let definitionsKind = "accord-definitions"
    static let entriesKind = "accord-bundle"
    static let receiptsKind = "accord-receipts"

    /// The SHA-256 a push bundle carries over its ids and entries, in the
    /// canonical encoding: catches any altered byte, signed or not.
    static func digest(field: String, mission: String, entries: [BundleEntry], checkpoint: FieldCheckpoint?) -> [UInt8] {
        var writer = CanonicalWriter()
        writer.string(entriesKind)
        writer.string(field)
        writer.string(mission)
        writer.list(entries) { w, entry in
            w.i64(entry.seq)
            w.u32(UInt32(entry.claim.count))
            w.raw(entry.claim)
            w.optionalString(entry.signer)
            w.optional(entry.signature) { w, signature in
                w.u32(UInt32(signature.count))
                w.raw(signature)
            }
        }
        // Then, when the bundle carries one, the field ledger's checkpoint and its consistency proofs.
        if let checkpoint {
            writer.i64(checkpoint.size)
            writer.raw(checkpoint.root.bytes)
            writer.list(checkpoint.consistency) { w, link in
                w.i64(link.size)
                w.raw(link.root.bytes)
                w.list(link.proof) { w, hash in w.raw(hash.bytes) }
            }
        }
        return SHA256.hash(data: writer.bytes).byteArray
    }

    static func entries(field: String, mission: String, _ entries: [BundleEntry], checkpoint: FieldCheckpoint?) -> [UInt8] {
        let items: [JSON] = entries.map { entry in
            .object([("seq", .int(entry.seq)), ("claim", .string(ByteEncoding.base64(entry.claim))),
                     ("signer", entry.signer.map { .string($0) } ?? .null),
                     ("signature", entry.signature.map { .string(ByteEncoding.base64($0)) } ?? .null)])
        }
        var members: [(String, JSON)] = [
            ("accord", .string(entriesKind)), ("version", .int(1)), ("field", .string(field)), ("mission", .string(mission)),
        ]
        if let checkpoint {
            members.append(("fieldCheckpoint", .object([
                ("size", .int(checkpoint.size)), ("root", .string(checkpoint.root.hex)),
                ("consistency", .array(checkpoint.consistency.map { link in
                    .object([("size", .int(link.size)), ("root", .string(link.root.hex)),
                             ("proof", .array(link.proof.map { .string($0.hex) }))])
                })),
            ])))
        }
        let digest = digest(field: field, mission: mission, entries: entries, checkpoint: checkpoint)
        members += [("entries", .array(items)), ("sha256", .string(hexString(digest)))]
        return Array((JSON.object(members).serialized(pretty: true) + "\n").utf8)
    }
}

/// Reads a bundle or receipts document, saying where (a JSON pointer) what is wrong.
struct DocumentReader {
    let value: JSONDocument
    /// What the document is, for messages ("the bundle").
    let what: String
    /// The JSON pointer of the object or list that holds the value ("" for the document itself).
    private let parent: String
    /// The value's key there, and its index when it is an item of the list at that key; nil for the document.
    private let step: (key: String, index: Int?)?

    /// Where the value is in the document (a JSON pointer, "" for the document itself). Built when asked:
    /// only messages need it, and a receipts document has hundreds of thousands of values.
    var pointer: String {
        guard let step else { return parent }
        return "\(parent)/\(step.key)" + (step.index.map { "/\($0)" } ?? "")
    }

    /// Parses `bytes` as the JSON object of a document of `kind`, version 1.
    init(parsing bytes: [UInt8], kind: String, what: String) throws {
        let value: JSONDocument
        do {
            value = try JSONDocument.parse(bytes)
        } catch {
            throw LedgerError.invalid(nil, "\(what) is not JSON: \(error)")
        }
        self.init(value: value, what: what, parent: "", step: nil)
        guard value.members != nil else { throw refuse("is \(value.kindName), not an object") }
        let found = try string("accord")
        guard found == kind else {
            throw LedgerError.invalid(nil, "\(what) is not a document of this kind: its \"accord\" member is '\(TextRules.printable(found))', "
                                      + "where \(kind) was expected")
        }
        guard try int("version") == 1 else { throw LedgerError.invalid(nil, "\(what): version \(try int("version")) is not known (1 is)") }
    }

    private init(value: JSONDocument, what: String, parent: String, step: (key: String, index: Int?)?) {
        self.value = value
        self.what = what
        self.parent = parent
        self.step = step
    }

    func refuse(_ problem: String, at key: String? = nil) -> LedgerError {
        let at = pointer + (key.map { "/\($0)" } ?? "")
        return LedgerError.invalid(nil, "\(what), at \(at.isEmpty ? "the top" : at): \(problem)")
    }

    func member(_ key: String) throws -> JSONDocument {
        guard let value = value[key] else { throw refuse("the member \"\(key)\" is missing") }
        return value
    }

    func string(_ key: String) throws -> String {
        guard case .string(let text) = try member(key) else { throw refuse("is not a string", at: key) }
        return text
    }

    func optionalString(_ key: String) throws -> String? {
        switch value[key] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw refuse("is not a string or null", at: key)
        }
    }

    /// A boolean member that may be left out (false then).
    func flag(_ key: String) throws -> Bool {
        switch value[key] {
        case nil: return false
        case .bool(let flag)?: return flag
        default: throw refuse("is not true or false", at: key)
        }
    }

    func int(_ key: String) throws -> Int64 {
        guard case .number(let text) = try member(key), let number = Int64(text) else { throw refuse("is not an integer", at: key) }
        return number
    }

    func bytes(_ key: String) throws -> [UInt8] {
        guard let bytes = ByteEncoding.decodeBase64(try string(key)) else { throw refuse("is not base64", at: key) }
        return bytes
    }

    func optionalBytes(_ key: String) throws -> [UInt8]? {
        guard let text = try optionalString(key) else { return nil }
        guard let bytes = ByteEncoding.decodeBase64(text) else { throw refuse("is not base64", at: key) }
        return bytes
    }

    func hash(_ key: String) throws -> Hash32 {
        guard let hash = Hash32(hex: try string(key)) else { throw refuse("is not a 32-byte hash in hex", at: key) }
        return hash
    }

    /// A list of 32-byte hashes in hex.
    func hashes(_ key: String) throws -> [Hash32] {
        guard case .array(let items) = try member(key) else { throw refuse("is not a list", at: key) }
        var hashes: [Hash32] = []
        hashes.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            guard case .string(let hex) = item, let hash = Hash32(hex: hex) else {
                throw DocumentReader(value: item, what: what, parent: pointer, step: (key, index)).refuse("is not a 32-byte hash in hex")
            }
            hashes.append(hash)
        }
        return hashes
    }

    /// The object at `key`, or nil when it is absent or null.
    func optionalObject(_ key: String) throws -> DocumentReader? {
        switch value[key] {
        case nil, .null?: return nil
        case let member?:
            let reader = DocumentReader(value: member, what: what, parent: pointer, step: (key, nil))
            guard member.members != nil else { throw reader.refuse("is not an object") }
            return reader
        }
    }

    func items(_ key: String) throws -> [DocumentReader] {
        guard case .array(let items) = try member(key) else { throw refuse("is not a list", at: key) }
        let pointer = pointer  // the list's, built once; each item's only for a message
        return items.enumerated().map { DocumentReader(value: $1, what: what, parent: pointer, step: (key, $0)) }
    }
}

/// A push bundle as read.
struct EntriesBundle {
    var field: String
    var mission: String
    var entries: [BundleEntry]
    /// Where each entry is in the document (`/entries/3`), for messages.
    var pointers: [String]

    /// Reads a push bundle, refusing it whole when its digest does not match.
    init(parsing bytes: [UInt8]) throws {
        let reader = try DocumentReader(parsing: bytes, kind: BundleDocument.entriesKind, what: "the bundle")
        field = try reader.string("field")
        mission = try reader.string("mission")
        entries = []
        pointers = []
        for item in try reader.items("entries") {
            guard item.value.members != nil else { throw item.refuse("is not an object") }
            let seq = try item.int("seq")
            guard seq >= 1 else { throw item.refuse("is not a seq", at: "seq") }
            let signer = try item.optionalString("signer")
            if let signer {
                // A key name is an ASCII identifier: anything else names no key, whatever it looks like.
                do {
                    try Keys.checkName(signer)
                } catch let error as LedgerError {
                    throw item.refuse("\(error.message); the bundle was refused whole and nothing was recorded", at: "signer")
                }
            }
            entries.append(BundleEntry(seq: seq, claim: try item.bytes("claim"), signer: signer,
                                       signature: try item.optionalBytes("signature")))
            pointers.append(item.pointer)
        }
        if let object = try reader.optionalObject("fieldCheckpoint") {
            let size = try object.int("size")
            guard size >= 1 else { throw object.refuse("is not a tree size", at: "size") }
            checkpoint = FieldCheckpoint(size: size, root: try object.hash("root"), consistency: try object.items("consistency").map { item in
                let linked = try item.int("size")
                guard linked >= 1, linked <= size else { throw item.refuse("is not a size from 1 to \(size)", at: "size") }
                return FieldCheckpoint.Link(size: linked, root: try item.hash("root"), proof: try item.hashes("proof"))
            })
            checkpointPointer = object.pointer
        }
        let digest = try reader.string("sha256")
        self.digest = digest
    }

    /// The field ledger's checkpoint, when the bundle carries one.
    var checkpoint: FieldCheckpoint?
    /// Where it is in the document.
    var checkpointPointer = "/fieldCheckpoint"

    /// The digest the document carries (checked by ``checkDigest()``).
    private var digest: String

    /// - Throws: when the entries are not those the digest was made over.
    func checkDigest() throws {
        guard hexString(BundleDocument.digest(field: field, mission: mission, entries: entries, checkpoint: checkpoint)) == digest else {
            throw LedgerError.invalid(nil, "the bundle's sha256 does not match its entries: it was altered or damaged after it "
                                      + "was written; it was refused whole and nothing was recorded")
        }
    }
}
