#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `write(2)` under a name no method shadows, on Glibc and Darwin alike
/// (`Glibc.write` by qualified name builds only on Linux).
@inline(__always)
package func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}

/// Writes all of `bytes` to `descriptor`, retrying short and interrupted writes.
/// - Returns: 0 when every byte was written, else the `errno` of the write that failed.
package func systemWriteAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Int32 {
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeBytes { raw -> Int in
            guard let base = raw.baseAddress else { return 0 }
            return systemWrite(descriptor, base + offset, raw.count - offset)
        }
        if written < 0 {
            if errno == EINTR { continue }
            return errno
        }
        offset += written
    }
    return 0
}
