/// The line of the input each entry an import appended came from, by its
/// position among the appended entries (0 for the import's first).
///
/// Kept as runs: a run starts at an entry whose line is not the line after
/// the previous entry's, and covers the entries after it while each is on
/// the next line. An ordinary file — one record a line, some rows refused,
/// filtered or already present — is a handful of runs however long it is, so
/// an import's memory stays flat; a file of records that each span several
/// lines takes 8 bytes an entry.
struct AddedLines {
    /// The entry that starts each run, ascending; the first is 0.
    private var starts: [Int32] = []
    /// The line of the entry that starts each run.
    private var lines: [Int32] = []
    /// Entries noted.
    private(set) var count = 0
    /// The line of the last entry noted.
    private var lastLine: Int32 = 0

    /// Notes the next entry's line; false (nothing noted) once there are
    /// more entries or lines than the map can hold.
    mutating func append(line: Int) -> Bool {
        guard count < Int(Int32.max), let line = Int32(exactly: line) else { return false }
        if count == 0 || lastLine == Int32.max || line != lastLine + 1 {
            starts.append(Int32(count))
            lines.append(line)
        }
        lastLine = line
        count += 1
        return true
    }

    /// The line of the entry at `index`, nil if it was not noted.
    func line(at index: Int) -> Int? {
        guard index >= 0, index < count else { return nil }
        // The last run starting at or before the entry.
        var low = 0, high = starts.count
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if Int(starts[middle]) <= index { low = middle } else { high = middle }
        }
        return Int(lines[low]) + (index - Int(starts[low]))
    }
}
