@testable import AccordLedger
import AccordCSV
import AccordFiles
import AccordStorage
import Dispatch
import Foundation
import Synchronization
import Testing

/// An import reads and checks rows on a second thread (``ImportReadAhead``)
/// while the caller's thread writes them: it must still be one all-or-nothing
/// transaction that names bad rows by their lines, in input order, and reads
/// only a bounded distance ahead.
@Suite("Import read-ahead")
struct ImportReadAheadTests {
    static var recorder: Recorder { Recorder(actor: "tester") }

    /// A ledger holding ``ImportTotalsTests/structure``.
    static func ledger(_ dir: TemporaryDirectory, _ name: String) throws -> Ledger {
        try Data(ImportTotalsTests.structure.utf8).write(to: URL(fileURLWithPath: dir.path("structure.csv")))
        let (ledger, _) = try Ledger.create(at: dir.path(name), as: recorder)
        let summary = try ledger.importFile(dir.path("structure.csv"), as: recorder)
        #expect(summary.rejected == 0, "\(summary.issues)")
        return ledger
    }

    /// `count` verification rows of Q1; row `n` is on line `n + 1`.
    static func verifications(count: Int, change: [Int: (commitment: String, day: String)] = [:]) -> [UInt8] {
        var text = "id,commitment,quantity,observed,source,confidence\n"
        text.reserveCapacity(count * 48)
        for row in 1...count {
            let day = 1 + row % 28
            let (commitment, observed) = change[row] ?? ("Q1", "2025-05-\(day < 10 ? "0" : "")\(day)")
            text += "v\(row),\(commitment),1,\(observed),Source \(row % 7),confirmed\n"
        }
        return Array(text.utf8)
    }

    /// What would show that anything was written: entries, records, ids, the head and the tree.
    static func state(_ ledger: Ledger) throws -> [String] {
        var state: [String] = []
        try ledger.database.forEach("""
            SELECT (SELECT count(*) FROM journal), (SELECT hex(entry) FROM journal ORDER BY seq DESC LIMIT 1),
                   (SELECT count(*) FROM verifications), (SELECT count(*) FROM external_ids),
                   (SELECT hex(hashes) FROM merkle_frontier), (SELECT count(*) FROM daily_totals)
            """) { row in state = row.values.map { "\($0)" } }
        return state
    }

    static func options(readsAhead: Bool = true, keepGoing: Bool = false) -> ImportOptions {
        var options = ImportOptions()
        options.format = .csv
        options.readsAhead = readsAhead
        options.keepGoing = keepGoing
        return options
    }

    @Test("bad rows late in a large file are named by their lines, and nothing is written")
    func lateErrors() throws {
        let dir = try TemporaryDirectory()
        let ledger = try Self.ledger(dir, "late.sqlite")
        let before = try Self.state(ledger)
        // Row 50,000 is refused on its own (on the reading thread), row 50,003 by the ledger (an unknown commitment).
        let bytes = Self.verifications(count: 50_005, change: [50_000: ("Q1", "2025-02-30"), 50_003: ("Q9", "2025-05-01")])
        let rejects = CollectedRejects()
        let summary = try ledger.importRows(from: ByteSource(bytes: bytes), name: "late.csv", options: Self.options(),
                                            as: Self.recorder, rejects: rejects)
        #expect(summary.rows == 50_005)
        #expect(summary.rejected == 2)
        #expect(summary.issues.map(\.line) == [50_001, 50_004])
        #expect(summary.issues.first?.message.hasPrefix("observed") == true, "\(summary.issues)")
        #expect(summary.issues.last?.message.contains("Q9") == true, "\(summary.issues)")
        #expect(try Self.state(ledger) == before)
        // The rejects get exactly those records, as read, in order.
        #expect(rejects.lines == [50_001, 50_004])
        #expect(rejects.raw == ["v50000,Q1,1,2025-02-30,Source 6,confirmed\n", "v50003,Q9,1,2025-05-01,Source 2,confirmed\n"])
        #expect(rejects.finished)
    }

