// The HTTP server behind `accord serve`, and the HTTP client behind `accord
// clone URL`, `push`, `pull` and `sync`: its own executable, so that the
// command line links neither NIO and Hummingbird nor async-http-client and
// TLS (their start-up cost; docs/PERFORMANCE.md, S1; docs/ARCHITECTURE.md).

import AccordLedger

@main
enum AccordServerMain {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        // `accord-server client …`: one request for the command line (hidden; see Client.swift).
        if arguments.first == Client.word {
            terminate(await Client.run(Array(arguments.dropFirst())))
        }
        Ledger.skipSQLiteMemoryStatistics()
        await Serve.main()
    }
}
