#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure to open or read the input of a ``ByteSource``.
public struct ByteSourceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The system call that failed.
    public enum Operation: String, Sendable {
        /// `open(2)`, `fstat(2)` or `read(2)`.
        case open, stat, read
    }

    /// The path, or `"-"` for standard input.
    public var name: String
    /// What the source was doing.
    public var operation: Operation
    /// The `errno` value.
    public var errorNumber: Int32

    /// Creates an error from a failed system call.
    public init(name: String, operation: Operation, errorNumber: Int32) {
        self.name = name
        self.operation = operation
        self.errorNumber = errorNumber
    }

    /// For example `cannot open batch.csv: No such file or directory`.
    public var description: String {
        let reason = String(cString: strerror(errorNumber))
        switch operation {
        case .open: return "cannot open \(name): \(reason)"
        case .stat, .read: return "cannot read \(name): \(reason)"
        }
    }
}
