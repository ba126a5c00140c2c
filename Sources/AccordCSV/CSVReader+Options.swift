extension CSVReader {
    /// How a ``CSVReader`` splits and limits its input.
    public struct Options: Sendable, Equatable {
        /// The byte between fields: a comma for CSV, a tab for TSV. It must be ASCII and neither a
        /// quote, a line feed, a carriage return nor NUL; see ``isValidDelimiter(_:)``.
        public var delimiter: UInt8
        /// The longest field accepted, in bytes of its content (quotes removed). A longer field is
        /// reported as ``CSVError/Kind/fieldTooLong`` as soon as the limit is passed, without
        /// holding more than this many bytes. Defaults to 1 MiB.
        public var maxFieldLength: Int
        /// The most fields accepted in one record. Defaults to 10,000.
        public var maxFieldCount: Int
        /// Whether an empty line (no byte between two line ends) is skipped rather than read as a
        /// record with one empty field. Defaults to `true`. A record that is one empty field must
        /// then be written as `""`.
        public var skipsBlankLines: Bool
        /// Whether the reader chooses the delimiter itself from the first record (the header):
        /// whichever of comma, semicolon and tab occurs most often outside quotes in it (a tie goes
        /// to the comma, then the semicolon; none of them: ``delimiter``). Only the first chunk of
        /// input is looked at. ``CSVReader/delimiter`` tells which was chosen. Defaults to `false`.
        public var detectsDelimiter: Bool
        /// Whether the reader keeps the bytes of each record exactly as they were in the input
        /// (quotes, doubled quotes, line breaks inside quotes and the line end included), for
        /// ``CSVReader/rawRecord``. Defaults to `false`.
        public var keepsRawRecords: Bool
        /// The most bytes of one record kept for ``CSVReader/rawRecord``; a longer record is
        /// not kept. Defaults to 4 MiB.
        public var maxRawRecordLength: Int

        /// Creates options; the defaults read RFC 4180 CSV.
        public init(
            delimiter: UInt8 = UInt8(ascii: ","),
            maxFieldLength: Int = 1 << 20,
            maxFieldCount: Int = 10_000,
            skipsBlankLines: Bool = true,
            detectsDelimiter: Bool = false,
            keepsRawRecords: Bool = false,
            maxRawRecordLength: Int = 4 << 20
        ) {
            self.delimiter = delimiter
            self.maxFieldLength = maxFieldLength
            self.maxFieldCount = maxFieldCount
            self.skipsBlankLines = skipsBlankLines
            self.detectsDelimiter = detectsDelimiter
            self.keepsRawRecords = keepsRawRecords
            self.maxRawRecordLength = maxRawRecordLength
        }

        /// The delimiters ``detectsDelimiter`` chooses among, in the order that breaks ties.
        public static let detectableDelimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")]

        /// The delimiter of the first record in `bytes`: the one of ``detectableDelimiters`` that
        /// occurs most often outside double quotes before the first line end outside them (ties go
        /// to the earlier one in that list); `fallback` when none occurs.
        public static func detectDelimiter(in bytes: UnsafeBufferPointer<UInt8>, fallback: UInt8) -> UInt8 {
            var counts = [0, 0, 0]
            var quoted = false
            for byte in bytes {
                if byte == UInt8(ascii: "\"") {
                    quoted.toggle()
                } else if !quoted {
                    if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { break }
                    if let index = detectableDelimiters.firstIndex(of: byte) { counts[index] += 1 }
                }
            }
            guard let best = counts.max(), best > 0, let index = counts.firstIndex(of: best) else { return fallback }
            return detectableDelimiters[index]
        }

        /// Comma-separated values (RFC 4180).
        public static let csv = Options()
        /// Tab-separated values, with the same quoting rules as CSV.
        public static let tsv = Options(delimiter: UInt8(ascii: "\t"))

        /// Whether `byte` can separate fields: ASCII, and not a quote, a line end or NUL.
        public static func isValidDelimiter(_ byte: UInt8) -> Bool {
            byte < 0x80 && byte != 0 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\n")
                && byte != UInt8(ascii: "\r")
        }
    }
}
