import PackagePlugin

/// Generates `EmbeddedMigrations.swift` from the `.sql` files that belong to the
/// target (through its `Migrations` symlink to the top-level `Migrations/`), so
/// the schema travels inside the binary rather than in a resource bundle.
@main
struct EmbedMigrationsPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let module = target as? SourceModuleTarget else { return [] }
        let sqlFiles = module.sourceFiles(withSuffix: "sql")
            .map(\.url)
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedMigrations.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(sqlFiles.count) migrations into \(target.name)",
                executable: try context.tool(named: "EmbedMigrations").url,
                arguments: [output.path()] + sqlFiles.map { $0.path() },
                inputFiles: sqlFiles,
                outputFiles: [output]
            )
        ]
    }
}
