import AccordCSV
import Testing

@Suite("CSVReader: raw records and delimiter detection")
struct CSVRawRecordTests {
    /// Reads every record and error, collecting the raw bytes after each.
    private static func raws(_ input: [UInt8], options: CSVReader.Options, chunkSize: Int) throws -> [[UInt8]?] {
        try withTemporaryDirectory { directory in
            let reader = try CSVReader(path: try directory.write(input), options: options, chunkSize: chunkSize)
            var raws: [[UInt8]?] = []
            while true {
                do {
                    guard try reader.next() != nil else { return raws }
                } catch let error as CSVError {
                    raws.append(reader.rawRecord)
                    if !error.isRecoverable { return raws }
                    continue
                }
                raws.append(reader.rawRecord)
            }
        }
    }

    static let inputs: [String] = [
        "id,note\r\n1,\"a \"\"quoted\"\" word\"\r\n2,\"line\r\nbreak\"\r\n3,plain\r\n",
        "a,b\n1,2,3,extra\n\"x\ny\",\"z\"\n4,5",
        "a,b\r\r\n\"😀,😀\",\"\r\"\rlast\r",
        "a,b\"c\n\"q\"x,2\n3,\"ok\"\n",
        "1,\"never closed\r\n2,3\r\n",
        "h\n\n\nv\r\n\r\nw",
    ]

    @Test("raw records put back together give the input, whatever the chunk size", arguments: inputs.indices)
    func rawRecordsRebuildTheInput(index: Int) throws {
        let input = Array(Self.inputs[index].utf8)
        let options = CSVReader.Options(skipsBlankLines: false, keepsRawRecords: true)
        for chunkSize in [1, 2, 3, 5, 8, 13, 4096] {
            let raws = try Self.raws(input, options: options, chunkSize: chunkSize)
            #expect(raws.allSatisfy { $0 != nil }, "chunk size \(chunkSize)")
            #expect(raws.compactMap { $0 }.flatMap { $0 } == input, "chunk size \(chunkSize)")
        }
    }

    @Test("a record with a line break inside quotes and an extra field is kept byte for byte")
    func oneRecordVerbatim() throws {
        let input = Array("id,note\n7,\"two\r\nlines\",surplus\n8,ok\n".utf8)
        let options = CSVReader.Options(keepsRawRecords: true)
        for chunkSize in [1, 4, 4096] {
            let raws = try Self.raws(input, options: options, chunkSize: chunkSize)
            #expect(raws.count == 3)
            #expect(raws[1] == Array("7,\"two\r\nlines\",surplus\n".utf8))
        }
    }

    @Test("without the option nothing is kept; a record past the raw limit is not kept")
    func limits() throws {
        let input = Array("a\n\"0123456789\"\nb\n".utf8)
        #expect(try Self.raws(input, options: .csv, chunkSize: 3) == [nil, nil, nil])
        let options = CSVReader.Options(keepsRawRecords: true, maxRawRecordLength: 8)
        for chunkSize in [1, 3, 4096] {
            let raws = try Self.raws(input, options: options, chunkSize: chunkSize)
            #expect(raws == [Array("a\n".utf8), nil, Array("b\n".utf8)], "chunk size \(chunkSize)")
        }
    }

    @Test("the delimiter is detected from the header", arguments: [
        ("id;commitment;quantity\n1;a;2\n", ";"),
        ("id,commitment,quantity\n1,a,2\n", ","),
        ("id\tcommitment\tquantity\n1\ta\t2\n", "\t"),
        ("\"a;b\",c\n1,2\n", ","),                // a semicolon inside quotes does not count
        ("\"x,y\";\"z\";w\n1;2;3\n", ";"),
        ("a,b;c\n", ","),                           // a tie goes to the comma
        ("a;b\tc\n", ";"),                          // then to the semicolon
        ("single\n1\n", ","),                       // one column: the default
        ("\u{FEFF}\"_id\";\"event/quantity\"\r\n\"1\";\"5\"\r\n", ";"),
    ])
    func detection(input: String, expected: String) throws {
        try withTemporaryDirectory { directory in
            let path = try directory.write(Array(input.utf8))
            let reader = try CSVReader(path: path, options: CSVReader.Options(detectsDelimiter: true))
            let header = try reader.next()
            #expect(reader.delimiter == UInt8(ascii: Unicode.Scalar(expected)!))
            #expect(header != nil)
        }
    }

