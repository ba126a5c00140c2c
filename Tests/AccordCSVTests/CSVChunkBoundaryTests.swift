import AccordCSV
import Testing

@Suite("CSVReader: chunk boundaries and round trips")
struct CSVChunkBoundaryTests {
    /// Inputs whose every byte boundary matters: quotes, doubled quotes, CRLF, a byte order mark,
    /// multi-byte characters, errors that the reader recovers from, and one it does not.
    static let corpus: [[UInt8]] = [
        Array("\u{FEFF}id,note\r\n1,\"a \"\"quoted\"\" word\"\r\n2,\"line\r\nbreak\"\r\n3,plain\r\n".utf8),
        Array("a,b\n\"\"\"\",\"\"\n\"x\"\"\",\"\"\"y\"\n,\n".utf8),
        Array("é,日本,😀\r\r\n\"😀,😀\",\"\r\"\rlast".utf8),
        Array("a,b\"c\n\"q\"x,2\n3,\"ok\"\n".utf8) + [0xF0, 0x9F, 0x98] + Array(",4\n5".utf8) + [0] + Array("\n6,7".utf8),
        Array("1,\"never closed\r\n2,3\r\n".utf8),
        Array("\u{FEFF}".utf8),
        Array("\r\n\n\"\"\r\n".utf8),
        Array("x,\"y\"".utf8),
        Array("x,\"\"".utf8),
        Array("\"\"\"\"".utf8),
    ]

    @Test("tiny chunks read exactly like one big chunk", arguments: corpus.indices)
    func tinyChunks(index: Int) throws {
        let input = Self.corpus[index]
        let expected = try readCSV(input)
        for chunkSize in 1...17 {
            let outcomes = try readCSV(input, chunkSize: chunkSize)
            #expect(outcomes == expected, "chunk size \(chunkSize)")
        }
    }

    @Test("tiny chunks agree with a big one on a field limit passed across chunks")
    func limitAcrossChunks() throws {
        let input = Array("\"abc\"\"defgh\",12345678\nij,\"kl\r\nmn\"\n".utf8)
        let options = CSVReader.Options(maxFieldLength: 8)
        let expected = try readCSV(input, options: options)
        #expect(expected.count == 2)
        for chunkSize in 1...9 {
            #expect(try readCSV(input, options: options, chunkSize: chunkSize) == expected, "chunk size \(chunkSize)")
        }
    }

    /// An independent writer: quotes a field when it must, doubles its quotes. Returns the text
    /// and the line each record starts on, counting line breaks the way editors do (LF, CRLF and
    /// a lone CR are one each).
    private static func write(
        _ rows: [[String]], lineEnd: String, trailingLineEnd: Bool, byteOrderMark: Bool
    ) -> (text: String, lines: [Int]) {
        var text = byteOrderMark ? "\u{FEFF}" : ""
        var lines: [Int] = []
        var line = 1
        for (index, row) in rows.enumerated() {
            lines.append(line)
            let fields = row.map { field -> String in
                let mustQuote = field.utf8.contains { [34, 44, 13, 10].contains($0) } || (row.count == 1 && field.isEmpty)
                return mustQuote ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
            }
            var record = fields.joined(separator: ",")
            if index < rows.count - 1 || trailingLineEnd { record += lineEnd }
            line += lineBreaks(in: record)
            text += record
        }
        return (text, lines)
    }

    private static func lineBreaks(in text: String) -> Int {
        var count = 0
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte == 13 || (byte == 10 && previous != 13) { count += 1 }
            previous = byte
        }
        return count
    }

    @Test("random fields written by an independent writer read back equal, on the right lines")
    func roundTrip() throws {
        let pieces = ["a", "Z", "0", "42", " ", ",", "\"", "\"\"", "\n", "\r\n", "\r", "é", "日本", "😀", "\t", "x y", "-"]
        var random = SeededRandom(state: 4180)
        for iteration in 0..<400 {
            let columns = Int.random(in: 1...6, using: &random)
            let rows = (0..<Int.random(in: 0...12, using: &random)).map { _ in
                (0..<columns).map { _ in
                    (0..<Int.random(in: 0...5, using: &random)).map { _ in pieces.randomElement(using: &random) ?? "" }.joined()
                }
            }
            let lineEnd = ["\n", "\r\n"].randomElement(using: &random) ?? "\n"
            let (text, lines) = Self.write(rows, lineEnd: lineEnd, trailingLineEnd: Bool.random(using: &random),
                                           byteOrderMark: Bool.random(using: &random))
            let chunkSize = [1, 2, 3, 5, 8, 64, ByteSource.defaultChunkSize].randomElement(using: &random) ?? 1
            let read = try records(text, chunkSize: chunkSize)
            #expect(read.map(\.fields) == rows, "iteration \(iteration), chunk size \(chunkSize): \(text.debugDescription)")
            #expect(read.map(\.line) == lines, "iteration \(iteration): \(text.debugDescription)")
        }
    }
}
