import AccordLedger
import AccordPresentation
import ArgumentParser

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Create the built-in demo ledger and print its fulfilment report.",
        discussion: """
            The demo follows the 2025 Istanbul talks (dates illustrative): a 1,000-for-1,000 prisoner exchange \
            in tranches, both sides' restraint from strikes backed by a US sanctions guarantee, one confirmed \
            breach and the guarantor's response, a summit blocked until texts are final, and unverified claims \
            that do not count. The report is judged at the scenario date, \(Demo.scenarioDate).
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var recorder: ActorOptions
    @OptionGroup var output: OutputOptions
    @Flag(help: "Replace an existing file.") var force = false

    func run() throws {
        let ledger = try Demo.create(at: global.path, force: force, as: recorder.recorder(), settings: global.settings)
        printError("Created the demo ledger \(ledger.path). Try: accord report --db \(ledger.path) --at \(Demo.scenarioDate)")
        let report = try ledger.report(ReportOptions(at: try Moment(parsing: Demo.scenarioDate, field: .date)))
        report.render(output.format, header: output.header, raw: output.raw, to: output.stdout())
    }
}
