import Foundation
import FuseAPI
import XCTest

@testable import ArchiveCore

/// Labels, forget, import, export and rebuild over the core, with the
/// values they must leave behind. One body for both backends.
struct MaintenanceBehaviour {
    let f: CoreFixture

    func dialing(_ id: String, at now: Int64 = 100) throws {
        try f.store(
            id,
            json:
                #"{"call_details": {"status": "dialing", "attempts": "1", "queued_timestamp": "50", "events": [{"event": "queued", "timestamp": 50}]}}"#,
            at: now)
    }

    func labelsAreSetOncePerNameAndRemovedByNameOrValue() throws {
        try dialing("a")
        try dialing("b")
        XCTAssertThrowsError(try f.archive.label(["a", "nobody"], idFiles: [], add: [Label(name: "campaign", value: "spring")], remove: [])) {
            XCTAssertEqual("\($0)", "1 of these ids are not in the archive (nobody): no label was changed. Archive them first.")
        }
        XCTAssertEqual(try f.integer("SELECT count(*) FROM call_labels"), 0, "all or nothing")
        let added = try f.archive.label(["a", "b"], idFiles: [], add: [Label(name: "campaign", value: "spring")], remove: [])
        XCTAssertEqual(
            added,
            Labeller.Report(
                calls: 2, added: 2, replaced: 0, removed: 0, counts: [Labeller.NameCounts(name: "campaign", before: [:], after: ["spring": 2])]))
        // One value per name: another value replaces it, and the counts say so.
        let corrected = try f.archive.label(["b"], idFiles: [], add: [Label(name: "campaign", value: "autumn")], remove: [])
        XCTAssertEqual(corrected.replaced, 1)
        XCTAssertEqual(corrected.counts, [Labeller.NameCounts(name: "campaign", before: ["spring": 2], after: ["spring": 1, "autumn": 1])])
        XCTAssertEqual(
            try f.archive.label(["b"], idFiles: [], add: [Label(name: "campaign", value: "spring")], remove: []).replaced, 1, "and back")
        XCTAssertEqual(
            try f.archive.label(
                ["a"], idFiles: [], add: [Label(name: "campaign", value: "spring"), Label(name: "region", value: "north")],
                remove: []
            ).added, 1, "a label held already is not added again")
        XCTAssertEqual(
            try f.texts("SELECT call_id || ':' || name || '=' || value FROM call_labels ORDER BY call_id, name"),
            ["a:campaign=spring", "a:region=north", "b:campaign=spring"])
        XCTAssertEqual(
            try f.archive.label(["a", "b"], idFiles: [], add: [], remove: [Labeller.Removal(name: "campaign", value: "autumn")]).removed, 0,
            "another value stays")
        XCTAssertEqual(try f.archive.label(["a", "b"], idFiles: [], add: [], remove: [Labeller.Removal(name: "campaign", value: nil)]).removed, 2)
        XCTAssertEqual(try f.texts("SELECT call_id || ':' || name FROM call_labels"), ["a:region"])
        XCTAssertEqual(try f.archive.labelNames(), ["region"])
    }

    func forgetRemovesJunkAndKeepsDataUnlessForced() throws {
        try dialing("kept")
        try f.problem("junk", outcome: "not_found", http: 404, message: "No outbound call was found by that id.", at: 100)
        XCTAssertThrowsError(try f.archive.forget(["kept", "junk"], idFiles: [], force: false)) { error in
            XCTAssertTrue("\(error)".contains("1 of these ids have archived data (kept): nothing was forgotten"), "\(error)")
        }
        XCTAssertEqual(try f.integer("SELECT count(*) FROM calls"), 2, "all or nothing")
        let r = try f.archive.forget(["junk", "unknown"], idFiles: [], force: false)
        XCTAssertEqual([r.forgotten, r.forgottenWithData, r.unknown], [1, 0, 1])
        let forced = try f.archive.forget(["kept"], idFiles: [], force: true)
        XCTAssertEqual(forced.forgottenWithData, 1)
        for table in ["calls", "call_snapshots", "call_events", "status_changes"] {
            XCTAssertEqual(try f.integer("SELECT count(*) FROM \(table)"), 0, table)
        }
        XCTAssertEqual(try f.archive.summary(CallFilter()).calls, 0, "the reports forget it too")
    }