    @Test("reading ahead and reading inline give the same summary and the same ledger", arguments: [false, true])
    func sameAsInline(keepGoing: Bool) throws {
        var rows = ImportTotalsTests.rows(count: 1_500, seed: 11)
        // Rows 40 and 700 (lines 42 and 702) are bad; rows that corroborate them are refused too, the same either way.
        rows[40][9] = "certain"                     // not a confidence: refused on its own
        rows[700] = ["verification", rows[700][1], "Q7", "", "3", "", "2025-05-02", "", "UN", "", ""]   // refused by the ledger
        rows.insert(rows[10], at: 900)              // the same id and content: already present
        // The id of row 20 (line 22) with other content: a conflict that cites that line (line 1202).
        rows.insert(["verification", rows[20][1], "Q1", "", "999", "", "2025-05-05", "", "Elsewhere", "", ""], at: 1_200)
        let csv = ([ImportTotalsTests.header] + rows).map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"

        let dir = try TemporaryDirectory()
        var results: [(summary: ImportSummary, state: [String], totals: [String])] = []
        for readsAhead in [false, true] {
            let ledger = try Self.ledger(dir, "ahead-\(readsAhead).sqlite")
            var options = Self.options(readsAhead: readsAhead, keepGoing: keepGoing)
            options.issueLimit = 1_000
            let summary = try ledger.importRows(from: ByteSource(bytes: Array(csv.utf8), chunkSize: 4_096), name: "rows.csv",
                                                options: options, as: Self.recorder)
            var state = try Self.state(ledger)
            state[1] = ""                           // the head's hash covers the recording time
            state[4] = ""
            results.append((summary, state, try ImportTotalsTests.totals(ledger)))
        }
        let (inline, ahead) = (results[0], results[1])
        #expect(ahead.summary.issues == inline.summary.issues)
        let lines = inline.summary.issues.map(\.line)
        #expect(lines.contains(42) && lines.contains(702) && lines.contains(1_202), "\(inline.summary.issues)")
        #expect(inline.summary.issues.first { $0.line == 1_202 }?.message.contains("line 22 of rows.csv") == true,
                "\(inline.summary.issues)")
        let counts: (ImportSummary) -> [Int] = { [$0.rows, $0.added, $0.alreadyPresent, $0.rejected, $0.filtered] }
        #expect(counts(ahead.summary) == counts(inline.summary))
        #expect(inline.summary.alreadyPresent == 1)
        #expect(ahead.summary.firstSeq == inline.summary.firstSeq)
        #expect(ahead.summary.lastSeq == inline.summary.lastSeq)
        #expect(ahead.state == inline.state)
        #expect(ahead.totals == inline.totals)
        #expect((inline.totals.isEmpty) == !keepGoing)
    }

    @Test("the reading thread stays a bounded number of rows ahead, and stops when told")
    func backPressure() throws {
        let count = 200_000
        let bytes = Self.verifications(count: count)
        let reader = ImportReader(source: ByteSource(bytes: bytes), name: "many.csv", format: .csv)
        try reader.start()
        let ahead = ImportReadAhead(reader: reader, preparer: RowPreparer(format: .csv, allowedKinds: nil), threaded: true)
        let first = try #require(try ahead.next())
        guard case .row(let row, .verification) = first.content else {
            Issue.record("the first record is not a prepared verification: \(first.content)")
            return
        }
        #expect(row.line == 2)
        // Time enough to read the whole input, were the thread not held back.
        Thread.sleep(forTimeInterval: 0.5)
        ahead.stop()
        let rowBytes = bytes.count / count
        let bound = (ImportReadAhead.capacity + 3) * ImportReadAhead.batchSize * (rowBytes + 2)
        #expect(reader.bytesConsumed <= bound, "read \(reader.bytesConsumed) bytes of \(bytes.count)")
        #expect(try ahead.next() == nil)
    }

    @Test("a read-ahead of heavy items hands them over by weight: it stays a few batches' weight ahead, in order")
    func aheadByWeight() throws {
        let made = Atomic<Int>(0)
        // Items of 100 "bytes", handed over once a batch weighs 250: three at a time, not 256.
        let ahead = ReadAhead<Int>(batchSize: 256, capacity: 2, weight: { _ in 100 }, batchWeight: 250) {
            let next = made.add(1, ordering: .sequentiallyConsistent).newValue
            return next <= 5_000 ? next : nil
        }
        defer { ahead.stop() }
        var taken = 0
        var furthest = 0
        while let item = try ahead.next() {
            taken += 1
            #expect(item == taken)
            if taken % 50 == 0 { Thread.sleep(forTimeInterval: 0.001) }    // let the producer run ahead as far as it may
            furthest = max(furthest, made.load(ordering: .sequentiallyConsistent) - taken)
        }
        #expect(taken == 5_000)
        // Two batches queued, one being handed out, one being made, and the item the producer waits to put: 3 items each.
        #expect(furthest <= (2 + 2) * 3 + 1, "\(furthest) items ahead")
    }

    @Test("a bounded channel keeps order across threads and wakes a waiting producer when closed")
    func channel() throws {
        let channel = BoundedChannel<Int>(capacity: 3)
        let done = DispatchSemaphore(value: 0)
        DispatchQueue(label: "test.producer").async {
            for value in 0..<1_000 { _ = channel.put(value) }
            done.signal()
        }
        var taken: [Int] = []
        for _ in 0..<1_000 { taken.append(channel.take()) }
        done.wait()
        #expect(taken == Array(0..<1_000))
        #expect(channel.peak <= 3)

        let full = BoundedChannel<Int>(capacity: 1)
        let refused = DispatchSemaphore(value: 0)
        DispatchQueue(label: "test.blocked").async {
            _ = full.put(1)
            if !full.put(2) { refused.signal() }    // waits for room until closed
        }
        Thread.sleep(forTimeInterval: 0.1)
        full.close()
        #expect(refused.wait(timeout: .now() + 10) == .success)
    }
}

/// Keeps what an import rejects, as a front end's rejects file would.
private final class CollectedRejects: ImportRejects {
    var lines: [Int] = []
    var raw: [String] = []
    var finished = false

    func begin(header: [UInt8]?, byteOrderMark: Bool) throws {}

    func reject(raw: [UInt8]?, line: Int, message: String) {
        lines.append(line)
        self.raw.append(raw.map { String(decoding: $0, as: UTF8.self) } ?? "")
    }

    func finish() throws { finished = true }
}