    @Test("a Kobo export (semicolons, every field quoted, BOM) reads with the detected delimiter")
    func koboLayout() throws {
        let input = "\u{FEFF}\"_uuid\";\"event/quantity\";\"event/note\"\r\n\"4f1c\";\"35\";\"a; b\"\r\n"
        try withTemporaryDirectory { directory in
            let reader = try CSVReader(path: try directory.write(Array(input.utf8)), options: CSVReader.Options(detectsDelimiter: true))
            #expect(try reader.next()?.fields == ["_uuid", "event/quantity", "event/note"])
            #expect(try reader.next()?.fields == ["4f1c", "35", "a; b"])
            #expect(reader.hadByteOrderMark)
        }
    }
}

@Suite("JSONLReader: raw lines; JSONDocument")
struct JSONRawAndDocumentTests {
    @Test("the raw line is kept for good and bad lines, CR included, BOM not")
    func rawLines() throws {
        let input = Array("\u{FEFF}{\"a\":1}\r\n{\"a\":\n\n{\"b\":\"x\"}".utf8)
        try withTemporaryDirectory { directory in
            let reader = try JSONLReader(path: try directory.write(input), options: .init(keepsRawLines: true), chunkSize: 3)
            _ = try reader.next()
            #expect(reader.rawLine == Array("{\"a\":1}\r".utf8))
            #expect(throws: JSONLError.self) { try reader.next() }
            #expect(reader.rawLine == Array("{\"a\":".utf8))
            _ = try reader.next()
            #expect(reader.rawLine == Array("{\"b\":\"x\"}".utf8))
        }
    }

    @Test("a document object of many members: duplicates found past the linear search, without quadratic time")
    func documentManyMembers() throws {
        let keys = (0..<40).map { "\"k\($0)\":\($0)" }
        #expect(try JSONDocument.parse(Array(("{" + keys.joined(separator: ",") + "}").utf8))["k39"] == .number("39"))
        for repeated in ["\"k3\":0", "\"k39\":0"] {
            #expect(throws: JSONLError.self) { try JSONDocument.parse(Array(("{" + (keys + [repeated]).joined(separator: ",") + "}").utf8)) }
        }
        // Canonically equivalent keys are one key here, past 16 members as before them.
        let accents = (keys + ["\"\u{E9}\":1", "\"e\u{301}\":2"]).joined(separator: ",")
        #expect(throws: JSONLError.self) { try JSONDocument.parse(Array(("{" + accents + "}").utf8)) }
        // 200,000 members: a linear search per key would take minutes.
        let many = "{" + (0..<200_000).map { "\"m\($0)\":0" }.joined(separator: ",") + "}"
        #expect(try JSONDocument.parse(Array(many.utf8))["m199999"] == .number("0"))
    }

    @Test("a nested document parses; problems name their line and column")
    func document() throws {
        let text = "{\n  \"columns\": {\"id\": \"_uuid\"},\n  \"where\": {\"t\": [\"a\", \"b\"]},\n  \"n\": 1.5, \"x\": null, \"y\": true\n}\n"
        let document = try JSONDocument.parse(Array(text.utf8))
        #expect(document["columns"]?["id"] == .string("_uuid"))
        #expect(document["where"]?["t"] == .array([.string("a"), .string("b")]))
        #expect(document["n"] == .number("1.5"))
        #expect(document["x"] == .null)
        do {
            _ = try JSONDocument.parse(Array("{\n  \"a\": 1,\n  \"a\": 2\n}".utf8))
            Issue.record("a repeated key was accepted")
        } catch let error as JSONLError {
            #expect(error.kind == .duplicateKey)
            #expect(error.line == 3)
        }
        do {
            _ = try JSONDocument.parse(Array("{\"a\": [1, 2,, 3]}".utf8))
            Issue.record("a syntax error was accepted")
        } catch let error as JSONLError {
            #expect(error.line == 1)
            #expect(error.column == 13)
        }
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONLError.self) { try JSONDocument.parse(Array(deep.utf8)) }
    }
}