    /// An imported record's labels are named as every label is: `Campaign Name` is `campaign_name`.
    func importStoresBodiesAndNormalisesLabelNames() throws {
        let file = try f.write(
            "calls.ndjson",
            """
            {"call_id": "i1", "call_details": {"status": "completed", "attempts": "1", "duration": 30, "queued_timestamp": "1000", "events": [{"event": "connected", "timestamp": 1010}, {"event": "disconnected", "timestamp": 1040}]}, "labels": {"Campaign Name": "Spring 26", "Clinic-ID": "B7"}}
            {"call_id": "i2", "call_details": {"status": "queued", "queued_timestamp": "1000"}}
            not json

            """)
        var problems: [String] = []
        let r = try f.archive.importFiles([file], exitCode: { $0 == .completed ? 0 : 65 }, problem: { problems.append($0) })
        XCTAssertEqual(r.counts.new, 2)
        XCTAssertEqual(r.badLines, 1)
        XCTAssertEqual(problems.count, 1)
        XCTAssertTrue(problems[0].hasSuffix("calls.ndjson:3: not valid JSON: unexpected character at byte 0; body starts: not json"), problems[0])
        XCTAssertEqual(
            try f.texts("SELECT name || '=' || value FROM call_labels WHERE call_id = 'i1' ORDER BY name"),
            ["campaign_name=Spring 26", "clinic_id=B7"])
        XCTAssertEqual(try f.column("status || ' ' || duration || ' ' || event_duration", of: "i1"), "completed 30 30")
        XCTAssertEqual(try f.integer("SELECT exit_code FROM archive_runs WHERE kind = 'import'"), 65, "the run records the bad line")
        XCTAssertEqual(try f.archive.summary(CallFilter(labels: [Label(name: "campaign_name", value: "Spring 26")])).calls, 1)
    }

    func exportWritesEveryCallWithItsLabels() throws {
        try dialing("e1")
        try f.store("e2", json: #"{"call_details": {"status": "completed", "attempts": "2", "duration": 7, "phone_number": "'=cmd'"}}"#, at: 200)
        _ = try f.archive.label(["e2"], idFiles: [], add: [Label(name: "campaign", value: "x")], remove: [])
        let path = f.dir.path("calls.csv")
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let sink = OutputSink(fd: fd, name: path)
        XCTAssertEqual(try f.archive.export(.calls, format: .csv, filter: CallFilter(), zone: nil, to: sink), 2)
        try sink.flush()
        close(fd)
        let lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\r\n")
        XCTAssertEqual(lines[0], (CSVExport.callFields + ["label_campaign"]).joined(separator: ","))
        XCTAssertTrue(lines[1].hasPrefix("e1,dialing,,1,,1970-01-01T00:00:50Z,"), lines[1])
        XCTAssertTrue(lines[1].hasSuffix(","), "no campaign: an empty cell: \(lines[1])")
        XCTAssertTrue(lines[2].hasPrefix("e2,completed,'=cmd,2,,,,,,,7,"), lines[2])
        XCTAssertTrue(lines[2].hasSuffix(",x"), lines[2])
    }

    func rebuildRederivesFromTheNewestSnapshot() throws {
        try f.store(
            "r1",
            json:
                #"{"call_details": {"status": "completed", "attempts": "1", "duration": 60, "events": [{"event": "connected", "timestamp": 10}, {"event": "disconnected", "timestamp": 70}]}}"#,
            at: 100)
        // Another tool damaged the derived columns and the events.
        try f.sql.run("UPDATE calls SET status = 'queued', duration = NULL, event_duration = NULL WHERE call_id = 'r1'", [])
        try f.sql.run("DELETE FROM call_events", [])
        try f.sql.callsChanged()
        let r = try f.archive.rebuild()
        XCTAssertEqual(r.calls, 1)
        XCTAssertEqual(r.changed, 1)
        XCTAssertEqual(try f.column("status || ' ' || duration || ' ' || event_duration", of: "r1"), "completed 60 60")
        XCTAssertEqual(try f.integer("SELECT count(*) FROM call_events"), 2)
        XCTAssertEqual(try f.archive.summary(CallFilter()).completed, 1, "the reports read the rebuilt call")
    }
}
