import AccordCSV
import Foundation
import Testing

@Suite("ByteSource")
struct ByteSourceTests {
    @Test("a regular file: its size is known and progress reaches 1")
    func regularFile() throws {
        try withTemporaryDirectory { directory in
            let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0) }
            let source = try ByteSource(path: directory.write(bytes), chunkSize: 300)
            #expect(source.totalBytes == 1000)
            #expect(source.fractionRead == 0)
            var read: [UInt8] = []
            var sizes: [Int] = []
            while true {
                let chunk = try source.nextChunk()
                if chunk.isEmpty { break }
                sizes.append(chunk.count)
                read.append(contentsOf: chunk)
            }
            #expect(read == bytes)
            #expect(sizes == [300, 300, 300, 100])
            #expect(source.bytesRead == 1000)
            #expect(source.fractionRead == 1)
            #expect(try source.nextChunk().isEmpty, "the end stays the end")
        }
    }

    @Test("an empty file")
    func emptyFile() throws {
        try withTemporaryDirectory { directory in
            let source = try ByteSource(path: directory.write([]))
            #expect(source.totalBytes == 0)
            #expect(source.fractionRead == 1)
            #expect(try source.nextChunk().isEmpty)
        }
    }

    @Test("a missing file and a directory are refused with a readable message")
    func openErrors() throws {
        try withTemporaryDirectory { directory in
            let missing = directory.url.appendingPathComponent("missing.csv").path
            #expect {
                try ByteSource(path: missing)
            } throws: { error in
                (error as? ByteSourceError)?.description == "cannot open \(missing): No such file or directory"
            }
            #expect {
                try ByteSource(path: directory.url.path)
            } throws: { error in
                (error as? ByteSourceError)?.errorNumber == EISDIR
            }
        }
    }

    @Test("bytes in memory come in chunks too")
    func memory() throws {
        let reader = CSVReader(source: ByteSource(bytes: Array("a,\"b\r\nc\"\r\n".utf8), chunkSize: 2))
        #expect(try reader.readAll() == [CSVRecord(line: 1, fields: ["a", "b\r\nc"])])
    }

    /// Writes `bytes` into a pipe from another thread and reads the pipe with a ByteSource, as
    /// `accord import -` reads standard input.
    private func readPipe(_ bytes: [UInt8], chunkSize: Int = ByteSource.defaultChunkSize) throws -> (records: [CSVRecord], total: Int?) {
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        let (readEnd, writeEnd) = (descriptors[0], descriptors[1])
        let writer = Thread {
            bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count, let base = buffer.baseAddress {
                    let written = write(writeEnd, base + offset, buffer.count - offset)
                    if written <= 0 { break }
                    offset += written
                }
            }
            close(writeEnd)
        }
        writer.start()
        let source = try ByteSource(fileDescriptor: readEnd, closesOnDeinit: true, name: "-", chunkSize: chunkSize)
        let records = try CSVReader(source: source).readAll()
        return (records, source.totalBytes)
    }

    @Test("a pipe: size unknown, every record read", arguments: [3, ByteSource.defaultChunkSize])
    func pipeInput(chunkSize: Int) throws {
        let rows = (1...20_000).map { "\($0),\"note, \($0)\"\r\n" }.joined()
        let (records, total) = try readPipe(Array(("id,note\r\n" + rows).utf8), chunkSize: chunkSize)
        #expect(total == nil)
        #expect(records.count == 20_001)
        #expect(records.last == CSVRecord(line: 20_001, fields: ["20000", "note, 20000"]))
    }

    @Test("an empty pipe has no record")
    func emptyPipe() throws {
        let (records, total) = try readPipe([])
        #expect(records.isEmpty)
        #expect(total == nil)
    }
}
