#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import AccordFiles
import AccordLedger

/// Buffered text output to a file descriptor (stdout by default), to a
/// sink that takes it chunk by chunk (a server's response body), or
/// collected in memory.
public final class TextOutput {
    private let descriptor: Int32?
    /// Takes each chunk of up to 64 KiB (more only when one write is larger).
    private let sink: (([UInt8]) -> Void)?
    private var buffer: [UInt8] = []
    /// Everything written, when collecting.
    public private(set) var collected = ""
    private(set) var failed = false

    /// Whether a UTF-8 byte order mark goes before the first thing written.
    private var pendingByteOrderMark = false

    /// Writes to a file descriptor (1 for stdout); with `byteOrderMark`, the
    /// output starts with a UTF-8 byte order mark once anything is written
    /// (for spreadsheets that otherwise guess another encoding).
    public init(fileDescriptor: Int32 = 1, byteOrderMark: Bool = false) {
        descriptor = fileDescriptor
        sink = nil
        pendingByteOrderMark = byteOrderMark
        buffer.reserveCapacity(1 << 16)
    }

    /// Hands the output to `sink` in chunks of about 64 KiB, as a file
    /// descriptor would be written: the same bytes, cut where the buffer fills
    /// (not on row boundaries), and the rest at ``flush()``.
    public init(sink: @escaping ([UInt8]) -> Void) {
        descriptor = nil
        self.sink = sink
        buffer.reserveCapacity(1 << 16)
    }

    /// Collects the text in ``collected``.
    public init(collecting: Void) {
        descriptor = nil
        sink = nil
    }

    /// Writes `text` (UTF-8): buffered to the file descriptor, or to ``collected``.
    public func write(_ text: String) {
        guard descriptor != nil || sink != nil else {
            collected += text
            return
        }
        if pendingByteOrderMark {
            pendingByteOrderMark = false
            buffer.append(contentsOf: [0xEF, 0xBB, 0xBF])
        }
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Writes UTF-8 bytes.
    public func write(bytes: [UInt8]) {
        guard descriptor != nil || sink != nil else {
            collected += String(decoding: bytes, as: UTF8.self)
            return
        }
        if pendingByteOrderMark {
            pendingByteOrderMark = false
            buffer.append(contentsOf: [0xEF, 0xBB, 0xBF])
        }
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Writes a JSON value and a newline.
    public func line(_ json: JSON, pretty: Bool) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1 << 16)
        json.write(to: &bytes, pretty: pretty)
        bytes.append(10)
        write(bytes: bytes)
    }

    /// Writes `text` and a newline.
    public func line(_ text: String = "") {
        write(text)
        write("\n")
    }

    /// Writes the buffer out. A closed pipe (e.g. `| head`) ends output quietly.
    public func flush() {
        if let sink {
            if !buffer.isEmpty {
                let chunk = buffer
                buffer.removeAll(keepingCapacity: true)
                sink(chunk)
            }
            return
        }
        guard let descriptor, !buffer.isEmpty, !failed else {
            buffer.removeAll(keepingCapacity: true)
            return
        }
        if systemWriteAll(descriptor, buffer) != 0 { failed = true }
        buffer.removeAll(keepingCapacity: true)
    }

    deinit { flush() }
}
