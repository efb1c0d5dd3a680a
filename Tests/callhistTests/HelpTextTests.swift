import Foundation
import XCTest

/// Help as a person reads it: defaults as typed, no type names, paragraphs
/// that wrap at the terminal (not in the source), options true to the
/// subcommand that offers them.
final class HelpTextTests: XCTestCase {
    static let commands = [
        [], ["archive"], ["import"], ["report"], ["report", "summary"], ["report", "daily"], ["report", "attempts"],
        ["report", "durations"], ["report", "pending"], ["report", "runs"], ["report", "call"], ["export"], ["rebuild"],
        ["forget"], ["backup"], ["doctor"], ["migrate"],
    ]

    func help(_ command: [String], columns: Int = 250) throws -> String {
        let r = try Harness.callhist(command + ["--help"], env: Harness.environment(baseURL: nil, extra: ["COLUMNS": String(columns)]))
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout
    }

    func testEverySubcommandsHelpReadsAsWritten() throws {
        let typeName = try NSRegularExpression(pattern: #"\b[A-Z][A-Za-z]+\(|Optional\(|\(default: [A-Z][a-z]+[A-Z]"#)
        for command in Self.commands {
            let text = try help(command)
            let name = command.joined(separator: " ")
            XCTAssertNil(typeName.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), "\(name): a type name in\n\(text)")
            // On a wide terminal a line ends where a paragraph or sentence
            // does: a break mid-sentence is one written into the source.
            let lines = text.components(separatedBy: "\n")
            for (line, next) in zip(lines, lines.dropFirst()) where line.count < 200 && !line.isEmpty {
                let trimmed = next.drop { $0 == " " }
                guard let first = trimmed.first, first.isLowercase || first == "#" || first == "`" else { continue }
                XCTAssertTrue(
                    line.hasSuffix(".") || line.hasSuffix(":") || line.hasSuffix("?") || line.hasSuffix(")") && trimmed.hasPrefix("--")
                        || line.hasPrefix("  -") || line.hasPrefix("  <") || line.hasPrefix("USAGE") || line.hasPrefix("  See"),
                    "\(name): a line broken mid-sentence: \(line.debugDescription) ⏎ \(next.debugDescription)")
            }
        }
    }

    func testDefaultsAsTypedAndOptionsTrueToTheirCommand() throws {
        let archive = try help(["archive"])
        XCTAssertTrue(archive.contains("(default: 30s)"), archive)
        XCTAssertTrue(archive.contains("(default: 30d)"), archive)
        let runs = try help(["report", "runs"])
        XCTAssertTrue(runs.contains("Runs started at or after this"), runs)
        XCTAssertFalse(runs.contains("--status") || runs.contains("queued"), runs)
        let call = try help(["report", "call"])
        XCTAssertFalse(call.contains("--since") || call.contains("--status"), call)
        XCTAssertEqual(try Harness.callhist(["report", "runs", "--status", "completed"], env: Harness.environment(baseURL: nil)).status, 64)
        XCTAssertEqual(try Harness.callhist(["report", "call", "x", "--since", "1d"], env: Harness.environment(baseURL: nil)).status, 64)
    }
}
