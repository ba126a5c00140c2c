import Crypto

/// Verifies a bundle's signatures on other threads, both cores' worth,
/// while the writing thread records the entries (docs/PERFORMANCE.md, "Push").
/// Entries signed by a key this ledger does not know are left to be refused
/// one by one.
final class SignatureVerification {
    /// Each part's first entry whose signature does not verify.
    private let parts: [BackgroundWork<Int?>]

    init(_ entries: [BundleEntry], keys: [[UInt8]: [UInt8]?]) {
        let count = entries.count < 64 ? 1 : 2
        parts = (0..<count).map { part in
            BackgroundWork { () -> Int? in
                var index = part
                while index < entries.count {
                    let entry = entries[index]
                    if let name = entry.signer, let signature = entry.signature, let key = keys[Array(name.utf8)] ?? nil,
                       (try? Curve25519.Signing.PublicKey(rawRepresentation: key))?.isValidSignature(signature, for: entry.claim) != true {
                        return index
                    }
                    index += count
                }
                return nil
            }
        }
    }

    /// Waits for every verification; the first entry whose signature does not verify, if any.
    func firstBad() -> Int? {
        parts.compactMap { $0.value() }.min()
    }
}
