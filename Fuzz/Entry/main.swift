// libFuzzer target for the canonical journal entry decoder
// (Entry.decode in Sources/AccordLedger/Journal/Entry.swift).
// Built and run by Fuzz/run.sh; see docs/RELIABILITY.md.
//
// Properties checked on every input, beyond "no crash, no trap, no hang":
// - decode accepts only bytes that encode() produces: a decoded entry
//   re-encodes to exactly the input (the documented contract);
// - the re-encoded bytes decode to an equal entry;
// - the one-line summary of any decodable entry can be made.

@testable import AccordLedger
#if canImport(Glibc)
import Glibc
#endif

func fuzzEntry(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let entry = try? Entry.decode(bytes) else { return 0 }
    let encoded = entry.encoded()
    if encoded != bytes {
        fatalError("Entry.decode accepted bytes that encode() does not produce (\(bytes.count) in, \(encoded.count) out)")
    }
    guard let again = try? Entry.decode(encoded), again == entry else {
        fatalError("a re-encoded entry does not decode to itself")
    }
    _ = entry.payload.summary
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
    return fuzzEntry(data, size)
})
