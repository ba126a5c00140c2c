import AccordCSV
import Testing

@Suite("CSVReader: RFC 4180")
struct CSVReaderTests {
    @Test("records and line numbers", arguments: ["\n", "\r\n", "\r"])
    func lineEnds(end: String) throws {
        let input = "id,kind,quantity\(end)1,quantity,390\(end)2,action,\(end)"
        #expect(try records(input) == [
            CSVRecord(line: 1, fields: ["id", "kind", "quantity"]),
            CSVRecord(line: 2, fields: ["1", "quantity", "390"]),
            CSVRecord(line: 3, fields: ["2", "action", ""]),
        ])
    }

    @Test("the last record may lack a line end")
    func noTrailingNewline() throws {
        #expect(try records("a,b\n1,2") == [CSVRecord(line: 1, fields: ["a", "b"]), CSVRecord(line: 2, fields: ["1", "2"])])
        #expect(try records("a,b\r\n\"1\",\"2\"") == [CSVRecord(line: 1, fields: ["a", "b"]), CSVRecord(line: 2, fields: ["1", "2"])])
    }

    @Test("empty fields")
    func emptyFields() throws {
        #expect(try records(",,\n").map(\.fields) == [["", "", ""]])
        #expect(try records("a,,b\n").map(\.fields) == [["a", "", "b"]])
        #expect(try records("a,").map(\.fields) == [["a", ""]])
        #expect(try records("a,\r\n,b").map(\.fields) == [["a", ""], ["", "b"]])
        #expect(try records("\"\",\"\"\n").map(\.fields) == [["", ""]])
        #expect(try records("\"\"").map(\.fields) == [[""]])
    }

    @Test("quoted fields: delimiters, doubled quotes, leading and trailing spaces")
    func quotedFields() throws {
        let input = #""a,b","say ""hi""","""",""," padded ",plain"# + "\n"
        #expect(try records(input).map(\.fields) == [["a,b", "say \"hi\"", "\"", "", " padded ", "plain"]])
    }

    @Test("line breaks inside quotes are kept and counted", arguments: ["\n", "\r\n"])
    func embeddedNewlines(end: String) throws {
        let input = "id,note\(end)1,\"first line\(end)second line\(end)third\"\(end)2,\"x\"\(end)3,y\(end)"
        #expect(try records(input) == [
            CSVRecord(line: 1, fields: ["id", "note"]),
            CSVRecord(line: 2, fields: ["1", "first line\(end)second line\(end)third"]),
            CSVRecord(line: 5, fields: ["2", "x"]),
            CSVRecord(line: 6, fields: ["3", "y"]),
        ])
    }

    @Test("a lone CR inside quotes counts as a line too")
    func loneCRInQuotes() throws {
        #expect(try records("1,\"a\rb\"\n2,c\n") == [
            CSVRecord(line: 1, fields: ["1", "a\rb"]),
            CSVRecord(line: 3, fields: ["2", "c"]),
        ])
    }

    @Test("a UTF-8 byte order mark at the start is skipped")
    func byteOrderMark() throws {
        #expect(try records("\u{FEFF}id,name\n1,x\n") == [
            CSVRecord(line: 1, fields: ["id", "name"]), CSVRecord(line: 2, fields: ["1", "x"]),
        ])
        #expect(try records("\u{FEFF}\"id\",name") == [CSVRecord(line: 1, fields: ["id", "name"])])
        // Only at the very start: later it is data.
        #expect(try records("a\n\u{FEFF}b\n").map(\.fields) == [["a"], ["\u{FEFF}b"]])
    }

    @Test("empty input has no record", arguments: [[], [0xEF, 0xBB, 0xBF], Array("\n\n\r\n".utf8)] as [[UInt8]])
    func emptyInput(bytes: [UInt8]) throws {
        #expect(try readCSV(bytes).isEmpty)
    }

    @Test("a header-only file has exactly one record", arguments: ["id,name", "id,name\n", "id,name\r\n", "\u{FEFF}id,name\r\n"])
    func headerOnly(input: String) throws {
        #expect(try records(input) == [CSVRecord(line: 1, fields: ["id", "name"])])
    }

    @Test("blank lines are skipped by default and counted")
    func blankLines() throws {
        #expect(try records("a\n\n\r\nb\r\n\r\n") == [CSVRecord(line: 1, fields: ["a"]), CSVRecord(line: 4, fields: ["b"])])
        let keep = CSVReader.Options(skipsBlankLines: false)
        #expect(try records("a\n\nb\n", options: keep).map(\.fields) == [["a"], [""], ["b"]])
    }

    @Test("tab-separated values")
    func tabs() throws {
        #expect(try records("a\tb\n\"x\ty\"\t,z\n", options: .tsv).map(\.fields) == [["a", "b"], ["x\ty", ",z"]])
    }

    @Test("Unicode text")
    func unicode() throws {
        #expect(try records("café,日本語,😀,\"Zürich, Genève\"\n").map(\.fields) == [["café", "日本語", "😀", "Zürich, Genève"]])
    }

    @Test("a record is a collection of its fields")
    func recordCollection() throws {
        let record = try #require(try records("a,b,c\n").first)
        #expect(record.count == 3)
        #expect(record[1] == "b")
        #expect(Array(record) == ["a", "b", "c"])
    }

    @Test("the reader reports its line and the bytes it has gone past")
    func progress() throws {
        try withTemporaryDirectory { directory in
            let path = try directory.write(Array("a,b\nc,d\n".utf8))
            let reader = try CSVReader(path: path)
            _ = try reader.next()
            #expect(reader.currentLine == 2)
            #expect(reader.bytesConsumed == 4)
            _ = try reader.next()
            #expect(try reader.next() == nil)
            #expect(reader.bytesConsumed == 8)
            #expect(reader.source.fractionRead == 1)
        }
    }
}
