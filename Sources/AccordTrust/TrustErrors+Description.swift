// Plain sentences for the trust errors, so that a message that quotes one
// says what is wrong instead of naming a Swift enum case.

extension SignedNoteError: CustomStringConvertible {
    /// What went wrong, in one sentence.
    public var description: String {
        switch self {
        case .invalidText: "the text is empty, does not end in a newline, or holds a control character"
        case .invalidUTF8: "it is not valid UTF-8"
        case .controlCharacter: "it holds a control character other than a newline"
        case .missingSignatureBlock: "no blank line is followed by signature lines"
        case .malformedSignatureLine: "a signature line is not '— name base64'"
        case .tooManySignatures: "it carries more signatures than a note may"
        case .noSigningKeys: "no key was given to sign it with"
        case .duplicateSigner(let name, let keyID): "the key \(name)+\(NoteKeyText.hex(keyID)) is given twice"
        case .ambiguousKey(let name, let keyID): "two different keys are named \(name)+\(NoteKeyText.hex(keyID))"
        case .invalidSignature(let name, let keyID): "the signature by \(name)+\(NoteKeyText.hex(keyID)) does not verify"
        case .noVerifiedSignature(let unknown):
            unknown.isEmpty ? "no signature by a known key" : "no signature by a known key (signed by \(unknown.map(\.name).joined(separator: ", ")))"
        }
    }
}

extension CheckpointError: CustomStringConvertible {
    /// What went wrong, in one sentence.
    public var description: String {
        switch self {
        case .missingFinalNewline: "the text does not end with a newline"
        case .tooFewLines: "it has fewer than the three lines a checkpoint needs (origin, size, root)"
        case .invalidOrigin: "the origin line is empty or holds a control character"
        case .invalidSize: "the size line is not a whole number"
        case .invalidRootHash: "the root line is not the base64 of 32 bytes"
        case .invalidExtensionLine: "an extension line is empty or holds a control character"
        }
    }
}

extension NoteKeyError: CustomStringConvertible {
    /// What went wrong, in one sentence.
    public var description: String {
        switch self {
        case .invalidName: "the key name is empty or holds '+', a space or a control character"
        case .malformed: "it is not name+id+base64 (the id eight lowercase hex digits, the base64 canonical)"
        case .unknownAlgorithm(let byte): "its algorithm byte is \(byte), not 1 (Ed25519)"
        case .wrongKeyLength(let length): "the key is \(length) bytes long, not 32"
        case .keyIDMismatch(let stated, let computed):
            "its id \(NoteKeyText.hex(stated)) is not the one its name and key give (\(NoteKeyText.hex(computed)))"
        }
    }
}

extension MerkleVerificationError: CustomStringConvertible {
    /// What went wrong, in one sentence.
    public var description: String {
        switch self {
        case .indexOutOfRange(let index, let size): "leaf \(index) is not in a tree of \(size)"
        case .oldSizeExceedsNewSize(let old, let new): "the old tree (\(old)) is larger than the new one (\(new))"
        case .proofNotEmpty(let count): "the proof should be empty but holds \(count) hashes"
        case .emptyProof: "the proof is empty"
        case .wrongProofLength(let expected, let actual): "the proof holds \(actual) hashes, not \(expected)"
        case .proofTooLong: "the proof is longer than the path to the root"
        case .proofTooShort: "the proof ends below the root"
        case .rootMismatch: "the root it gives is not the expected root"
        case .oldRootMismatch: "the old root it gives is not the expected old root"
        case .newRootMismatch: "the new root it gives is not the expected new root"
        }
    }
}

extension MerkleProofError: CustomStringConvertible {
    /// What went wrong, in one sentence.
    public var description: String {
        switch self {
        case .indexOutOfRange(let index, let size): "leaf \(index) is not in a tree of \(size)"
        case .oldSizeExceedsNewSize(let old, let new): "the old tree (\(old)) is larger than the new one (\(new))"
        case .sourceReturnedWrongCount(let range, let expected, let actual):
            "reading leaves \(range.lowerBound)..<\(range.upperBound) gave \(actual) hashes, not \(expected)"
        case .rangeTooLarge(let range): "leaves \(range.lowerBound)..<\(range.upperBound) are too many to read at once"
        }
    }
}

extension MerkleFrontierError: CustomStringConvertible {
    /// What went wrong, in one sentence.
    public var description: String {
        switch self {
        case .truncatedHeader: "the stored frontier is shorter than its 8-byte size"
        case .hashCountMismatch(let size, let expected, let actual): "a tree of \(size) needs \(expected) frontier hashes, not \(actual)"
        case .partialHash: "the stored frontier is not a whole number of 32-byte hashes"
        case .full: "the tree is full"
        }
    }
}

/// Key ids as written in key text: eight lowercase hex digits.
enum NoteKeyText {
    static func hex(_ id: UInt32) -> String {
        let digits = String(id, radix: 16)
        return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}
