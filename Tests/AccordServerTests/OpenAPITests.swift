import AccordServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// docs/openapi.yaml describes exactly the router's routes, with their roles.
@Suite struct OpenAPITests {
    static var root: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }

    func served() async throws -> [String: Any] {
        let fixture = try ServerFixture()
        let (app, service) = try await fixture.application()
        defer { Task { await service.close() } }
        return try await app.test(.router) { client in
            let response = try await client.execute(uri: "/v1/openapi.json", method: .get)
            #expect(response.status == .ok)
            return try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
        }
    }

    @Test func routesAreTheDocumentsPaths() async throws {
        let document = try await served()
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var documented: Set<String> = []
        var roles: [String: Set<String>] = [:]
        for (path, operations) in paths {
            for (method, operation) in operations {
                let key = "\(method.uppercased()) \(path)"
                documented.insert(key)
                if let listed = (operation as? [String: Any])?["x-roles"] as? [String] { roles[key] = Set(listed) }
            }
        }
        let routed = Set(Routes.all.map { "\($0.method.rawValue) \($0.path)" })
        #expect(documented == routed, "only documented: \(documented.subtracting(routed)); only routed: \(routed.subtracting(documented))")
        for route in Routes.all {
            let key = "\(route.method.rawValue) \(route.path)"
            #expect(roles[key] == route.roles.map { Set($0.map(\.rawValue)) }, "x-roles of \(key)")
        }
    }

    /// The JSON the server carries is docs/openapi.yaml (Scripts/openapi.py --check; needs PyYAML).
    @Test func carriedDocumentIsTheYAML() throws {
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import yaml"]
        check.standardError = FileHandle.nullDevice
        try check.run()
        check.waitUntilExit()
        guard check.terminationStatus == 0 else {
            print("OpenAPITests: PyYAML is not installed (pip install pyyaml); the carried document was not compared")
            return
        }
        let script = Process()
        script.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        script.arguments = ["python3", OpenAPITests.root.appendingPathComponent("Scripts/openapi.py").path, "--check"]
        let errors = Pipe()
        script.standardError = errors
        try script.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        script.waitUntilExit()
        #expect(script.terminationStatus == 0, "\(message)")
    }

    /// The document is valid OpenAPI 3.1 by openapi-spec-validator (PyPI;
    /// `.ci/run` installs it). A missing validator is a failure, not a skip.
    @Test func documentValidates() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import sys, yaml
            from openapi_spec_validator import validate
            validate(yaml.safe_load(open(sys.argv[1])))
            """, OpenAPITests.root.appendingPathComponent("docs/openapi.yaml").path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0,
                "docs/openapi.yaml does not validate (pip install openapi-spec-validator pyyaml if it is missing): \(message)")
    }
}
