
/// `report runs`: the archive and import runs, newest first.
public struct RunsReport: Sendable {
    public struct Row: Equatable, Sendable {
        public var runID: Int64
        public var kind: String
        public var startedAt: Int64
        public var endedAt: Int64?
        public var counts: RunCounts
        public var exitCode: Int?
        public var message: String?
        /// The callhist that ran it (`--version`).
        public var version: String?
        public var seconds: Int64? { endedAt.flatMap { SafeMath.minus($0, startedAt) } }

        package init(runID: Int64, kind: String, startedAt: Int64, endedAt: Int64? = nil, counts: RunCounts, exitCode: Int? = nil, message: String? = nil, version: String? = nil) {
            self.runID = runID
            self.kind = kind
            self.startedAt = startedAt
            self.endedAt = endedAt
            self.counts = counts
            self.exitCode = exitCode
            self.message = message
            self.version = version
        }
    }

}
