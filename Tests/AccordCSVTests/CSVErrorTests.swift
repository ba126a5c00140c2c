import AccordCSV
import Testing

@Suite("CSVReader: errors")
struct CSVErrorTests {
    /// The error outcome at `index`, failing the test when there is none.
    private func error(_ outcomes: [CSVOutcome], at index: Int) throws -> CSVError {
        guard outcomes.indices.contains(index), case .error(let error) = outcomes[index] else {
            Issue.record("expected an error at \(index) in \(outcomes)")
            throw CancellationError()
        }
        return error
    }

    @Test("a quote never closed ends the reader, naming the line it was opened on")
    func unterminatedQuote() throws {
        let outcomes = try readCSV("id,note\n1,ok\n2,\"opened here\nand never\nclosed\n")
        #expect(outcomes.count == 3)
        #expect(outcomes[1] == .record(CSVRecord(line: 2, fields: ["1", "ok"])))
        let error = try error(outcomes, at: 2)
        #expect(error.kind == .unterminatedQuote)
        #expect(error.line == 3)
        #expect(error.recordLine == 3)
        #expect(error.field == 2)
        #expect(!error.isRecoverable)
        #expect("batch.csv:\(error.line): \(error)" == "batch.csv:3: field 2: quote opened on line 3 is never closed")
    }

    @Test("a quote inside an unquoted field spoils that record only")
    func strayQuote() throws {
        let outcomes = try readCSV("a,b\"c,d\n1,2\n")
        let error = try error(outcomes, at: 0)
        #expect(error.kind == .strayQuote)
        #expect((error.line, error.field) == (1, 2))
        #expect(error.isRecoverable)
        #expect(outcomes.dropFirst() == [.record(CSVRecord(line: 2, fields: ["1", "2"]))])
    }

    @Test("a space before an opening quote makes the quote stray")
    func spaceBeforeQuote() throws {
        let outcomes = try readCSV("a, \"b\"\n")
        #expect(try error(outcomes, at: 0).kind == .strayQuote)
    }

    @Test("text after a closing quote spoils that record only")
    func textAfterClosingQuote() throws {
        let outcomes = try readCSV("x,\"ab\"c,d\n1,2\n")
        let error = try error(outcomes, at: 0)
        #expect(error.kind == .textAfterClosingQuote)
        #expect((error.line, error.field) == (1, 2))
        #expect(error.description == "field 2: 'c' after the closing quote; expected a delimiter or the end of the line (double a quote that is part of the text)")
        #expect(outcomes.dropFirst() == [.record(CSVRecord(line: 2, fields: ["1", "2"]))])
    }

    @Test("the rest of a bad record is skipped by its structure, quoted line breaks included")
    func recoveryHonoursQuotes() throws {
        let outcomes = try readCSV("1,b\"ad,\"multi\nline\"\n2,ok\n")
        #expect(try error(outcomes, at: 0).kind == .strayQuote)
        #expect(outcomes.dropFirst() == [.record(CSVRecord(line: 3, fields: ["2", "ok"]))])
    }

    @Test("invalid UTF-8 names the field and the reader goes on")
    func invalidUTF8() throws {
        let bytes: [UInt8] = Array("id,note\n1,caf".utf8) + [0xE9] + Array("\n2,\"multi\nline ".utf8) + [0xC3, 0x28]
            + Array("\"\n3,ok\n".utf8)
        let outcomes = try readCSV(bytes)
        let latin1 = try error(outcomes, at: 1)
        #expect(latin1.kind == .invalidUTF8)
        #expect((latin1.line, latin1.recordLine, latin1.field) == (2, 2, 2))
        #expect(latin1.message == "invalid UTF-8 (byte 0xE9 at byte 4 of the field); save the file as UTF-8")
        let quoted = try error(outcomes, at: 2)
        #expect((quoted.kind, quoted.line, quoted.recordLine, quoted.field) == (.invalidUTF8, 3, 3, 2))
        #expect(outcomes[3] == .record(CSVRecord(line: 5, fields: ["3", "ok"])))
    }

