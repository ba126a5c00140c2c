import Foundation
import Testing

@Suite("accord import")
struct ImportCLITests {
    static let header = "id,commitment,quantity,outcome,observed,source,source_kind,confidence,note"

    @Test("rows are imported; the summary counts them; a second import adds nothing")
    func importsAndIsIdempotent() throws {
        let world = try ImportWorld()
        try world.write("batch.csv", """
            \(Self.header)
            v1,UA-release,390,,2025-05-23,ICRC,monitor,confirmed,
            v2,UA-release,307,,2025-05-24,ICRC,monitor,,
            v3,texts-final,,done,2025-06-01,Wire,media,probable,

            """)
        let first = try world.importing("batch.csv")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("3 added, 0 already present, 0 rejected"), "\(first.stderr)")
        #expect(first.stdout.isEmpty)
        let state = try world.state()
        let second = try world.importing("batch.csv")
        #expect(second.status == 0)
        #expect(second.stderr.contains("0 added, 3 already present, 0 rejected"), "\(second.stderr)")
        #expect(try world.state() == state)
        #expect(try world.rates()["UA-release"] == 0.697)
    }

    @Test("legal CSV corners: quotes, doubled quotes, embedded commas and line breaks, CRLF, BOM, any column order")
    func csvCorners() throws {
        let world = try ImportWorld()
        // Columns in an unusual order, a BOM, CRLF line ends, and quoted fields.
        let rows = [
            "note,source,observed,quantity,commitment,id",
            "\"Counted at the border, by bus\",ICRC,2025-05-23,10,UA-release,q1",
            "\"She said \"\"all released\"\"\",\"Red Cross, Geneva\",2025-05-23,20,UA-release,q2",
            "\"line one\r\nline two\nline three\",ICRC,2025-05-24,30,UA-release,q3",
            "plain,ICRC,2025-05-24,40,UA-release,\"q4\"",
        ]
        var data = Data([0xEF, 0xBB, 0xBF])
        data.append(Data((rows.joined(separator: "\r\n") + "\r\n").utf8))
        try world.write("corners.csv", data)
        let outcome = try world.importing("corners.csv")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("4 added"))
        #expect(try world.query("SELECT note FROM verifications WHERE external_id = 'q1'") == "Counted at the border, by bus")
        #expect(try world.query("SELECT note FROM verifications WHERE external_id = 'q2'") == "She said \"all released\"")
        #expect(try world.query("SELECT source FROM verifications WHERE external_id = 'q2'") == "Red Cross, Geneva")
        // A note keeps its line breaks (CRLF stored as LF, as `accord log` does).
        #expect(try world.query("SELECT hex(note) FROM verifications WHERE external_id = 'q3'")
                == Data("line one\nline two\nline three".utf8).map { String(format: "%02X", $0) }.joined())
        #expect(try world.query("SELECT sum(quantity) FROM verifications") == "100")
    }

    @Test("bad rows are listed as FILE:LINE: column: problem; nothing is written; exit 65",
          arguments: [
            ("observed", "v1,UA-release,5,,2025-13-01,ICRC,,,", "bad.csv:3: observed: '2025-13-01' is not a valid date"),
            ("future", "v1,UA-release,5,,2030-01-01,ICRC,,,", "bad.csv:3: observed 2030-01-01 is in the future"),
            ("quantity", "v1,UA-release,-5,,2025-05-23,ICRC,,,", "bad.csv:3: quantity '-5' is negative"),
            ("commitment", "v1,nope,5,,2025-05-23,ICRC,,,", "bad.csv:3: commitment: no commitment 'nope'"),
            ("confidence", "v1,UA-release,5,,2025-05-23,ICRC,,sure,", "bad.csv:3: confidence: 'sure' is not a confidence level"),
            ("source_kind", "v1,UA-release,5,,2025-05-23,ICRC,blog,,", "bad.csv:3: source_kind: 'blog' is not a source kind"),
            ("source", "v1,UA-release,5,,2025-05-23,,,,", "bad.csv:3: source is empty"),
            ("measure", "v1,UA-release,,,2025-05-23,ICRC,,,", "bad.csv:3: quantity is empty"),
            ("both", "v1,UA-release,5,done,2025-05-23,ICRC,,,", "bad.csv:3: outcome: give a quantity or an outcome, not both"),
            ("outcome", "v1,texts-final,,maybe,2025-05-23,ICRC,,,", "bad.csv:3: outcome: 'maybe' is not an outcome"),
            ("kind", "v1,texts-final,5,,2025-05-23,ICRC,,,", "bad.csv:3: commitment texts-final is an action"),
            ("fields", "v1,UA-release,5", "bad.csv:3: the row has 3 fields but the header has 9"),
            ("invisible", "v1,UA-release,5,,2025-05-23,I\u{200B}CRC,,,",
             "bad.csv:3: source contains the invisible character U+200B (zero width space); remove it"),
            ("bidi", "v\u{202E}1,UA-release,5,,2025-05-23,ICRC,,,",
             "bad.csv:3: id contains the bidirectional control character U+202E (right-to-left override); remove it"),
          ])
    func badRow(name: String, row: String, message: String) throws {
        let world = try ImportWorld()
        try world.write("bad.csv", "\(Self.header)\nok1,UA-release,1,,2025-05-23,ICRC,,,\n\(row)\nok2,UA-release,2,,2025-05-23,ICRC,,,\n")
        let before = try world.state()
        let outcome = try world.importing("bad.csv")
        #expect(outcome.status == 65, "\(name): \(outcome.stderr)")
        #expect(outcome.stderr.contains(message), "\(name): \(outcome.stderr)")
        #expect(outcome.stderr.contains("Error: 1 of 3 rows is bad; nothing was imported"), "\(outcome.stderr)")
        #expect(try world.state() == before, "\(name)")
    }

    @Test("a value in a column that does not apply to the row's kind is an error naming the column")
    func inapplicableColumn() throws {
        let world = try ImportWorld()
        try world.write("mixed.csv", """
            kind,id,commitment,quantity,observed,source,severity,party
            ,v1,UA-release,5,2025-05-23,ICRC,major,
            breach,b1,RU-no-strikes,7,2025-05-23,ICRC,major,RU

            """)
        let outcome = try world.importing("mixed.csv")
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("mixed.csv:2: severity: does not apply to a verification row; leave it empty"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("mixed.csv:3: quantity: does not apply to a breach row"), "\(outcome.stderr)")
    }

    @Test("file-level problems: empty, header only, unknown or missing columns, UTF-16, a .json file")
    func fileProblems() throws {
        let world = try ImportWorld()
        let before = try world.state()
        try world.write("empty.csv", "")
        var outcome = try world.importing("empty.csv")
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("empty.csv: the file is empty: no header row"), "\(outcome.stderr)")

        try world.write("header.csv", "\(Self.header)\n")
        outcome = try world.importing("header.csv")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("header.csv: nothing to import"), "\(outcome.stderr)")

        try world.write("unknown.csv", "id,commitment,quantity,observed,source,colour,size\n")
        outcome = try world.importing("unknown.csv")
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("unknown.csv:1: unknown columns 'colour', 'size'"), "\(outcome.stderr)")

        try world.write("missing.csv", "id,commitment,quantity,source\nv1,UA-release,5,ICRC\n")
        outcome = try world.importing("missing.csv")
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("missing.csv:1: missing column observed"), "\(outcome.stderr)")

        try world.write("twice.csv", "id,commitment,quantity,observed,source,source\n")
        outcome = try world.importing("twice.csv")
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("twice.csv:1: the column source appears twice"), "\(outcome.stderr)")

        var utf16 = Data([0xFF, 0xFE])
        utf16.append(Data("i\0d\0".utf8))
        try world.write("utf16.csv", utf16)
        outcome = try world.importing("utf16.csv")
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("UTF-16"), "\(outcome.stderr)")

        try world.write("doc.json", "[]")
        outcome = try world.importing("doc.json")
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("JSON Lines"), "\(outcome.stderr)")

        outcome = try world.importing("no-such-file.csv")
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("cannot open no-such-file.csv"), "\(outcome.stderr)")
        #expect(try world.state() == before)
    }

    @Test("reader errors: invalid UTF-8, a 10 MB field, a quote left open; each names its line")
    func readerErrors() throws {
        let world = try ImportWorld()
        let before = try world.state()
        var latin1 = Data("\(Self.header)\nv1,UA-release,5,,2025-05-23,ICRC,,,\nv2,UA-release,5,,2025-05-23,Caf".utf8)
        latin1.append(0xE9)
        latin1.append(Data(",,,\n".utf8))
        try world.write("latin1.csv", latin1)
        var outcome = try world.importing("latin1.csv")
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("latin1.csv:3: source: invalid UTF-8"), "\(outcome.stderr)")

        let huge = String(repeating: "x", count: 10_000_000)
        try world.write("huge.csv", "\(Self.header)\nv1,UA-release,5,,2025-05-23,ICRC,,,\"\(huge)\"\nv2,UA-release,5,,2025-05-23,ICRC,,,\n")
        outcome = try world.importing("huge.csv")
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("huge.csv:2: note: "), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("longer than"), "\(outcome.stderr)")
        #expect(outcome.stderr.count < 2_000)

        try world.write("open.csv", "\(Self.header)\nv1,UA-release,5,,2025-05-23,ICRC,,,\nv2,UA-release,5,,2025-05-23,ICRC,,,\"never closed\nv3,UA-release,5,,2025-05-23,ICRC,,,\n")
        outcome = try world.importing("open.csv")
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("open.csv:3: "), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("never closed"), "\(outcome.stderr)")
        #expect(try world.state() == before)
    }

    @Test("an unknown commitment on line 90,000 is reported with that line, after quoted line breaks")
    func deepLine() throws {
        let world = try ImportWorld()
        var text = "\(Self.header)\n"
        var line = 2
        var row = 0
        // Notes with 99 line breaks each carry the file to line 90,000 in 900 rows.
        let note = "\"" + Array(repeating: "n", count: 100).joined(separator: "\n") + "\""
        while line + 100 <= 90_000 {
            row += 1
            text += "r\(row),UA-release,1,,2025-05-23,ICRC,,,\(note)\n"
            line += 100
        }
        text += String(repeating: "\n", count: 90_000 - line)
        text += "bad,nope,1,,2025-05-23,ICRC,,,\n"
        try world.write("deep.csv", text)
        let before = try world.state()
        let outcome = try world.importing("deep.csv")
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("deep.csv:90000: commitment: no commitment 'nope'"), "\(outcome.stderr)")
        #expect(try world.state() == before)
    }

    @Test("--keep-going writes the good rows and the rejects as they were read, reasons beside them, exit 65; the fixed rejects import")
    func keepGoing() throws {
        let world = try ImportWorld()
        let rows = [
            "v1,UA-release,10,,2025-05-23,ICRC,,,\"a, b\"\n",
            "v2,UA-release,x,,2025-05-23,ICRC,,,\n",
            "v3,UA-release,30,,2025-05-23,ICRC,,,\n",
            "v4,nope,40,,2025-05-23,ICRC,,,\"two\r\nlines\"\n",
            "v5,UA-release,50,,2025-05-23,ICRC,,,,surplus\n",
        ]
        try world.write("batch.csv", "\(Self.header)\n" + rows.joined())
        let outcome = try world.importing("batch.csv", "--keep-going", "--rejects", "rejects.csv")
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("batch.csv:3: quantity 'x' is not a whole number"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("batch.csv:5: commitment: no commitment 'nope'"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("batch.csv:7: the row has 10 fields but the header has 9"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("2 added, 0 already present, 3 rejected"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("Rejected records written to rejects.csv as they were read, the reasons to rejects.csv.errors."),
                "\(outcome.stderr)")
        #expect(try world.query("SELECT group_concat(external_id) FROM verifications") == "v1,v3")
        // Byte for byte: the header, then each rejected record with its quotes, its line break and its extra field.
        let rejects = try world.read("rejects.csv")
        #expect(rejects == "\(Self.header)\n" + rows[1] + rows[3] + rows[4])
        // One line per reject: where it is now (FILE:LINE), where it was read, and why.
        let errors = try world.read("rejects.csv.errors").split(separator: "\n").map(String.init)
        #expect(errors == [
            "rejects.csv:2: batch.csv line 3: quantity 'x' is not a whole number",
            "rejects.csv:3: batch.csv line 5: commitment: no commitment 'nope'; list them with `accord commitment list`",
            "rejects.csv:5: batch.csv line 7: the row has 10 fields but the header has 9; quote fields that hold ','",
        ], "\(errors)")
        // Fix the rows in place and import the rejects file with the same command.
        try world.write("rejects.csv", rejects.replacingOccurrences(of: ",x,", with: ",20,").replacingOccurrences(of: "nope", with: "UA-release")
                            .replacingOccurrences(of: ",,surplus", with: ",surplus"))
        let again = try world.importing("rejects.csv", "--keep-going", "--rejects", "rejects-2.csv")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("3 added, 0 already present, 0 rejected"), "\(again.stderr)")
        #expect(try world.query("SELECT sum(quantity) FROM verifications") == "150")
        #expect(try world.query("SELECT note FROM verifications WHERE external_id = 'v4'") == "two\nlines")
    }

    @Test("--rejects needs --keep-going; atomic mode lists at most 50 bad rows then a count")
    func cap() throws {
        let world = try ImportWorld()
        #expect(try world.importing("x.csv", "--rejects", "r.csv").status == 64)
        var text = "\(Self.header)\n"
        for index in 1...60 { text += "v\(index),nope,1,,2025-05-23,ICRC,,,\n" }
        try world.write("many.csv", text)
        let outcome = try world.importing("many.csv")
        #expect(outcome.status == 65)
        let listed = outcome.stderr.split(separator: "\n").filter { $0.hasPrefix("many.csv:") }
        #expect(listed.count == 50)
        #expect(outcome.stderr.contains("… and 10 more bad rows"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("Error: 60 of 60 rows are bad"))
    }

    @Test("--dry-run checks and reports without writing")
    func dryRun() throws {
        let world = try ImportWorld()
        try world.write("batch.csv", "\(Self.header)\nv1,UA-release,10,,2025-05-23,ICRC,,,\nv2,UA-release,20,,2025-05-23,ICRC,,,\n")
        let before = try world.state()
        let outcome = try world.importing("batch.csv", "--dry-run")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("Dry run: 2 added, 0 already present, 0 rejected; nothing was written."), "\(outcome.stderr)")
        #expect(try world.state() == before)
        try world.write("bad.csv", "\(Self.header)\nv1,UA-release,10,,2025-05-23,ICRC,,,\nv2,nope,20,,2025-05-23,ICRC,,,\n")
        let bad = try world.importing("bad.csv", "--dry-run")
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("bad.csv:3: commitment: no commitment 'nope'"))
        #expect(try world.state() == before)
    }

    @Test("the same id with different content is a bad row")
    func changedContent() throws {
        let world = try ImportWorld()
        try world.write("a.csv", "\(Self.header)\nv1,UA-release,10,,2025-05-23,ICRC,,,\n")
        try world.write("b.csv", "\(Self.header)\nv1,UA-release,11,,2025-05-23,ICRC,,,\n")
        #expect(try world.importing("a.csv").status == 0)
        let outcome = try world.importing("b.csv")
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("b.csv:2: id v1 already exists (entry 12) with other values: quantity 10 → 11; "
                                        + "if the new values are right, record them with `accord correct v1`"), "\(outcome.stderr)")
    }

    @Test("an id given twice in one file with different content cites the earlier line, never an entry not yet written")
    func changedWithinFile() throws {
        let world = try ImportWorld()
        try world.write("twice.csv", "\(Self.header)\nk1,UA-release,35000,,2025-05-23,ICRC,,,\nk2,UA-release,5,,2025-05-23,ICRC,,,\n"
                        + "k1,UA-release,35001,,2025-05-23,Red Cross,,,\n")
        let before = try world.state()
        let outcome = try world.importing("twice.csv")
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains("twice.csv:4: id k1 already exists on line 2 of twice.csv with other values: "
                                        + "quantity 35000 → 35001, source ICRC → 'Red Cross'; keep the row that is right"), "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("entry"), "\(outcome.stderr)")
        #expect(try world.state() == before)
        // With --keep-going the first row is written and the second rejected, still citing the line.
        let kept = try world.importing("twice.csv", "--keep-going")
        #expect(kept.stderr.contains("twice.csv:4: id k1 already exists on line 2 of twice.csv"), "\(kept.stderr)")
        #expect(try world.query("SELECT quantity FROM verifications WHERE external_id = 'k1'") == "35000")
    }

    @Test("JSON Lines: rows as objects; a line that is not an object is a bad row")
    func jsonLines() throws {
        let world = try ImportWorld()
        try world.write("batch.jsonl", """
            {"id":"j1","commitment":"UA-release","quantity":390,"observed":"2025-05-23","source":"ICRC","note":null}
            {"kind":"breach","id":"j2","commitment":"RU-no-strikes","party":"RU","observed":"2025-06-01","severity":"major","source":"HRMMU","lat":49.9935,"lon":36.2304,"place":"Kharkiv"}
            {"corroborates":"j1","source":"UA HQ","source_kind":"official","id":"j3"}

            """)
        let outcome = try world.importing("batch.jsonl")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("3 added"))
        #expect(try world.query("SELECT lat || ' ' || lon FROM breaches") == "49.9935 36.2304")
        #expect(try world.query("SELECT count(*) FROM corroborations") == "1")

        // A byte order mark, CRLF line ends and a blank line are legal.
        var crlf = Data([0xEF, 0xBB, 0xBF])
        crlf.append(Data("{\"id\":\"k1\",\"commitment\":\"UA-release\",\"quantity\":1,\"observed\":\"2025-05-23\",\"source\":\"ICRC\"}\r\n\r\n".utf8))
        crlf.append(Data("{\"id\":\"k2\",\"commitment\":\"UA-release\",\"quantity\":2,\"observed\":\"2025-05-23\",\"source\":\"ICRC\"}\r\n".utf8))
        try world.write("crlf.jsonl", crlf)
        let windows = try world.importing("crlf.jsonl")
        #expect(windows.status == 0, "\(windows.stderr)")
        #expect(windows.stderr.contains("2 added"))

        try world.write("bad.jsonl", """
            {"id":"j4","commitment":"UA-release","quantity":1,"observed":"2025-05-23","source":"ICRC"}
            [1, 2]
            {"id":"j5","commitment":"UA-release","quantity":1,"observed":"2025-05-23","source":"ICRC","colour":"red"}
            {"id":"j6","commitment":"UA-release","quantity":1,"observed":"2025-05-23","source":"ICRC"
            """)
        let before = try world.state()
        let bad = try world.importing("bad.jsonl")
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("bad.jsonl:2: "), "\(bad.stderr)")
        #expect(bad.stderr.contains("object"), "\(bad.stderr)")
        #expect(bad.stderr.contains("bad.jsonl:3: unknown key 'colour'"), "\(bad.stderr)")
        #expect(bad.stderr.contains("bad.jsonl:4: "), "\(bad.stderr)")
        var latin1 = Data("{\"id\":\"j7\",\"commitment\":\"UA-release\",\"quantity\":1,\"observed\":\"2025-05-23\",\"source\":\"Caf".utf8)
        latin1.append(0xE9)
        latin1.append(Data("\"}\n".utf8))
        try world.write("latin1.jsonl", latin1)
        let invalid = try world.importing("latin1.jsonl")
        #expect(invalid.status == 65)
        #expect(invalid.stderr.contains("latin1.jsonl:1: "), "\(invalid.stderr)")
        #expect(invalid.stderr.contains("UTF-8"), "\(invalid.stderr)")
        #expect(try world.state() == before)
        // --keep-going writes the JSONL lines as they were read, the one that does not parse included.
        let kept = try world.importing("bad.jsonl", "--keep-going", "--rejects", "rejects.jsonl")
        #expect(kept.status == 65)
        let lines = try world.read("bad.jsonl").split(separator: "\n", omittingEmptySubsequences: false)
        #expect(try world.read("rejects.jsonl") == lines[1...3].joined(separator: "\n") + "\n")
        let errors = try world.read("rejects.jsonl.errors").split(separator: "\n")
        #expect(errors.count == 3)
        #expect(errors[1].hasPrefix("rejects.jsonl:2: bad.jsonl line 3: unknown key 'colour'"), "\(errors)")
        #expect(errors[2].hasPrefix("rejects.jsonl:3: bad.jsonl line 4: "), "\(errors)")
        // Fixed in place, the rejects import with the same command.
        try world.write("rejects.jsonl", """
            {"id":"j5b","commitment":"UA-release","quantity":1,"observed":"2025-05-23","source":"ICRC"}
            {"id":"j5","commitment":"UA-release","quantity":1,"observed":"2025-05-23","source":"ICRC","note":"red"}
            {"id":"j6","commitment":"UA-release","quantity":1,"observed":"2025-05-23","source":"ICRC"}

            """)
        let again = try world.importing("rejects.jsonl", "--keep-going", "--rejects", "rejects-2.jsonl")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("3 added, 0 already present, 0 rejected"), "\(again.stderr)")
    }

    @Test("standard input: rows piped in import; nothing on stdin is refused as empty")
    func standardInput() throws {
        let world = try ImportWorld()
        let piped = try world.importing("-", stdin: Data("\(Self.header)\nv1,UA-release,10,,2025-05-23,ICRC,,,\n".utf8))
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(piped.stderr.contains("1 added"))
        let empty = try world.importing("-", stdin: Data())
        #expect(empty.status == 65)
        #expect(empty.stderr.contains("stdin: the file is empty: no header row"), "\(empty.stderr)")
        let jsonl = try world.importing("-", "--format", "jsonl",
                                        stdin: Data("{\"id\":\"v2\",\"commitment\":\"UA-release\",\"quantity\":5,\"observed\":\"2025-05-23\",\"source\":\"ICRC\"}\n".utf8))
        #expect(jsonl.status == 0, "\(jsonl.stderr)")
    }

    @Test("one file defines parties, an agreement, commitments and a guarantee, then logs evidence against them")
    func mixedFile() throws {
        let world = try ImportWorld(structure: false)
        let evidence = """
            kind,id,commitment,party,quantity,outcome,observed,severity,source,source_kind,confidence,corroborates
            verification,e1,UA-release,,390,,2025-05-23,,ICRC,monitor,,
            ,e2,RU-release,,390,,2025-05-23,,ICRC,monitor,,
            corroboration,e3,,,,,,,UA HQ,official,,e1
            ,e4,texts-final,,,done,2025-06-01,,Wire,media,confirmed,
            breach,e5,RU-no-strikes,RU,,,2025-06-01,major,HRMMU,monitor,,

            """
        // The structure file's rows, then the evidence, as one file: mixed kinds need the union of columns.
        var header = structureCSV.split(separator: "\n")[0].split(separator: ",").map(String.init)
        for column in evidence.split(separator: "\n")[0].split(separator: ",").map(String.init) where !header.contains(column) {
            header.append(column)
        }
        func rows(_ csv: String) -> [String] {
            let lines = csv.split(separator: "\n").map(String.init)
            let columns = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return lines.dropFirst().map { line in
                let fields = splitCSV(line)
                return header.map { name in columns.firstIndex(of: name).map { fields[$0] } ?? "" }.map(quote).joined(separator: ",")
            }
        }
        try world.write("all.csv", ([header.joined(separator: ",")] + rows(structureCSV) + rows(evidence)).joined(separator: "\n") + "\n")
        let outcome = try world.importing("all.csv")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("15 added, 0 already present, 0 rejected"), "\(outcome.stderr)")
        let rates = try world.rates()
        #expect(rates["UA-release"] == 0.39)
        #expect(rates["RU-release"] == 0.39)
        #expect(rates["texts-final"] == 1)
        #expect(rates["RU-no-strikes"] == 0)
        #expect(try world.query("SELECT counterpart FROM reciprocals WHERE commitment = 'UA-release'") == "RU-release")
        #expect(try world.query("SELECT depends_on FROM dependencies WHERE commitment = 'RU-summit'") == "texts-final")
        #expect(try world.query("SELECT commitment FROM guarantee_covers") == "RU-no-strikes")
    }

    @Test("structure rows: commitment shapes and their errors name the column")
    func structureErrors() throws {
        let world = try ImportWorld()
        try world.write("c.csv", """
            kind,id,agreement,party,commitment_kind,quantity,unit,due,from,name,party_kind
            commitment,c1,ist,UA,,,,2025-07-01,,,
            commitment,c2,ist,UA,action,5,,2025-07-01,,,
            commitment,c3,ist,UA,quantity,5,,2025-07-01,,,
            commitment,c4,ist,UA,promise,,,2025-07-01,,,
            commitment,c5,nowhere,UA,action,,,2025-07-01,,,
            party,X1,,,,,,,,Someone,alien

            """)
        let outcome = try world.importing("c.csv")
        #expect(outcome.status == 65)
        for expected in ["c.csv:2: commitment_kind is empty", "c.csv:3: quantity: an action has no quantity",
                         "c.csv:4: unit is empty", "c.csv:5: commitment_kind: 'promise' is not a commitment kind",
                         "c.csv:6: commitment c5: no agreement 'nowhere'", "c.csv:7: party_kind: 'alien' is not a party kind"] {
            #expect(outcome.stderr.contains(expected), "\(expected) in \(outcome.stderr)")
        }
    }
}

/// Splits one CSV line of a test fixture (quotes allowed, no line breaks inside).
func splitCSV(_ line: String) -> [String] {
    var fields: [String] = []
    var field = ""
    var quoted = false
    var iterator = Array(line).makeIterator()
    var pending: Character? = nil
    while let character = pending ?? iterator.next() {
        pending = nil
        if quoted {
            if character == "\"" {
                if let next = iterator.next() {
                    if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                } else { quoted = false }
            } else {
                field.append(character)
            }
        } else if character == "\"" {
            quoted = true
        } else if character == "," {
            fields.append(field)
            field = ""
        } else {
            field.append(character)
        }
    }
    fields.append(field)
    return fields
}

/// Quotes a CSV field when needed.
func quote(_ field: String) -> String {
    field.contains(",") || field.contains("\"") || field.contains("\n")
        ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
}
