import Foundation

/// The storage side of an archive, behind `CallArchive`: the factory of a
/// backend's seams — its report rows (`ReportRows`, which it is), the rows
/// of a run (`runRows`), the connection the core's own statements run on
/// (`sql`) — and what only a whole archive does (docs/architecture.md,
/// "Adding a backend").
package protocol ArchiveBackend: ReportRows {
    var path: String { get }

    /// The rows an archive, import or rebuild run reads and writes (`Archiver`, `Importer`, `Rebuilder`, `CallStore`).
    func runRows() throws -> any ArchiveRunRows
    /// The connection the statements written once in the core run on.
    var sql: any SQLDatabase { get }
    /// Runs `body` while no archive run writes (`forget`, `rebuild`), or
    /// throws `ArchiveError.busy` naming `others`.
    func alone<T>(_ others: String, _ body: () throws -> T) throws -> T
    func export(_ table: Exporter.Table, format: Exporter.Format, filter: CallFilter, zone: TimeZone?, to sink: OutputSink) throws -> Int
    func backup(to destination: String) throws -> Int
    func checks() throws -> [ArchiveCheck]
    var schemaVersion: Int { get throws }
    func close() throws
    /// A new connection to the same archive, for a run's last bookkeeping
    /// after its own connection was lost (a database server that restarted);
    /// nil where that cannot help (a file: the run lock keeps its end).
    func reconnected() throws -> (any SQLDatabase)?
}

extension ArchiveBackend {
    package func reconnected() throws -> (any SQLDatabase)? { nil }
}
