@testable import AccordFiles
@testable import AccordLedger
@testable import AccordPresentation
import Foundation
import Testing

@Suite("AtomicFile and HeadlessBrowser")
struct BriefOutputTests {
    @Test("a write replaces the file whole and leaves no temporary file")
    func writes() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("brief.html")
        try AtomicFile.write("first", to: path)
        try AtomicFile.write("second, longer", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second, longer")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path) == ["brief.html"])
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o666 & ~Int(AtomicFile.currentUmask()))
    }

    @Test("a write that cannot happen throws and leaves nothing behind")
    func failure() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("missing/brief.html")
        #expect(throws: LedgerError.self) { try AtomicFile.write("x", to: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).isEmpty)
        #expect(throws: LedgerError.self) { try AtomicFile.write("x", to: dir.url.path + "/") }
    }

    @Test("with no browser anywhere, locating one says how to install it")
    func noBrowser() throws {
        let dir = try TemporaryDirectory()
        do {
            _ = try HeadlessBrowser.locate(override: nil, searchPath: dir.url.path, libraryDirectory: dir.path("lib"))
            Issue.record("found a browser in an empty directory")
        } catch let error as LedgerError {
            #expect(error.code == .failure)
            #expect(error.message.contains("apt-get install chromium-headless-shell"))
        }
        do {
            _ = try HeadlessBrowser.locate(override: dir.path("nothing"), searchPath: "", libraryDirectory: dir.path("lib"))
            Issue.record("accepted a missing override")
        } catch let error as LedgerError {
            #expect(error.message.contains("ACCORD_CHROMIUM="))
        }
    }

    @Test("a browser is found on PATH, then under the library directory")
    func findsBrowser() throws {
        let dir = try TemporaryDirectory()
        let bin = dir.path("bin"), lib = dir.path("lib/chromium")
        for folder in [bin, lib] { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        let fake = lib + "/chromium-headless-shell"
        _ = FileManager.default.createFile(atPath: fake, contents: Data("#!/bin/sh\n".utf8), attributes: [.posixPermissions: 0o755])
        #expect(try HeadlessBrowser.locate(override: nil, searchPath: bin, libraryDirectory: dir.path("lib")).path == fake)
        let onPath = bin + "/chromium"
        _ = FileManager.default.createFile(atPath: onPath, contents: Data("#!/bin/sh\n".utf8), attributes: [.posixPermissions: 0o755])
        #expect(try HeadlessBrowser.locate(override: nil, searchPath: bin, libraryDirectory: dir.path("lib")).path == onPath)
    }

    @Test("file URLs percent-encode everything but unreserved characters and slashes")
    func fileURL() {
        #expect(HeadlessBrowser.fileURL("/tmp/a b/é#.html") == "file:///tmp/a%20b/%C3%A9%23.html")
    }
}
