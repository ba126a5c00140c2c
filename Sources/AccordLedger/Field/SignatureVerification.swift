import Crypto
import Dispatch
import Synchronization

/// Verifies a bundle's signatures on other threads, both cores' worth,
/// while the writing thread records the entries (docs/PERFORMANCE.md, "Push").
/// Entries signed by a key this ledger does not know are left to be refused
/// one by one.
final class SignatureVerification: Sendable {
    private let bad = Mutex<[Int]>([])
    private let group = DispatchGroup()

    init(_ entries: [BundleEntry], keys: [[UInt8]: [UInt8]?]) {
        let parts = entries.count < 64 ? 1 : 2
        for part in 0..<parts {
            DispatchQueue.global().async(group: group) { [self] in
                var index = part
                while index < entries.count {
                    let entry = entries[index]
                    if let name = entry.signer, let signature = entry.signature, let key = keys[Array(name.utf8)] ?? nil,
                       (try? Curve25519.Signing.PublicKey(rawRepresentation: key))?.isValidSignature(signature, for: entry.claim) != true {
                        self.bad.withLock { $0.append(index) }
                        return
                    }
                    index += parts
                }
            }
        }
    }

    /// Waits for every verification; the first entry whose signature does not verify, if any.
    func firstBad() -> Int? {
        group.wait()
        return bad.withLock { $0.min() }
    }
}
