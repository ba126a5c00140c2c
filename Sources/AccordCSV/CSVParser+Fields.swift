// The field readers behind `CSVParser.next()`. `ByteScanner` finds the next byte of interest
// eight bytes at a time. A field that lies inside one chunk is decoded straight from the chunk; one
// that spans chunks, or holds doubled quotes, is gathered in `scratch` first.

extension CSVParser {
    /// Reads a field that does not start with a quote, from `position` to the delimiter or line
    /// end that ends it (consumed).
    mutating func readUnquotedField(_ field: Int) throws -> FieldEnd {
        let startLine = line
        var start = position
        var spilled = false
        while true {
            let bytes = chunk
            let index = unquotedScanner.firstStop(in: bytes, from: position)
            if index == bytes.count {
                if !spilled {
                    scratch.removeAll(keepingCapacity: true)
                    spilled = true
                }
                spill(UnsafeBufferPointer(rebasing: bytes[start..<index]), field: field, line: startLine)
                position = index
                guard try refill() else {
                    emitScratch(field: field, line: startLine)
                    return .endOfInput
                }
                start = 0
                continue
            }
            let byte = bytes[index]
            if byte == Self.quote || byte == 0 {
                // Report problems in the order of their bytes, whatever the chunk size.
                failIfTooLong((spilled ? scratch.count : 0) + index - start, field: field, line: startLine)
                if byte == 0 {
                    fail(.nulByte, field: field, line: line, "NUL byte (0x00); is the file UTF-16 or binary?")
                } else {
                    fail(.strayQuote, field: field, line: line,
                         "quote inside an unquoted field; quote the whole field and double each quote in it (\"a \"\"b\"\" c\")")
                }
                position = index + 1
                continue
            }
            let content = UnsafeBufferPointer(rebasing: bytes[start..<index])
            if spilled {
                spill(content, field: field, line: startLine)
                emitScratch(field: field, line: startLine)
            } else {
                emit(content, field: field, line: startLine)
            }
            position = index + 1
            if byte == options.delimiter { return .delimiter }
            line += 1
            skipsLineFeed = byte == Self.carriageReturn
            return .recordEnd
        }
    }

    /// Reads a quoted field, from just after its opening quote to the delimiter or line end after
    /// its closing quote (consumed).
    mutating func readQuotedField(_ field: Int) throws -> FieldEnd {
        let startLine = line
        var start = position
        var spilled = false
        while true {
            let bytes = chunk
            let index = quotedScanner.firstStop(in: bytes, from: position)
            if index == bytes.count {
                spillQuoted(bytes, from: start, upTo: index, spilled: &spilled, field: field, line: startLine)
                position = index
                guard try refill() else {
                    throw CSVError(
                        kind: .unterminatedQuote, line: startLine, recordLine: recordLine, field: field,
                        message: "quote opened on line \(startLine) is never closed")
                }
                start = 0
                continue
            }
            switch bytes[index] {
            case Self.lineFeed:
                let afterCR = index > 0 ? bytes[index - 1] == Self.carriageReturn : previousChunkEndedWithCR
                if !afterCR { line += 1 }
                position = index + 1
                continue
            case Self.carriageReturn:
                line += 1
                position = index + 1
                continue
            case 0:
                failIfTooLong((spilled ? scratch.count : 0) + index - start, field: field, line: startLine)
                fail(.nulByte, field: field, line: line, "NUL byte (0x00); is the file UTF-16 or binary?")
                position = index + 1
                continue
            default:
                break  // a quote: closing, or the first of a doubled pair
            }
            if index + 1 < bytes.count {
                if bytes[index + 1] == Self.quote {
                    // Keep one quote of the pair.
                    spillQuoted(bytes, from: start, upTo: index + 1, spilled: &spilled, field: field, line: startLine)
                    start = index + 2
                    position = index + 2
                    continue
                }
                let content = UnsafeBufferPointer(rebasing: bytes[start..<index])
                if spilled {
                    spill(content, field: field, line: startLine)
                    emitScratch(field: field, line: startLine)
                } else {
                    emit(content, field: field, line: startLine)
                }
                position = index + 1
                return try readAfterClosingQuote(field)
            }
            // The quote is the last byte of the chunk: the next chunk tells which kind it is.
            spillQuoted(bytes, from: start, upTo: index, spilled: &spilled, field: field, line: startLine)
            position = index + 1
            guard try refill() else {
                emitScratch(field: field, line: startLine)
                return .endOfInput
            }
            if chunk[0] == Self.quote {
                spill(UnsafeBufferPointer(rebasing: chunk[0..<1]), field: field, line: startLine)
                start = 1
                position = 1
                continue
            }
            emitScratch(field: field, line: startLine)
            return try readAfterClosingQuote(field)
        }
    }

    /// Moves `bytes[start..<end]` of a quoted field to `scratch`, emptying it first if the field
    /// has not spilled yet.
    private mutating func spillQuoted(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, upTo end: Int, spilled: inout Bool, field: Int, line: Int
    ) {
        if !spilled {
            scratch.removeAll(keepingCapacity: true)
            spilled = true
        }
        spill(UnsafeBufferPointer(rebasing: bytes[start..<end]), field: field, line: line)
    }

    /// After a closing quote: expects a delimiter, a line end or the end of the input. Anything
    /// else spoils the record, whose rest is then read as unquoted text and dropped.
    private mutating func readAfterClosingQuote(_ field: Int) throws -> FieldEnd {
        if position == chunk.count, try !refill() { return .endOfInput }
        let byte = chunk[position]
        switch byte {
        case options.delimiter:
            position += 1
            return .delimiter
        case Self.lineFeed, Self.carriageReturn:
            position += 1
            line += 1
            skipsLineFeed = byte == Self.carriageReturn
            return .recordEnd
        default:
            let shown = byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte \(byte.hexLiteral)"
            fail(.textAfterClosingQuote, field: field, line: line,
                 "\(shown) after the closing quote; expected a delimiter or the end of the line (double a quote that is part of the text)")
            return try readUnquotedField(field)
        }
    }
}
