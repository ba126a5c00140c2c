@testable import AccordLedger
import AccordStorage
import AccordTrust
import Crypto
import Testing

@Suite("Journal")
struct JournalTests {
    /// A ledger with an entry of every kind the core writes.
    func populated() throws -> LedgerFixture {
        let f = try LedgerFixture()
        try f.quantity("UA-release", party: "UA", target: "1000", due: "2025-05-25")
        try f.quantity("RU-release", party: "RU", target: "1000", due: "2025-05-25", reciprocal: "UA-release")
        try f.action("texts", due: "2025-06-02")
        try f.action("summit", due: "2025-06-30", dependsOn: ["texts"])
        try f.restraint("no-strikes", party: "RU", from: "2025-05-16", until: "2025-06-30")
        try f.guarantee("G", guarantor: "US", covers: ["no-strikes"])
        var input = VerificationInput(commitment: "UA-release", observed: "2025-05-23T14:00:00+03:00",
                                      source: SourceInput(name: "ICRC", kind: "monitor", confidence: "confirmed"))
        input.quantity = "390"
        input.externalID = "v1"
        input.evidence = EvidenceInput(sha256: String(repeating: "AB", count: 32), uri: "https://example.org/x")
        input.note = "Line one\nline two"
        input.location = LocationInput(place: "Border", lat: "51.5", lon: "-0.1276", precision: "near")
        _ = try f.ledger.log(input, as: f.recorder)
        try f.corroborate("v1", source: "UA HQ")
        try f.breach("no-strikes", by: "RU", on: "2025-06-01", id: "b1")
        try f.invoke("G", on: "2025-06-03")
        try f.withdraw("texts", on: "2025-06-04")
        return f
    }

    @Test("seq runs 1, 2, 3 … with no gap")
    func contiguous() throws {
        let f = try populated()
        let seqs = try f.journal().map(\.0)
        #expect(seqs.count >= 15)
        #expect(seqs == Array(1...Int64(seqs.count)))
    }

