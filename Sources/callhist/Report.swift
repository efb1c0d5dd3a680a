import ArgumentParser

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Questions answered from the archive: completion rates, durations, attempts, pending calls, runs, labels, anomalies, and an HTML page of them all.",
        discussion:
            "Definitions: docs/reports.md. Reports count calls with a status; time filters and day buckets use queued_timestamp in the local time zone (TZ) unless --utc.",
        subcommands: [
            ReportSummary.self, ReportDaily.self, ReportHours.self, ReportCompare.self, ReportAttempts.self, ReportDurations.self, ReportPending.self,
            ReportRuns.self,
            ReportCall.self,
            ReportLabels.self, ReportAnomalies.self, ReportHTML.self,
        ]
    )
}
