/// The one schedule every id of a run goes through (docs/reliability.md,
/// "Which ids a run fetches"): ids from files and ids found in the archive
/// follow the same rules, so an ids file that only grows costs nothing for
/// the calls in it that are waiting or stale. Both the run and `--dry-run`
/// classify with `statement`, so a dry run says exactly what the run does.
public enum Schedule {
    /// Why an id is, or is not, fetched by a run.
    public enum Reason: String, Sendable, CaseIterable {
        /// Not in the archive yet.
        case new
        /// `--force`: a given id, fetched whatever its state.
        case forced
        /// Typed as an argument: a person asked, so it is fetched now, final or not.
        case asked
        /// `--refresh-all`: every call that is not final.
        case refreshAll = "refresh-all"
        /// Remembered by an earlier run that never got an answer for it.
        case neverFetched = "never-fetched"
        /// The API did not know it (404) at its last check: asked again when its backoff elapsed,
        /// until it is stale like any call (docs/reliability.md, "Unknown ids").
        case unknown
        /// The last fetch brought no body (403, a failure): retried when its backoff elapsed.
        case retry
        /// Changed at its last check (or was new): due at once.
        case changed
        /// Unchanged at its last check(s) and the backoff has elapsed.
        case backoffElapsed = "backoff-elapsed"
        /// Not due yet: `at` is when it will be.
        case waiting
        /// Queued longer ago than `--stale-after`: `at` is when it became stale.
        case stale
        /// Final: its status can no longer change.
        case final

        /// True when a run fetches an id for this reason.
        public var fetches: Bool {
            switch self {
            case .new, .forced, .asked, .refreshAll, .neverFetched, .unknown, .retry, .changed, .backoffElapsed: true
            case .waiting, .stale, .final: false
            }
        }

        /// The words `--dry-run` prints.
        public var phrase: String {
            switch self {
            case .new: "new"
            case .forced: "forced (--force)"
            case .asked: "asked for (an argument)"
            case .refreshAll: "due: --refresh-all"
            case .neverFetched: "due: never answered"
            case .unknown: "due: unknown to the API (404), backoff elapsed"
            case .retry: "due: last fetch failed, backoff elapsed"
            case .changed: "due: changed"
            case .backoffElapsed: "due: backoff elapsed"
            case .waiting: "waiting"
            case .stale: "stale"
            case .final: "final"
            }
        }
    }

    /// What decides a classification besides the archive's rows.
    package struct Inputs {
        package var now: Int64
        package var staleAfter: Int64
        /// Re-derive staleness from the clock (false when the clock is behind
        /// the last run: then the stored `is_stale` stands).
        package var markStale: Bool
        package var refresh: Bool
        package var refreshAll: Bool
        package var force: Bool
    }

    /// The parameters of `statement`, by name, with their values for `i`.
    package static func parameters(_ i: Inputs) -> [(name: String, value: Int64)] {
        [
            ("mark", i.markStale ? 1 : 0), ("staleBefore", SafeMath.plus(i.now, -i.staleAfter)), ("refresh", i.refresh ? 1 : 0),
            ("force", i.force ? 1 : 0), ("refreshAll", i.refreshAll ? 1 : 0), ("now", i.now), ("staleAfter", i.staleAfter),
        ]
    }

    /// The classification as one INSERT into `<temp>.plan` (seq, call_id,
    /// given, reason, fetch, at) from `<temp>.requested` (seq, call_id,
    /// typed) and the archive: the given ids first in their order, then the
    /// archive's calls that are not final, soonest due first. Written once
    /// for both backends: `temp` names the temporary schema and `p` writes a
    /// parameter (`mark`, `staleBefore`, … of `parameters`, all integers;
    /// flags are 0 or 1).
    package static func statement(temp: String, _ p: (String) -> String) -> String {
        let fetching = Reason.allCases.filter(\.fetches).map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let opened = ReportSQL.openedAt()
        let columns = """
            CASE WHEN c.call_id IS NULL THEN 1 ELSE 0 END AS absent, c.is_final, c.last_outcome, c.unchanged_checks, c.next_check_at,
            \(opened) AS opened,
            CASE WHEN \(p("mark")) <> 0 THEN CASE WHEN \(opened) < \(p("staleBefore")) THEN 1 ELSE 0 END ELSE c.is_stale END AS stale
            """
        return """
            WITH candidates AS (
                SELECT 0 AS source, r.seq AS ord, r.call_id, r.typed, \(columns)
                FROM \(temp).requested r LEFT JOIN calls c USING (call_id)
                UNION ALL
                SELECT 1, c.next_check_at, c.call_id, 0, \(columns)
                FROM calls c WHERE \(p("refresh")) <> 0 AND c.is_final = 0 AND c.call_id NOT IN (SELECT call_id FROM \(temp).requested)
            ), classified AS (
                SELECT source, ord, call_id, opened, next_check_at, CASE
                    WHEN absent <> 0 THEN 'new'
                    WHEN source = 0 AND \(p("force")) <> 0 THEN 'forced'
                    WHEN source = 0 AND typed <> 0 THEN 'asked'
                    WHEN is_final <> 0 THEN 'final'
                    WHEN \(p("refreshAll")) <> 0 THEN 'refresh-all'
                    WHEN stale <> 0 THEN 'stale'
                    WHEN next_check_at > \(p("now")) THEN 'waiting'
                    WHEN last_outcome IS NULL THEN 'never-fetched'
                    WHEN last_outcome = 'not_found' THEN 'unknown'
                    WHEN last_outcome IN ('forbidden', 'failed', 'malformed') THEN 'retry'
                    WHEN unchanged_checks = 0 THEN 'changed'
                    ELSE 'backoff-elapsed' END AS reason
                FROM candidates
            )
            INSERT INTO \(temp).plan (call_id, given, reason, fetches, at)
            SELECT call_id, CASE WHEN source = 0 THEN 1 ELSE 0 END, reason, CASE WHEN reason IN (\(fetching)) THEN 1 ELSE 0 END,
                   CASE reason WHEN 'waiting' THEN next_check_at WHEN 'stale' THEN opened + \(p("staleAfter")) END
            FROM classified ORDER BY source, ord
            """
    }
}
