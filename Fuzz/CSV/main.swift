// libFuzzer target for the CSV and JSON Lines readers (Sources/AccordCSV).
// Built and run by Fuzz/run.sh; see docs/RELIABILITY.md.
//
// Properties checked on every input, beyond "no crash, no trap, no hang":
// - the records and errors read are the same whatever the chunk size the
//   bytes arrive in (1…16 bytes, or the default 256 KiB);
// - after a record or a recoverable error the reader goes on; after an
//   unrecoverable error (or the end) it returns nil and stays there.

import AccordCSV
#if canImport(Glibc)
import Glibc
#endif

/// One step of reading: a record, an error, or the end.
enum Step: Equatable {
    case record(CSVRecord)
    case jsonl(JSONLRecord)
    case error(String)
    case end
}

func readCSV(_ bytes: [UInt8], options: CSVReader.Options, chunkSize: Int) -> [Step] {
    let reader = CSVReader(source: ByteSource(bytes: bytes, chunkSize: chunkSize), options: options)
    var steps: [Step] = []
    while steps.count < 100_000 {
        do {
            guard let record = try reader.next() else {
                steps.append(.end)
                break
            }
            steps.append(.record(record))
        } catch let error as CSVError {
            steps.append(.error(error.description))
            if !error.isRecoverable {
                // A finished reader stays finished.
                if (try? reader.next()) != nil { fatalError("the CSV reader went on after an unrecoverable error") }
                break
            }
        } catch {
            steps.append(.error("\(error)"))
            break
        }
    }
    return steps
}

func readJSONL(_ bytes: [UInt8], chunkSize: Int) -> [Step] {
    let reader = JSONLReader(source: ByteSource(bytes: bytes, chunkSize: chunkSize), options: JSONLReader.Options(maxLineLength: 4_096))
    var steps: [Step] = []
    var errors = 0
    while steps.count < 100_000 {
        do {
            guard let record = try reader.next() else {
                steps.append(.end)
                break
            }
            steps.append(.jsonl(record))
        } catch {
            steps.append(.error("\(error)"))
            errors += 1
            if errors > 10_000 { break }
        }
    }
    return steps
}

func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // The first byte picks the options and the small chunk size.
    let control = bytes[0]
    let input = Array(bytes.dropFirst())
    let chunk = Int(control & 0x0f) + 1
    if control & 0x80 != 0 {
        let whole = readJSONL(input, chunkSize: ByteSource.defaultChunkSize)
        let pieces = readJSONL(input, chunkSize: chunk)
        if whole != pieces { fatalError("JSONL: chunk size \(chunk) reads differently:\n\(whole)\n\(pieces)") }
        return 0
    }
    var options: CSVReader.Options = control & 0x10 != 0 ? .tsv : .csv
    options.maxFieldLength = control & 0x20 != 0 ? 16 : options.maxFieldLength
    options.maxFieldCount = control & 0x40 != 0 ? 4 : options.maxFieldCount
    let whole = readCSV(input, options: options, chunkSize: ByteSource.defaultChunkSize)
    let pieces = readCSV(input, options: options, chunkSize: chunk)
    if whole != pieces { fatalError("CSV: chunk size \(chunk) reads differently:\n\(whole)\n\(pieces)") }
    return 0
}

// libFuzzer's driver: the target is linked with libclang_rt.fuzzer_no_main, so
// this file's top-level code is the program's main and hands over to it.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
    guard let data else { return 0 }
    return fuzzCSV(data, size)
})
