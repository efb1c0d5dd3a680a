import Foundation
import PackagePlugin

/// Turns `Migrations/*.sql` (SQLite) and `Migrations/postgresql/*.sql` into a Swift source file, so the
/// built binary carries its schema: copying the binary alone is a full install.
@main
struct EmbedMigrations: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let folder = context.package.directoryURL.appending(path: "Migrations")
        let postgres = folder.appending(path: "postgresql")
        let sql = { (dir: URL) throws -> [URL] in
            try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "sql" }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        }
        // SQLite's first, then PostgreSQL's (Embedder splits them by folder).
        let files = try sql(folder) + sql(postgres)
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedMigrations.swift")
        // The version is `git describe` of the checkout: a commit (git's HEAD
        // and index change) rebuilds it.
        let git = context.package.directoryURL.appending(path: ".git")
        let gitInputs = ["HEAD", "index"].map { git.appending(path: $0) }.filter { FileManager.default.fileExists(atPath: $0.path) }
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) migrations and the version",
                executable: try context.tool(named: "Embedder").url,
                arguments: [output.path, "--package", context.package.directoryURL.path] + files.map(\.path),
                inputFiles: files + [folder, postgres] + gitInputs,
                outputFiles: [output]
            )
        ]
    }
}
