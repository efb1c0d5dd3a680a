import Foundation
import FuseAPI

/// Reads call ids from a file or stdin (`-`): one id a line, surrounding
/// white space trimmed, blank lines and `#` comments skipped, CRLF and a
/// UTF-8 BOM tolerated. A CSV whose header has a `call_id` column is read
/// by that column. Every id is checked (`CallID`) and a bad one is refused
/// with its file and line.
public enum IDFileReader {
    /// Calls `take(id, line)` for every id of `path`, in order.
    public static func read(_ path: String, take: (String, Int) throws -> Void) throws {
        let data: Data
        do {
            data = path == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw InputError("cannot read ids file \(path): \((error as NSError).localizedDescription)")
        }
        try parse(Array(data), name: path == "-" ? "stdin" : path, take: take)
    }

    public static func parse(_ bytes: [UInt8], name: String, take: (String, Int) throws -> Void) throws {
        var csvColumn: Int?
        var sawContent = false
        var lineNumber = 0
        var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            lineNumber += 1
            defer { start = end + 1 }
            let line = trim(bytes[start..<end])
            if line.isEmpty || line.first == UInt8(ascii: "#") { continue }
            if !sawContent {
                sawContent = true
                if let column = csvHeaderColumn(line) {
                    csvColumn = column
                    continue
                }
            }
            var idBytes = line
            if let column = csvColumn {
                let fields = csvFields(line)
                guard column < fields.count else {
                    throw InputError("\(name):\(lineNumber): this CSV row has no call_id column (\(fields.count) fields). Fix the row or remove it.")
                }
                idBytes = trim(fields[column][...])[...]
                if idBytes.isEmpty { continue }
            }
            let id = String(decoding: idBytes, as: UTF8.self)
            if let problem = CallID.problem(with: id) {
                let shown = id.count > 40 ? String(id.prefix(40)) + "…" : id
                throw InputError("\(name):\(lineNumber): refused id \(shown.debugDescription): \(problem). Fix or remove that line; nothing was fetched.")
            }
            try take(id, lineNumber)
        }
    }

    private static func trim(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var s = s
        while let f = s.first, f == 0x20 || f == 0x09 || f == 0x0D { s = s.dropFirst() }
        while let l = s.last, l == 0x20 || l == 0x09 || l == 0x0D { s = s.dropLast() }
        return s
    }

    /// The index of the `call_id` column when `line` is a CSV header naming one.
    private static func csvHeaderColumn(_ line: ArraySlice<UInt8>) -> Int? {
        guard line.contains(UInt8(ascii: ",")) else { return nil }
        let names = csvFields(line).map { String(decoding: trim($0[...]), as: UTF8.self).lowercased() }
        return names.firstIndex(of: "call_id")
    }

    /// The fields of one RFC 4180 CSV line (quoted fields, doubled quotes).
    private static func csvFields(_ line: ArraySlice<UInt8>) -> [[UInt8]] {
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
