#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `close(2)` under a name no method shadows, on Glibc and Darwin alike.
func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}