    @Test("every entry decodes and re-encodes to the same bytes; the readable columns and the view agree")
    func roundTrip() throws {
        let f = try populated()
        var kinds: Set<EntryKind> = []
        try f.ledger.database.forEach("""
            SELECT j.seq, j.kind_code, v.recorded_at, v.actor, j.entry, j.signer
            FROM journal j JOIN journal_entries v ON v.seq = j.seq ORDER BY j.seq
            """) { row in
            let bytes = row.blob(4)
            let entry = try Entry.decode(bytes)
            #expect(entry.encoded() == bytes, "entry \(row.int64(0))")
            #expect(entry.seq == row.int64(0))
            #expect(Int64(entry.kind.code) == row.int64(1))
            #expect(entry.recordedAt.iso8601 == row.text(2))
            #expect(Entry.recordedAt(in: bytes) == entry.recordedAt)
            #expect(entry.actor == row.text(3))
            #expect(Entry.actorBytes(in: bytes).map(Array.init) == Array(entry.actor.utf8))
            #expect(entry.actor == "tester")
            #expect(entry.signer == nil && row.isNull(5))
            kinds.insert(entry.kind)
        }
        #expect(kinds == [.ledgerCreate, .partyAdd, .agreementAdd, .commitmentAdd, .guaranteeAdd, .verification,
                          .corroboration, .breach, .guaranteeInvoke, .commitmentWithdraw])
    }

    @Test("each entry names the previous leaf hash, SHA-256(0x00 ‖ entry), which the journal does not store")
    func hashChain() throws {
        let f = try populated()
        var previous: [UInt8]?
        var columns: [String] = []
        try f.ledger.database.forEach("SELECT name FROM pragma_table_info('journal')") { columns.append($0.text(0)) }
        #expect(columns == ["seq", "kind_code", "signer", "entry", "signature"])
        let count = try #require(try f.ledger.database.scalarInt("SELECT count(*) FROM journal"))
        // The hashes roots and proofs are built from, computed from the entries.
        let computed = try JournalHashSource(db: f.ledger.database).leafHashes(0..<UInt64(count))
        try f.ledger.database.forEach("SELECT seq, entry FROM journal ORDER BY seq") { row in
            let bytes = row.blob(1)
            let leaf = Array(SHA256.hash(data: [0x00] + bytes))
            #expect(computed[Int(row.int64(0)) - 1].bytes == leaf, "entry \(row.int64(0))")
            let entry = try Entry.decode(bytes)
            #expect(entry.previousHash?.bytes == previous, "entry \(row.int64(0))")
            previous = leaf
        }
        #expect(previous != nil)
    }

    @Test("recording times are UTC and never go backwards; observed times keep their zone")
    func recordedTimes() throws {
        let f = try populated()
        var last = ""
        try f.ledger.database.forEach("SELECT recorded_at FROM journal_entries ORDER BY seq") { row in
            let text = row.text(0)
            #expect(text.count == 24 && text.hasSuffix("Z"))
            #expect(text >= last)
            last = text
        }
        let observed = try f.ledger.database.scalarText("SELECT observed_at FROM verifications WHERE external_id = 'v1'")
        #expect(observed == "2025-05-23T14:00:00+03:00")
    }

    @Test("a state as of a time is that of the last entry recorded by then: the binary search over the entries' own times gives what a scan gives")
    func asOfTimeSearch() throws {
        let dir = try TemporaryDirectory()
        let database = try Database(path: dir.path("t.sqlite"), mode: .create, configuration: Ledger.configuration)
        try Ledger.migrator.migrate(database, now: { "2025-06-01T00:00:00.000Z" })
        // Times that never decrease, with runs of equal times (one write's entries share its time), one before 1970.
        var random = SystemRandomNumberGenerator()
        var times: [Int64] = [-5]
        for _ in 1..<300 { times.append(times.last! + (Bool.random(using: &random) ? 0 : Int64.random(in: 1...3, using: &random))) }
        var previous: Hash32?
        for (index, ms) in times.enumerated() {
            let entry = Entry(seq: Int64(index + 1), recordedAt: Timestamp(milliseconds: ms), clock: .overridden, actor: "t",
                              previousHash: previous, signer: nil,
                              payload: .ledgerCreate(LedgerCreated(ledgerID: "00000000-0000-4000-8000-000000000000")),
                              version: index % 3 == 0 ? 1 : 2)
            let bytes = entry.encoded()
            previous = Merkle.leafHash(bytes)
            _ = try database.run("INSERT INTO journal (seq, kind_code, entry) VALUES (?, 1, ?)", entry.seq, bytes)
        }
        for head in [1, 2, 3, 7, 64, 299, 300] {
            for limit in Set(times.prefix(head).flatMap { [$0 - 1, $0, $0 + 1] }) {
                let scanned = times.prefix(head).lastIndex { $0 <= limit }.map { Int64($0 + 1) }
                let searched = try LedgerView.lastEntry(recordedBy: Timestamp(milliseconds: limit), head: Int64(head), db: database)
                #expect(searched == scanned, "head \(head), limit \(limit)")
            }
        }
    }

    static let tampering = [
        "UPDATE journal SET signer = 'mallory' WHERE seq = 2",
        "UPDATE journal SET entry = entry WHERE seq = 1",
        "UPDATE journal SET seq = seq + 100 WHERE seq = (SELECT max(seq) FROM journal)",
        "DELETE FROM journal WHERE seq = (SELECT max(seq) FROM journal)",
        "DELETE FROM journal",
        "INSERT INTO journal (seq, kind_code, entry) VALUES (1000, 8, x'00')",
        "UPDATE verifications SET quantity = 1000",
        "UPDATE breaches SET severity = 1",
    ]

    @Test("triggers refuse changes to the journal and to recorded evidence", arguments: tampering)
    func appendOnly(sql: String) throws {
        let f = try populated()
        let before = try f.contents()
        #expect(throws: StorageError.self) { try f.ledger.database.execute(sql) }
        #expect(try f.contents() == before)
    }

    @Test("text is stored in NFC whatever form it was typed in")
    func nfc() throws {
        let f = try LedgerFixture()
        let nfd = "Agence France-Pre\u{301}sse"          // e + COMBINING ACUTE ACCENT
        let nfc = "Agence France-Pr\u{e9}sse"
        try f.party("FR", name: "Re\u{301}publique franc\u{327}aise")
        try f.quantity("C", target: "10", unit: "pe\u{301}niches", due: "2025-06-30")
        var input = VerificationInput(commitment: "C", observed: "2025-05-20", source: SourceInput(name: nfd))
        input.quantity = "3"
        input.note = "De\u{301}ja\u{300} vu"
        input.location = LocationInput(place: "Orle\u{301}ans")
        input.externalID = "fiche-e\u{301}"
        _ = try f.ledger.log(input, as: f.recorder)

        let rows = try f.journal()
        let all = rows.flatMap(\.1)
        #expect(!contains(all, [0x65, 0xcc, 0x81]), "an NFD é reached the journal")
        #expect(!contains(all, [0x63, 0xcc, 0xa7]), "an NFD ç reached the journal")
        let entry = try Entry.decode(try #require(rows.last).1)
        guard case .verification(let verification) = entry.payload else {
            Issue.record("the last entry is not the verification")
            return
        }
        // Swift's == is canonical equivalence, so compare the bytes.
        #expect(Array(verification.source.name.utf8) == Array(nfc.utf8))
        #expect(Array((verification.note ?? "").utf8) == Array("D\u{e9}j\u{e0} vu".utf8))
        #expect(Array((verification.location.place ?? "").utf8) == Array("Orl\u{e9}ans".utf8))
        #expect(Array((verification.externalID ?? "").utf8) == Array("fiche-\u{e9}".utf8))
        let stored = try #require(try f.ledger.database.scalarText("SELECT source FROM verifications"))
        #expect(Array(stored.utf8) == Array(nfc.utf8))
        let unit = try #require(try f.ledger.database.scalarText("SELECT unit FROM commitments WHERE id = 'C'"))
        #expect(Array(unit.utf8) == Array("p\u{e9}niches".utf8))

        // A retry typed in the other form is the same content, not a conflict.
        input.source = SourceInput(name: nfc)
        input.note = "D\u{e9}j\u{e0} vu"
        #expect(try f.ledger.log(input, as: f.recorder).outcome == .alreadyPresent(seq: try #require(rows.last).0))
    }

    @Test("an actor given to the library in NFD is stored in NFC, and the entry still decodes")
    func actorNFC() throws {
        let dir = try TemporaryDirectory()
        let recorder = Recorder(actor: "Jose\u{301}")
        let ledger = try Ledger.create(at: dir.path("l.sqlite"), as: recorder).ledger
        _ = try ledger.addParty(PartyInput(id: "P", name: "P"), as: recorder)
        try ledger.database.forEach("SELECT j.entry, v.actor FROM journal j JOIN journal_entries v ON v.seq = j.seq") { row in
            let entry = try Entry.decode(row.blob(0))
            #expect(Array(entry.actor.utf8) == Array("Jos\u{e9}".utf8))
            #expect(Array(row.text(1).utf8) == Array("Jos\u{e9}".utf8))
        }
        #expect(try ledger.report(ReportOptions(at: Moment(date: CivilDate(year: 2025, month: 6, day: 1)))).ledger.seq == 2)
    }

    @Test("an actor that is not one line of text is refused", arguments: ["", "   ", "two\nlines"])
    func badActor(actor: String) throws {
        let dir = try TemporaryDirectory()
        let error = ledgerError { _ = try Ledger.create(at: dir.path("l.sqlite"), as: Recorder(actor: actor)) }
        #expect(error?.code == .badInput)
        #expect(error?.message.contains("actor") == true)
    }

    private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { Array(haystack[$0..<($0 + needle.count)]) == needle }
    }
}
