import AccordLedger

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-line progress display on stderr (rows, rows per second, percent of
/// bytes), redrawn at most ten times a second; silent unless stderr is a terminal.
final class ProgressBar {
    let enabled: Bool
    private let label: String
    private let start = ProgressBar.seconds()
    private var lastDraw = 0.0
    private var drawn = false

    init(label: String, quiet: Bool) {
        self.label = label
        enabled = !quiet && isatty(2) == 1
    }

    func update(_ progress: ImportProgress) {
        guard enabled else { return }
        let now = ProgressBar.seconds()
        guard now - lastDraw >= 0.1 else { return }
        lastDraw = now
        let elapsed = max(now - start, 0.001)
        var line = "\r\u{1B}[K\(label)"
        if let total = progress.totalBytes, total > 0 {
            let fraction = min(1, Double(progress.bytesRead) / Double(total))
            let width = 24
            let filled = Int(fraction * Double(width))
            line += " [" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            line += "\(Int(fraction * 100))%"
        }
        line += "  \(ProgressBar.grouped(progress.rows)) rows  \(ProgressBar.grouped(Int(Double(progress.rows) / elapsed))) rows/s"
        write(line)
        drawn = true
    }

    /// Clears the line.
    func finish() {
        guard enabled, drawn else { return }
        write("\r\u{1B}[K")
        drawn = false
    }

    private func write(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { writeDescriptor(2, $0.baseAddress, $0.count) }
    }

    static func seconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// 1234567 → "1,234,567".
    static func grouped(_ value: Int) -> String {
        let digits = String(value)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return out
    }
}

/// `write(2)`, outside the class whose `write(_:)` method would shadow it.
private func writeDescriptor(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
