import Foundation

/// The throwaway PostgreSQL cluster of this test run: started once, on first
/// use, by scripts/pg-cluster.sh (initdb in a temporary folder, a private
/// port), and stopped and removed when the test process exits. No test is
/// skipped for want of a server: a cluster that does not start fails them.
public enum PostgresCluster {
    public struct Server: Sendable {
        /// The superuser's URL, with its password.
        public let adminURL: String
        public let host = "127.0.0.1"
        public let port: Int
        public let password: String
        /// The folder holding the cluster (and its unix socket).
        public let folder: String

        /// A new, empty database of the cluster, for one test: its URL.
        public func createDatabase(_ prefix: String = "t") throws -> String {
            let name = "\(prefix)_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased())"
            try PostgresCluster.psql(adminURL, "CREATE DATABASE \(name)")
            return url(database: name)
        }

        /// `pg_ctl restart -m fast`: every connection dropped, the server
        /// back on the same port a moment later.
        public func restart() throws {
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            let (status, _, err) = PostgresCluster.run(["/bin/bash", root.appendingPathComponent("scripts/pg-cluster.sh").path, "restart", folder])
            guard status == 0 else { throw ClusterError("scripts/pg-cluster.sh restart failed (\(status)): \(err)") }
        }

        public func url(database: String, user: String = "callhist", password: String? = nil) -> String {
            "postgresql://\(user):\(password ?? self.password)@\(host):\(port)/\(database)"
        }
    }

    nonisolated(unsafe) private static var started: String?

    /// The server, starting it on first use.
    public static let shared: Result<Server, Error> = Result {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("callhist-pg-\(getpid())").path
        let (status, out, err) = run(["/bin/bash", root.appendingPathComponent("scripts/pg-cluster.sh").path, "start", folder])
        guard status == 0, let url = out.split(separator: "\n").last.map(String.init), url.hasPrefix("postgresql://") else {
            throw ClusterError("scripts/pg-cluster.sh start failed (\(status)): \(err)")
        }
        started = folder
        atexit {
            guard let folder = PostgresCluster.started else { return }
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            _ = PostgresCluster.run(["/bin/bash", root.appendingPathComponent("scripts/pg-cluster.sh").path, "stop", folder])
        }
        let port = Int(try String(contentsOfFile: folder + "/port", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        let password = try String(contentsOfFile: folder + "/password", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return Server(adminURL: url, port: port, password: password, folder: folder)
    }

    public static func server() throws -> Server { try shared.get() }

    /// Runs SQL with psql (an independent client), returning its unaligned output.
    @discardableResult
    public static func psql(_ url: String, _ sql: String) throws -> String {
        let (status, out, err) = run(["/usr/bin/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql])
        guard status == 0 else { throw ClusterError("psql failed (\(status)) on \(sql.prefix(200)): \(err)") }
        return out
    }

    public struct ClusterError: Error, CustomStringConvertible {
        public let description: String
        init(_ d: String) { description = d }
    }

    /// posix_spawn and waitpid, output to files: the server the script
    /// leaves running would hold a pipe open, and Foundation's `Process`
    /// was seen waiting forever for a script whose daemon outlives it.
    static func run(_ arguments: [String]) -> (Int32, String, String) {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("callhist-run-\(UUID().uuidString)").path
        let outPath = base + ".out"
        let errPath = base + ".err"
        defer {
            unlink(outPath)
            unlink(errPath)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for arg in argv { free(arg) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
        guard rc == 0 else { return (-1, "", "posix_spawn \(arguments[0]) failed: \(rc)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let o = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let e = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return (code, o, e)
    }
}