    @Test("overlong forms, surrogates and truncated sequences are invalid UTF-8",
          arguments: [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80], [0xFF]] as [[UInt8]])
    func invalidSequences(sequence: [UInt8]) throws {
        let outcomes = try readCSV(Array("a,".utf8) + sequence + Array(",b\n".utf8))
        #expect(try error(outcomes, at: 0).kind == .invalidUTF8)
    }

    @Test("a NUL byte spoils its record, quoted or not")
    func nulByte() throws {
        let outcomes = try readCSV(Array("a,b".utf8) + [0] + Array("c\n\"x\ny".utf8) + [0] + Array("\",z\n1,2\n".utf8))
        let unquoted = try error(outcomes, at: 0)
        #expect((unquoted.kind, unquoted.line, unquoted.field) == (.nulByte, 1, 2))
        let quoted = try error(outcomes, at: 1)
        #expect((quoted.kind, quoted.line, quoted.recordLine, quoted.field) == (.nulByte, 3, 2, 1))
        #expect(outcomes[2] == .record(CSVRecord(line: 4, fields: ["1", "2"])))
    }

    @Test("a UTF-16 file is refused at once")
    func utf16() throws {
        let outcomes = try readCSV([0xFF, 0xFE] + Array("a,b".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        #expect(outcomes.count == 1)
        #expect(try error(outcomes, at: 0).kind == .unsupportedEncoding)
    }

    @Test("a 10 MB field passes the default limit: rejected on its line, then accepted with a larger limit",
          arguments: [false, true])
    func hugeField(quoted: Bool) throws {
        let huge = String(repeating: "x", count: 10_000_000)
        let field = quoted ? "\"\(huge)\"" : huge
        let input = "id,note\n1,\(field)\n2,ok\n"
        let outcomes = try readCSV(input)
        let error = try error(outcomes, at: 1)
        #expect((error.kind, error.line, error.field) == (.fieldTooLong, 2, 2))
        #expect(error.description == "field 2: longer than 1048576 bytes (the limit)")
        #expect(outcomes[2] == .record(CSVRecord(line: 3, fields: ["2", "ok"])))

        let larger = try records(input, options: CSVReader.Options(maxFieldLength: 16 << 20))
        #expect(larger.count == 3)
        #expect(larger[1].fields[1].utf8.count == 10_000_000)
        #expect(larger[2] == CSVRecord(line: 3, fields: ["2", "ok"]))
    }

    @Test("the field limit is exact", arguments: [1, 7, 64])
    func limitIsExact(chunkSize: Int) throws {
        let options = CSVReader.Options(maxFieldLength: 5)
        #expect(try records("12345,\"a\"\"cd\"\n", options: options, chunkSize: chunkSize).map(\.fields) == [["12345", "a\"cd"]])
        let outcomes = try readCSV("123456\n\"a\"\"cdef\"\nok\n", options: options, chunkSize: chunkSize)
        #expect(outcomes.count == 3)
        #expect(try error(outcomes, at: 0).kind == .fieldTooLong)
        #expect(try error(outcomes, at: 1).kind == .fieldTooLong)
        #expect(outcomes[2] == .record(CSVRecord(line: 3, fields: ["ok"])))
    }

    @Test("too many fields in one record")
    func tooManyFields() throws {
        let outcomes = try readCSV("a,b,c,d\na,b\n", options: CSVReader.Options(maxFieldCount: 3))
        #expect(try error(outcomes, at: 0).kind == .tooManyFields)
        #expect(outcomes[1] == .record(CSVRecord(line: 2, fields: ["a", "b"])))
    }

    @Test("every bad row is listed")
    func listsEveryBadRow() throws {
        let bytes = Array("id,n\n1,ok\n2,b\"ad\n3,\"x\"y\n4,".utf8) + [0xFF] + Array("\n5,ok\n".utf8)
        let outcomes = try readCSV(bytes)
        let lines = outcomes.map { outcome -> String in
            switch outcome {
            case .record(let record): return "\(record.line) ok"
            case .error(let error): return "\(error.recordLine) \(error.kind)"
            }
        }
        #expect(lines == ["1 ok", "2 ok", "3 strayQuote", "4 textAfterClosingQuote", "5 invalidUTF8", "6 ok"])
    }
}
