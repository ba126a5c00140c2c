import AccordCSV
import Testing

@Suite("JSONLReader")
struct JSONLReaderTests {
    private func record(_ line: String) throws -> JSONLRecord {
        let outcomes = try readJSONL(line)
        guard outcomes.count == 1, case .record(let record) = outcomes[0] else {
            Issue.record("expected one record, got \(outcomes)")
            throw CancellationError()
        }
        return record
    }

    private func error(_ line: String) throws -> JSONLError {
        let outcomes = try readJSONL(line)
        guard outcomes.count == 1, case .error(let error) = outcomes[0] else {
            Issue.record("expected one error for \(line.debugDescription), got \(outcomes)")
            throw CancellationError()
        }
        return error
    }

    @Test("members in order, with every kind of value")
    func objects() throws {
        let parsed = try record(#" { "id" : "ext-1", "quantity":390, "confirmed":true, "retracted" : false, "note":null } "#)
        #expect(parsed.keys == ["id", "quantity", "confirmed", "retracted", "note"])
        #expect(parsed["id"] == .string("ext-1"))
        #expect(parsed["quantity"] == .number("390"))
        #expect(parsed["confirmed"] == .bool(true))
        #expect(parsed["retracted"] == .bool(false))
        #expect(parsed["note"] == .null)
        #expect(parsed["missing"] == nil)
        #expect(try record("{}").fields.isEmpty)
    }

    @Test("LF and CRLF, blank lines skipped but counted, a final line without a line end")
    func lines() throws {
        let outcomes = try readJSONL("{\"a\":1}\r\n\r\n   \n\t\r\n{\"a\":2}\n\n{\"a\":3}")
        #expect(outcomes == [
            .record(JSONLRecord(line: 1, fields: [("a", .number("1"))])),
            .record(JSONLRecord(line: 5, fields: [("a", .number("2"))])),
            .record(JSONLRecord(line: 7, fields: [("a", .number("3"))])),
        ])
        #expect(try readJSONL("").isEmpty)
        #expect(try readJSONL("\n\r\n").isEmpty)
    }

    @Test("a byte order mark on line 1 is skipped")
    func byteOrderMark() throws {
        #expect(try record("\u{FEFF}{\"a\":\"b\"}\n")["a"] == .string("b"))
    }

    @Test("escapes, surrogate pairs and raw Unicode")
    func escapes() throws {
        let parsed = try record(#"{"s":"q\"b\\s\/ \b\f\n\r\t \u00e9\u00E9 \uD83D\uDE00 \u65e5 café 😀","k\u0065y":""}"#)
        #expect(parsed["s"] == .string("q\"b\\s/ \u{8}\u{C}\n\r\t éé 😀 日 café 😀"))
        #expect(parsed.keys == ["s", "key"])
        #expect(parsed["key"] == .string(""))
    }

    @Test("numbers are kept as written",
          arguments: ["0", "-0", "390", "-12", "0.50", "-0.0", "1e3", "1E+3", "2.5e-7", "12345678901234567890123", "1.000000000000000000001"])
    func numbers(literal: String) throws {
        #expect(try record("{\"n\":\(literal)}")["n"] == .number(literal))
    }

    @Test("numbers outside JSON's grammar", arguments: ["01", "1.", ".5", "+1", "-", "1e", "1e+", "1.5.2", "0x10", "1_000", "-01", "NaN", "Infinity"])
    func badNumbers(literal: String) throws {
        let error = try error("{\"n\":\(literal)}")
        #expect(error.kind == .invalidNumber || error.kind == .syntax, "\(error)")
        #expect(error.key == "n")
    }

    @Test("errors, each naming its line, column and key where it has one")
    func errors() throws {
        let cases: [(String, JSONLError.Kind, String)] = [
            (#"[1,2]"#, .notAnObject, #"column 1: expected a JSON object ({…}), found '['"#),
            (#""text""#, .notAnObject, #"column 1: expected a JSON object ({…}), found '"'"#),
            (#"{"a":1} x"#, .trailingCharacters, "column 9: unexpected 'x' after the end of the object"),
            (#"{"a":1}{"b":2}"#, .trailingCharacters, "column 8: unexpected '{' after the end of the object"),
            (#"{"id":1,"id":2}"#, .duplicateKey, #"column 9: duplicate key "id""#),
            (#"{"geo":{"lat":1}}"#, .nestedValue, #"column 8: the value of "geo" is an object; values must be strings, numbers, true, false or null"#),
            (#"{"tags":["a"]}"#, .nestedValue, #"column 9: the value of "tags" is an array; values must be strings, numbers, true, false or null"#),
            (#"{"note":"a\x"}"#, .invalidEscape, #"column 11: invalid escape '\x' in the value of "note""#),
            (#"{"note":"\u12"}"#, .invalidEscape, #"column 10: \u must be followed by four hexadecimal digits in the value of "note""#),
            (#"{"note":"\u12G4"}"#, .invalidEscape, #"column 10: \u must be followed by four hexadecimal digits in the value of "note""#),
            (#"{"note":"\uD83D"}"#, .unpairedSurrogate, #"column 10: unpaired surrogate \uD83D in the value of "note" (a high surrogate must be followed by a low one)"#),
            (#"{"note":"\uD83Dx"}"#, .unpairedSurrogate, #"column 10: unpaired surrogate \uD83D in the value of "note" (a high surrogate must be followed by a low one)"#),
            (#"{"note":"\uD83D\u0041"}"#, .unpairedSurrogate, #"column 10: unpaired surrogate \uD83D in the value of "note" (a high surrogate must be followed by a low one)"#),
            (#"{"note":"\uDE00"}"#, .unpairedSurrogate, #"column 10: unpaired surrogate \uDE00 in the value of "note" (a low surrogate without a high one)"#),
            (#"{"note":"\u0000"}"#, .controlCharacter, #"column 10: \u0000 (NUL) in the value of "note"; text may not contain NUL"#),
            ("{\"note\":\"a\tb\"}", .controlCharacter, #"column 11: unescaped control character 0x09 in the value of "note"; write it as an escape such as \n or \t"#),
            (#"{"a" 1}"#, .syntax, #"column 6: expected ':' after the key "a", found '1'"#),
            (#"{"a":1 "b":2}"#, .syntax, #"column 8: expected ',' or '}' after the value of "a", found '"'"#),
            (#"{"a":1,}"#, .syntax, #"column 8: expected a key in double quotes after the value of "a", found '}'"#),
            (#"{'a':1}"#, .syntax, "column 2: expected a key in double quotes, found '''"),
            (#"{a:1}"#, .syntax, "column 2: expected a key in double quotes, found 'a'"),
            (#"{"a":"open}"#, .syntax, #"column 6: string opened at column 6 is not closed"#),
            (#"{"a":1"#, .syntax, #"column 7: expected ',' or '}' after the value of "a", found the end of the line"#),
            (#"{"a":}"#, .syntax, #"column 6: expected a value for "a", found '}'"#),
            (#"{"a":tru}"#, .syntax, #"column 6: expected a value for "a", found 'tru'"#),
            (#"{"a":nulls}"#, .syntax, #"column 6: expected a value for "a", found 'nulls'"#),
            (#"{"a":“x”}"#, .syntax, #"column 6: expected a value for "a", found '“'"#),
        ]
        for (line, kind, description) in cases {
            let error = try error(line)
            #expect(error.kind == kind, "\(line)")
            #expect(error.description == description, "\(line)")
            #expect(error.line == 1)
        }
    }

    @Test("invalid UTF-8 in a value or a key")
    func invalidUTF8() throws {
        let value = try readJSONL(Array(#"{"note":"caf"#.utf8) + [0xE9] + Array("\"}\n".utf8))
        #expect(value == [.error(JSONLError(kind: .invalidUTF8, line: 1, column: 13, key: "note",
                                            message: #"invalid UTF-8 (byte 0xE9) in the value of "note"; save the file as UTF-8"#))])
        let key = try readJSONL(Array(#"{"k"#.utf8) + [0xFF] + Array("\":1}".utf8))
        guard case .error(let error)? = key.first else {
            Issue.record("expected an error")
            return
        }
        #expect((error.kind, error.key, error.column) == (.invalidUTF8, nil, 4))
        // Structure bytes outside strings are checked by the grammar.
        #expect(try self.error("{\"a\":1}\u{00A0}").kind == .trailingCharacters)
    }

    @Test("after a bad line the reader goes on with the next")
    func recovery() throws {
        let outcomes = try readJSONL("{\"a\":1}\nnot json\n{\"a\":[1]}\n{\"a\":3}\n")
        #expect(outcomes.map { outcome -> String in
            switch outcome {
            case .record(let record): return "\(record.line) ok"
            case .error(let error): return "\(error.line) \(error.kind)"
            }
        } == ["1 ok", "2 notAnObject", "3 nestedValue", "4 ok"])
    }

    @Test("a line over the limit is refused without holding it, and accepted with a larger limit")
    func longLine() throws {
        let long = "{\"note\":\"" + String(repeating: "x", count: 2_000_000) + "\"}"
        let input = "{\"a\":1}\n\(long)\n{\"a\":3}\n"
        for chunkSize in [7, ByteSource.defaultChunkSize] {
            let outcomes = try readJSONL(input, chunkSize: chunkSize)
            #expect(outcomes.count == 3)
            #expect(outcomes[1] == .error(JSONLError(kind: .lineTooLong, line: 2, column: nil, key: nil,
                                                     message: "line longer than 1048576 bytes (the limit)")))
            #expect(outcomes[2] == .record(JSONLRecord(line: 3, fields: [("a", .number("3"))])))
        }
        let larger = try readJSONL(input, options: .init(maxLineLength: 4 << 20))
        guard case .record(let record) = larger[1], case .string(let note)? = record["note"] else {
            Issue.record("expected the long line to parse")
            return
        }
        #expect(note.utf8.count == 2_000_000)
    }

    @Test("the line limit is exact and ignores the line end")
    func limitIsExact() throws {
        let options = JSONLReader.Options(maxLineLength: 9)
        for chunkSize in 1...11 {
            let outcomes = try readJSONL("{\"a\":123}\r\n{\"a\":1234}\n", options: options, chunkSize: chunkSize)
            #expect(outcomes.count == 2)
            #expect(outcomes.first == .record(JSONLRecord(line: 1, fields: [("a", .number("123"))])), "chunk size \(chunkSize)")
            #expect(outcomes.last.map { if case .error(let error) = $0 { error.kind == .lineTooLong } else { false } } == true)
        }
    }

    @Test("tiny chunks read exactly like one big chunk")
    func tinyChunks() throws {
        let input = "\u{FEFF}{\"a\":\"é😀\\u00e9\",\"b\":-1.5e3}\r\n\r\n{\"c\":null}\n[1]\n{\"d\":\"\\uD83D\\uDE00\"}"
        let expected = try readJSONL(input)
        #expect(expected.count == 4)
        for chunkSize in 1...9 {
            #expect(try readJSONL(input, chunkSize: chunkSize) == expected, "chunk size \(chunkSize)")
        }
    }

    @Test("many keys: duplicates are still found past the linear search")
    func manyKeys() throws {
        let keys = (0..<40).map { "\"k\($0)\":\($0)" }
        #expect(try record("{" + keys.joined(separator: ",") + "}").fields.count == 40)
        #expect(try error("{" + (keys + ["\"k3\":0"]).joined(separator: ",") + "}").kind == .duplicateKey)
        // Keys that look alike but differ in bytes are different keys.
        #expect(try record("{\"é\":1,\"e\u{301}\":2}").fields.count == 2)
    }

    /// An independent writer: escapes what JSON requires, and some characters it need not.
    private static func encode(_ text: String, using random: inout SeededRandom) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            case _ where Bool.random(using: &random) && scalar.value > 0x7F:
                for unit in String(scalar).utf16 {
                    let digits = String(unit, radix: 16, uppercase: Bool.random(using: &random))
                    out += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
                }
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    @Test("random objects written by an independent writer read back equal")
    func roundTrip() throws {
        let pieces = ["a", "Z", " ", "\"", "\\", "/", "\n", "\t", "\u{1}", "é", "日本", "😀", "\u{10FFFF}", "{", "}", ",", ":"]
        var random = SeededRandom(state: 8259)
        for iteration in 0..<300 {
            var expected: [(key: String, value: JSONLValue)] = []
            var members: [String] = []
            for index in 0..<Int.random(in: 0...6, using: &random) {
                let key = "k\(index)" + (0..<Int.random(in: 0...2, using: &random)).map { _ in pieces.randomElement(using: &random) ?? "" }.joined()
                let value: JSONLValue
                let literal: String
                switch Int.random(in: 0..<4, using: &random) {
                case 0:
                    let text = (0..<Int.random(in: 0...6, using: &random)).map { _ in pieces.randomElement(using: &random) ?? "" }.joined()
                    value = .string(text)
                    literal = Self.encode(text, using: &random)
                case 1:
                    literal = ["0", "-7", "3.25", "1e-9", "-0.000", "98765432109876543210"].randomElement(using: &random) ?? "0"
                    value = .number(literal)
                case 2:
                    let flag = Bool.random(using: &random)
                    value = .bool(flag)
                    literal = flag ? "true" : "false"
                default:
                    value = .null
                    literal = "null"
                }
                expected.append((key, value))
                members.append(Self.encode(key, using: &random) + (Bool.random(using: &random) ? " : " : ":") + literal)
            }
            let line = "{" + members.joined(separator: Bool.random(using: &random) ? ", " : ",") + "}"
            let chunkSize = [1, 3, 16, ByteSource.defaultChunkSize].randomElement(using: &random) ?? 1
            let outcomes = try readJSONL(line + "\n", chunkSize: chunkSize)
            #expect(outcomes == [.record(JSONLRecord(line: 1, fields: expected))], "iteration \(iteration): \(line)")
        }
    }
}
