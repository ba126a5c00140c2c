#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension String {
    /// Whether the string's UTF-8 is exactly `bytes`: a byte comparison, unlike `==`, which
    /// treats canonically equivalent strings (`"é"` and `"e\u{301}"`) as equal.
    @inline(__always)
    func hasUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard utf8.count == bytes.count else { return false }
        guard let other = bytes.baseAddress, !bytes.isEmpty else { return true }
        var copy = self
        return copy.withUTF8 { mine in
            guard let base = mine.baseAddress else { return false }
            return memcmp(base, other, bytes.count) == 0
        }
    }

    /// Whether two strings have exactly the same UTF-8 bytes.
    @inline(__always)
    func hasUTF8(of other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        var copy = other
        return copy.withUTF8 { hasUTF8($0) }
    }
}
