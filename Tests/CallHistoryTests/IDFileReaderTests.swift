import ArchiveCore
import ArchiveSQLite
import CallHistory
import TestSupport
import XCTest

final class IDFileReaderTests: XCTestCase {
    func read(_ text: String) throws -> [String] {
        var out: [String] = []
        try IDFileReader.parse(Array(text.utf8), name: "ids.txt") { id, _, _ in out.append(id) }
        return out
    }

    func testLinesCommentsCRLFAndBOM() throws {
        XCTAssertEqual(try read("\u{FEFF}a1\r\n# note\r\n\r\n  b2\t\n#c3\nc3"), ["a1", "b2", "c3"])
        XCTAssertEqual(try read(""), [])
    }

    func testCSVByItsCallIdColumn() throws {
        XCTAssertEqual(try read("name,Call_ID\r\n\"Smith, J\",x1\nDoe,\"x2\"\nNobody,\n"), ["x1", "x2"])
        XCTAssertEqual(try read("a,b\n"), ["a,b"], "without a call_id header a line is one id, commas and all")
    }

    func testRefusalsNameFileAndLine() {
        let cases: [(String, String)] = [
            ("ok\nbad id\n", "ids.txt:2"), ("ok\n\n\na/b", "ids.txt:4"), ("x\u{0}y", "control character"),
            (String(repeating: "x", count: 10_000), "10000 bytes"),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try read(text)) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(error)")
            }
        }
        XCTAssertThrowsError(try IDFileReader.parse([0x61, 0xFF, 0x62], name: "bin") { _, _, _ in }) { error in
            XCTAssertTrue("\(error)".contains("bin:1"), "\(error)")
            XCTAssertTrue("\(error)".contains("UTF-8"), "\(error)")
        }
    }

    func testIDFilesAsPeopleWriteThem() throws {
        XCTAssertEqual(try read("call_id\nc000001\nc000002\n"), ["c000001", "c000002"], "a one-column CSV: the header is not an id")
        XCTAssertEqual(try read("\"Call_ID\"\r\n\"c000003\"\r\nc000004\r\n"), ["c000003", "c000004"])
        XCTAssertEqual(try read("\"c000005\"\n\"c0000\"\"06\"\n"), ["c000005", "c0000\"06"], "quotes are CSV quoting, not part of the id")
        XCTAssertEqual(try read("\u{FEFF}call_id\r\nx1\r\n"), ["x1"], "a BOM at the start")
        XCTAssertThrowsError(try read("x1\n\u{FEFF}x2\n")) { error in
            XCTAssertTrue("\(error)".contains("ids.txt:2") && "\(error)".contains("U+FEFF"), "\(error)")
        }
        XCTAssertThrowsError(try read("x\u{200B}y\n")) { error in
            XCTAssertTrue("\(error)".contains("U+200B"), "\(error)")
        }
        XCTAssertThrowsError(try read("\"a\",\"b\"\n")) { error in
            XCTAssertTrue("\(error)".contains("no header line naming a call id column"), "\(error)")
        }
    }

    func testSpreadsheetCSVs() throws {
        // RFC 4180: a quoted field with the delimiter, doubled quotes and line breaks.
        XCTAssertEqual(try read("note,call_id\r\n\"two\r\nlines, and \"\"quotes\"\"\",c1\r\nplain,c2\r\n"), ["c1", "c2"])
        var lines: [Int] = []
        try IDFileReader.parse(Array("call_id,note\nc1,\"a\nb\nc\"\nc2,x\n".utf8), name: "f") { _, line, _ in lines.append(line) }
        XCTAssertEqual(lines, [2, 5], "a record is named by the line it starts on")
        // Delimiters found from the header: Excel in most of Europe writes `;`.
        XCTAssertEqual(try read("Kampagne;Call ID;Telefon\nfrühling;c3;+49 30 1234\n\"a;b\";c4;x\n"), ["c3", "c4"])
        XCTAssertEqual(try read("campaign\tcallid\nspring\tc5\n"), ["c5"])
        // Headers as people type them.
        for header in ["call_id", "Call ID", "call id", "CallID", "CALL-ID", "\"Call Id\"", "id", "ID"] {
            XCTAssertEqual(try read("\(header)\nc6\n"), ["c6"], header)
        }
        XCTAssertEqual(try read("name,id\nx,c7\n"), ["name,id", "x,c7"], "`id` is a header only alone: here these are ids with commas")
    }

    func testEveryBadLineIsListedUpToTwentyThenCounted() {
        let text = (1...30).map { $0 % 2 == 0 ? "ok\($0)" : "bad id \($0)" }.joined(separator: "\n")
        XCTAssertThrowsError(try read(text)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("ids.txt: 15 bad lines; fix or remove them, nothing was fetched:"), message)
            XCTAssertTrue(message.contains("\n  ids.txt:1: refused id \"bad id 1\""), message)
            XCTAssertTrue(message.contains("\n  ids.txt:29: refused id"), message)
            XCTAssertEqual(message.components(separatedBy: "\n  ids.txt:").count - 1, 15)
        }
        let many = (1...50).map { "bad id \($0)" }.joined(separator: "\n")
        XCTAssertThrowsError(try read(many)) { error in
            let message = "\(error)"
            XCTAssertEqual(message.components(separatedBy: "\n  ids.txt:").count - 1, 20)
            XCTAssertTrue(message.hasSuffix("\n  … and 30 more"), message)
        }
        XCTAssertThrowsError(try read("call_id,note\nc1,\"never closed\nc2,x\n")) { error in
            XCTAssertTrue("\(error)".contains("ids.txt:2: a quoted field is never closed"), "\(error)")
        }
        XCTAssertThrowsError(try read("a;b;call_id\nx;y\n")) { error in
            XCTAssertTrue("\(error)".contains("ids.txt:2: this CSV row has 2 fields, so no call id column (column 3)."), "\(error)")
        }
    }

    func testStreamedFromAFileWithTheSameRules() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("ids.csv", "call_id,campaign\r\n\"c1\",spring\r\nc2,spring")
        var out: [String] = []
        try IDFileReader.read(path) { id, line in out.append("\(line):\(id)") }
        XCTAssertEqual(out, ["2:c1", "3:c2"])
        XCTAssertThrowsError(try IDFileReader.read(dir.url.path) { _, _ in }) { error in
            XCTAssertTrue("\(error)".contains("is a folder, not a file"), "\(error)")
        }
    }

    func testACSVsOtherColumnsAreLabelsWithNormalisedNames() throws {
        var out: [String] = []
        let text = "Call ID;Campaign Name;Clinic-ID;  ;Note\nc1;Spring 2026;\"A;1\";x;\nc2;;B;y;hello\n"
        try IDFileReader.parse(Array(text.utf8), name: "f.csv") { id, _, labels in
            out.append(id + " " + labels.map { "\($0.name)=\($0.value)" }.joined(separator: " "))
        }
        // Empty cells are no label; a column without a name is no label.
        XCTAssertEqual(out, ["c1 campaign_name=Spring 2026 clinic_id=A;1", "c2 clinic_id=B note=hello"])
        XCTAssertEqual(Label.normalizedName("  Campaign -- Name (2026) "), "campaign_name_2026")
        XCTAssertEqual(Label.normalizedName("Clínica"), "clínica")
        XCTAssertEqual(Label.normalizedName("__"), "")
        XCTAssertEqual(try Label.parse("Campaign Name = spring "), Label(name: "campaign_name", value: "spring"))
        XCTAssertThrowsError(try Label.parse("campaign"))
        XCTAssertThrowsError(try Label.parse("campaign="))
    }
}
