import AccordCSV
import Testing

@Suite("Hostile input")
struct HostileInputTests {
    /// Random bytes, most of them the ones that steer a parser.
    private static func soup(_ count: Int, from alphabet: [UInt8], using random: inout SeededRandom) -> [UInt8] {
        (0..<count).map { _ in
            Int.random(in: 0..<4, using: &random) == 0 ? UInt8.random(in: 0...255, using: &random)
                : alphabet.randomElement(using: &random) ?? 0
        }
    }

    @Test("random bytes never trap, and every chunk size reads them alike (CSV)")
    func csvSoup() throws {
        let alphabet = Array("\",\r\n\t a\"\"".utf8) + [0, 0xEF, 0xBB, 0xBF, 0xC3, 0xA9, 0xFF]
        var random = SeededRandom(state: 1)
        for iteration in 0..<300 {
            let bytes = Self.soup(Int.random(in: 0...80, using: &random), from: alphabet, using: &random)
            let options = CSVReader.Options(maxFieldLength: Int.random(in: 0...12, using: &random), maxFieldCount: 6)
            let expected = try readCSV(bytes, options: options)
            for chunkSize in [1, 2, 3, 7] {
                let outcomes = try readCSV(bytes, options: options, chunkSize: chunkSize)
                #expect(outcomes == expected, "iteration \(iteration), chunk size \(chunkSize), \(options): \(bytes)")
            }
        }
    }

    @Test("random bytes never trap, and every chunk size reads them alike (JSONL)")
    func jsonlSoup() throws {
        let alphabet = Array("{}[]\":,\\u0aD8Etfn-.e \r\n".utf8) + [0, 0xC3, 0xA9, 0xFF]
        var random = SeededRandom(state: 2)
        for iteration in 0..<300 {
            var bytes = Array("{\"a\":\"".utf8)
            bytes += Self.soup(Int.random(in: 0...60, using: &random), from: alphabet, using: &random)
            let options = JSONLReader.Options(maxLineLength: Int.random(in: 0...40, using: &random))
            let expected = try readJSONL(bytes, options: options)
            for chunkSize in [1, 2, 5] {
                let outcomes = try readJSONL(bytes, options: options, chunkSize: chunkSize)
                #expect(outcomes == expected, "iteration \(iteration), chunk size \(chunkSize), \(options): \(bytes)")
            }
        }
    }
}
