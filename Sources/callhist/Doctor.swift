import ArgumentParser
import CallHistory
import Foundation
import FuseAPI
import SQLite

struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the archive and the configuration; exit 1 when something needs attention.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var fuse: FuseOptions
    @Flag(help: "Also send one real request to the API to check the URL and credentials.") var ping = false

    func run() throws {
        var attention = 0
        func report(_ level: String, _ message: String) {
            if level != "ok" && level != "info" { attention += 1 }
            print("\(level.uppercased().padding(toLength: 5, withPad: " ", startingAt: 0)) \(message)")
        }
        do {
            let db = try ArchiveFile.openForReading(database.path)
            report("ok", "\(database.path) opens; schema version \(try Migrator.version(of: db)) (SQLite \(Connection.libraryVersion))")
            let integrity = try db.scalarString("PRAGMA integrity_check") ?? "?"
            report(integrity == "ok" ? "ok" : "fail", "integrity_check: \(integrity)")
            let fk = try db.scalarInt("SELECT count(*) FROM pragma_foreign_key_check") ?? 0
            report(fk == 0 ? "ok" : "fail", "foreign_key_check: \(fk) violations")
            let orphans = try db.scalarInt("SELECT count(*) FROM call_events e LEFT JOIN calls c USING (call_id) WHERE c.call_id IS NULL OR c.snapshot_id IS NULL") ?? 0
            report(orphans == 0 ? "ok" : "fail", "orphan events: \(orphans)")
            let counts = try db.prepare("""
                SELECT count(*), sum(is_final = 0 AND status IS NOT NULL), sum(is_stale <> 0), sum(status IS NULL) FROM calls
                """).first([]) { ($0.int(0), $0.int(1), $0.int(2), $0.int(3)) }!
            report("info", "\(counts.0) calls: \(counts.1) pending, \(counts.2) stale, \(counts.3) never fetched successfully")
            if let last = try db.prepare("SELECT run_id, kind, started_at, ended_at, exit_code, message FROM archive_runs ORDER BY run_id DESC LIMIT 1")
                .first([], { (id: $0.int64(0), kind: $0.string(1), started: $0.int64(2), ended: $0.optionalInt64(3), exit: $0.optionalInt(4), message: $0.optionalString(5)) }) {
                let when = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(last.started)))
                if last.ended == nil {
                    report("warn", "last run \(last.id) (\(last.kind), started \(when)) did not finish: it was killed or is still running")
                } else if last.exit != 0 {
                    report("warn", "last run \(last.id) (\(last.kind), \(when)) exited \(last.exit ?? -1): \(last.message ?? "")")
                } else {
                    report("ok", "last run \(last.id) (\(last.kind), \(when)) exited 0")
                }
                let age = SafeMath.minus(Int64(Date().timeIntervalSince1970), last.started) ?? 0
                if age > 2 * 86_400 { report("warn", "no run for \(age / 86_400) days: is the nightly job installed?") }
            } else {
                report("info", "no archive run yet")
            }
        } catch {
            report("fail", "\(error)")
        }
        var credentials: FuseCredentials?
        do {
            credentials = try fuse.credentials()
            report("ok", "credentials configured: \(credentials!)")
        } catch {
            report("warn", "credentials: \(error)")
        }
        if ping, let credentials {
            do {
                var config = FuseClient.Configuration(endpoint: try fuse.endpoint(), credentials: credentials)
                config.retry.retries = 0
                config.userAgent = "callhist/\(CallhistVersion.string)"
                var outcome: FetchOutcome?
                FuseClient(config).fetch(["callhist-doctor-ping"]) { outcome = $0.outcome }
                switch outcome {
                case .found?, .notFound?, .forbidden?: report("ok", "API \(config.endpoint.baseURL) answered and accepted the credentials")
                case .unauthorized(let message)?: report("fail", "API refused the credentials (401: \(message))")
                case .failed(let f)?: report("fail", "API \(config.endpoint.baseURL): \(f.reason)")
                case nil: report("fail", "API gave no answer")
                }
            } catch {
                report("fail", "\(error)")
            }
        }
        if attention > 0 {
            print("\(attention) item(s) need attention")
            throw ExitCode(1)
        }
    }
}
