import Crypto

extension Digest {
    /// The digest's bytes, read in place. `Array(digest)` copies them through
    /// the generic sequence path instead (an iterator, and at its first use in
    /// a process the Swift runtime's lookup of a conformance): about 1,900
    /// instructions a digest against about 100, once or more for every entry
    /// written (docs/PERFORMANCE.md).
    var byteArray: [UInt8] {
        withUnsafeBytes { Array($0) }
    }
}
