import Crypto

/// The SHA-256 of an evidence file, fed its bytes as a front end reads them
/// (a file, an upload, a stream): the engine hashes what it is handed and
/// never opens a host path. The result goes in ``EvidenceInput/contentDigest``.
public struct EvidenceDigest {
    private var hasher = SHA256()

    /// A digest of no bytes yet: feed it the evidence's bytes.
    public init() {}

    /// Adds the next bytes.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: bytes)
    }

    /// The digest of everything added (32 bytes).
    public func finalize() -> [UInt8] {
        hasher.finalize().byteArray
    }
}
