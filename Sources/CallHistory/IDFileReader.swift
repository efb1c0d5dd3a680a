import Foundation
import FuseAPI

/// Reads call ids from a file or stdin (`-`), streamed line by line: one id
/// a line, surrounding white space trimmed, blank lines and `#` comments
/// skipped, CRLF and a UTF-8 BOM at the start tolerated, a value in double
/// quotes read as a CSV field. A CSV whose header names a `call_id` column
/// (a one-column CSV too) is read by that column. Every id is checked
/// (`CallID`) and a bad one is refused with its file and line.
public enum IDFileReader {
    /// The longest line read; an ids line is an id or a CSV row (docs/reliability.md).
    public static let maxLineBytes = 1 << 20

    /// Calls `take(id, line)` for every id of `path`, in order.
    public static func read(_ path: String, take: (String, Int) throws -> Void) throws {
        let reader = try LineReader(path: path, what: "ids file", maxLineBytes: maxLineBytes)
        defer { reader.close() }
        var parser = Parser(name: reader.name)
        try reader.forEachLine { line, number in
            guard let line else {
                throw InputError("\(reader.name):\(number): the line is longer than \(maxLineBytes) bytes; an ids file holds one id (or one CSV row) a line")
            }
            try parser.line(line[...], number: number, take: take)
        }
    }

    /// The same rules over bytes in memory (tests, fuzzing).
    public static func parse(_ bytes: [UInt8], name: String, take: (String, Int) throws -> Void) throws {
        var parser = Parser(name: name)
        var number = 0
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            number += 1
            try parser.line(line, number: number, take: take)
        }
    }

    struct Parser {
        let name: String
        var csvColumn: Int?
        var sawContent = false

        mutating func line(_ raw: ArraySlice<UInt8>, number: Int, take: (String, Int) throws -> Void) throws {
            var line = raw
            if number == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
            line = IDFileReader.trim(line)
            if line.isEmpty || line.first == UInt8(ascii: "#") { return }
            if !sawContent {
                sawContent = true
                if let column = IDFileReader.csvHeaderColumn(line) {
                    csvColumn = column
                    return
                }
            }
            var idBytes = line
            if let column = csvColumn {
                let fields = IDFileReader.csvFields(line)
                guard column < fields.count else {
                    throw InputError("\(name):\(number): this CSV row has no call_id column (\(fields.count) fields). Fix the row or remove it.")
                }
                idBytes = IDFileReader.trim(fields[column][...])
                if idBytes.isEmpty { return }
            } else if line.first == UInt8(ascii: "\"") {
                // `"c000003"`: a quoted value, as spreadsheets write it.
                let fields = IDFileReader.csvFields(line)
                guard fields.count == 1 else {
                    throw InputError("\(name):\(number): this looks like a CSV row, but the file has no call_id header line. Add one (call_id,…) or write one id a line.")
                }
                idBytes = IDFileReader.trim(fields[0][...])
            }
            let id = String(decoding: idBytes, as: UTF8.self)
            if let problem = CallID.problem(with: id) {
                let shown = id.count > 40 ? String(id.prefix(40)) + "…" : id
                throw InputError("\(name):\(number): refused id \(SafeText.escape(shown.debugDescription)): \(problem). Fix or remove that line; nothing was fetched.")
            }
            try take(id, number)
        }
    }

    static func trim(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var s = s
        while let f = s.first, f == 0x20 || f == 0x09 || f == 0x0D { s = s.dropFirst() }
        while let l = s.last, l == 0x20 || l == 0x09 || l == 0x0D { s = s.dropLast() }
        return s
    }

    /// The index of the `call_id` column when `line` is a CSV header naming
    /// one (`call_id` alone on the line is a one-column CSV's header).
    static func csvHeaderColumn(_ line: ArraySlice<UInt8>) -> Int? {
        let names = csvFields(line).map { String(decoding: trim($0[...]), as: UTF8.self).lowercased() }
        return names.firstIndex(of: "call_id")
    }

    /// The fields of one RFC 4180 CSV line (quoted fields, doubled quotes).
    static func csvFields(_ line: ArraySlice<UInt8>) -> [[UInt8]] {
        var fields: [[UInt8]] = []
        var field: [UInt8] = []
        var quoted = false
        var i = line.startIndex
        while i < line.endIndex {
            let c = line[i]
            if quoted {
                if c == UInt8(ascii: "\"") {
                    if i + 1 < line.endIndex, line[i + 1] == UInt8(ascii: "\"") { field.append(c); i += 1 } else { quoted = false }
                } else {
                    field.append(c)
                }
            } else if c == UInt8(ascii: "\"") && field.isEmpty {
                quoted = true
            } else if c == UInt8(ascii: ",") {
                fields.append(field)
                field = []
            } else {
                field.append(c)
            }
            i += 1
        }
        fields.append(field)
        return fields
    }
}
