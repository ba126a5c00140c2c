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

        /// Creates options; the defaults read RFC 4180 CSV.
        public init(
            delimiter: UInt8 = UInt8(ascii: ","),
            maxFieldLength: Int = 1 << 20,
            maxFieldCount: Int = 10_000,
            skipsBlankLines: Bool = true
        ) {
            self.delimiter = delimiter
            self.maxFieldLength = maxFieldLength
            self.maxFieldCount = maxFieldCount
            self.skipsBlankLines = skipsBlankLines
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
