import Foundation
import FuseAPI

/// Reads call ids from a file or stdin (`-`), streamed line by line: one id
/// a line, surrounding white space trimmed, blank lines and `#` comments
/// skipped, CRLF and a UTF-8 BOM at the start tolerated, a value in double
/// quotes read as a CSV field. A spreadsheet's CSV is read by its call-id
/// column: the header names it loosely (`call_id`, `Call ID`, `call id`,
/// `CallID`, `call-id`; `id` when it is the only column), the delimiter is
/// the one of `,`, `;` or tab that finds that column in the header line,
/// and fields follow RFC 4180 in full (quotes, doubled quotes, delimiters
/// and line breaks inside quotes). Every id is checked (`CallID`); every bad
/// line is listed (up to 20, then a count) in one `InputError`, thrown after
/// the whole input was read and before anything is fetched.
public enum IDFileReader {
    /// The longest line read; an ids line is an id or a CSV row (docs/reliability.md).
    public static let maxLineBytes = 1 << 20
    /// The longest CSV record (a quoted field may span lines).
    public static let maxRecordBytes = 1 << 20
    /// Bad lines listed by name before the rest are only counted.
    public static let listedProblems = 20

    /// Calls `take(id, line)` for every id of `path`, in order.
    public static func read(_ path: String, take: (String, Int) throws -> Void) throws {
        try read(path) { id, line, _ in try take(id, line) }
    }

    /// Calls `take(id, line, labels)` for every id of `path`, in order: a
    /// CSV's other columns are the id's labels (`Label`: the header's names
    /// normalised, empty cells skipped).
    public static func read(_ path: String, interrupted: () -> Bool = { false }, labelled take: (String, Int, [Label]) throws -> Void) throws {
        let reader = try LineReader(path: path, what: "ids file", maxLineBytes: maxLineBytes)
        defer { reader.close() }
        var parser = Parser(name: reader.name)
        try reader.forEachLine(interrupted: interrupted) { line, number in
            guard let line else {
                return parser.problem(number, "the line is longer than \(maxLineBytes) bytes; an ids file holds one id (or one CSV row) a line")
            }
            try parser.line(line[...], number: number, take: take)
        }
        try parser.finish()
    }

    /// The same rules over bytes in memory (tests, fuzzing).
    public static func parse(_ bytes: [UInt8], name: String, take: (String, Int, [Label]) throws -> Void) throws {
        var parser = Parser(name: name)
        var number = 0
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            number += 1
            try parser.line(line, number: number, take: take)
        }
        try parser.finish()
    }

    package struct Parser {
        package let name: String
        /// The call-id column, the delimiter and every column's label name
        /// (nil for the id's, or a name with no letter or digit), once a
        /// header named them.
        package var csv: (column: Int, delimiter: UInt8, labels: [String?])?
        package var sawContent = false
        /// A CSV record whose quoted field is still open, and its first line.
        package var pending: [UInt8]?
        package var pendingLine = 0
        package var problems: [String] = []
        package var problemCount = 0

        package mutating func problem(_ number: Int, _ text: String) {
            problemCount += 1
            if problems.count < IDFileReader.listedProblems { problems.append("\(name):\(number): \(text)") }
        }

        /// Throws every problem found, at the end of the input.
        package mutating func finish() throws {
            if pending != nil {
                problem(pendingLine, "a quoted field is never closed (a \" is missing); the record runs to the end of the file")
                pending = nil
            }
            guard problemCount > 0 else { return }
            if problemCount == 1 { throw InputError(problems[0] + " Fix or remove that line; nothing was fetched.") }
            var text = "\(name): \(problemCount) bad lines; fix or remove them, nothing was fetched:"
            for p in problems { text += "\n  " + p }
            if problemCount > problems.count { text += "\n  … and \(problemCount - problems.count) more" }
            throw InputError(text)
        }

        package mutating func line(_ raw: ArraySlice<UInt8>, number: Int, take: (String, Int, [Label]) throws -> Void) throws {
            var line = raw
            if number == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
            if var record = pending {
                // Inside a quoted field: the line break is part of it.
                record.append(0x0A)
                record.append(contentsOf: line)
                guard record.count <= IDFileReader.maxRecordBytes else {
                    pending = nil
                    return problem(pendingLine, "a quoted field runs past \(IDFileReader.maxRecordBytes) bytes (a \" is missing?)")
                }
                guard IDFileReader.quotesBalanced(record[...]) else {
                    pending = record
                    return
                }
                pending = nil
                return try csvRecord(record[...], number: pendingLine, take: take)
            }
            line = IDFileReader.trim(line)
            if line.isEmpty || line.first == UInt8(ascii: "#") { return }
            if !sawContent {
                sawContent = true
                if let header = IDFileReader.csvHeader(line) {
                    let names = IDFileReader.csvFields(line, delimiter: header.delimiter).enumerated().map { i, field -> String? in
                        let name = Label.normalizedName(String(decoding: IDFileReader.trim(field[...]), as: UTF8.self))
                        return i == header.column || name.isEmpty ? nil : name
                    }
                    for name in names.compactMap({ $0 }) where name.utf8.count > Label.maxNameBytes {
                        problem(
                            number,
                            "the column name \(name.prefix(20).debugDescription)… is longer than \(Label.maxNameBytes) bytes; a column is a label of its calls. Shorten it."
                        )
                    }
                    csv = (header.column, header.delimiter, names)
                    return
                }
            }
            if csv != nil {
                guard IDFileReader.quotesBalanced(line) else {
                    pending = Array(line)
                    pendingLine = number
                    return
                }
                return try csvRecord(line, number: number, take: take)
            }
            var idBytes = line
            if line.first == UInt8(ascii: "\"") {
                // `"c000003"`: a quoted value, as spreadsheets write it.
                let fields = IDFileReader.csvFields(line, delimiter: UInt8(ascii: ","))
                guard fields.count == 1 else {
                    return problem(
                        number,
                        "this looks like a CSV row, but the file has no header line naming a call id column. Add one (call_id,…) or write one id a line."
                    )
                }
                idBytes = IDFileReader.trim(fields[0][...])
            }
            try id(idBytes, labels: [], number: number, take: take)
        }

        private mutating func csvRecord(_ record: ArraySlice<UInt8>, number: Int, take: (String, Int, [Label]) throws -> Void) throws {
            guard let csv else { return }
            let fields = IDFileReader.csvFields(record, delimiter: csv.delimiter)
            guard csv.column < fields.count else {
                return problem(
                    number, "this CSV row has \(fields.count) field\(fields.count == 1 ? "" : "s"), so no call id column (column \(csv.column + 1)).")
            }
            let idBytes = IDFileReader.trim(fields[csv.column][...])
            if idBytes.isEmpty { return }
            var labels: [Label] = []
            for (i, field) in fields.enumerated() {
                guard i < csv.labels.count, let name = csv.labels[i] else { continue }
                let value = String(decoding: IDFileReader.trim(field[...]), as: UTF8.self)
                if value.isEmpty { continue }
                if let problem = Label.problem(name: name, value: value) { return self.problem(number, problem + ".") }
                labels.append(Label(name: name, value: value))
            }
            try id(idBytes, labels: labels, number: number, take: take)
        }

        private mutating func id(_ bytes: ArraySlice<UInt8>, labels: [Label], number: Int, take: (String, Int, [Label]) throws -> Void) throws {
            let id = String(decoding: bytes, as: UTF8.self)
            if let problem = CallID.problem(with: id) {
                let shown = id.count > 40 ? String(id.prefix(40)) + "…" : id
                return self.problem(number, "refused id \(SafeText.escape(shown.debugDescription)): \(problem).")
            }
            try take(id, number, labels)
        }
    }

    package static func trim(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var s = s
        while let f = s.first, f == 0x20 || f == 0x09 || f == 0x0D { s = s.dropFirst() }
        while let l = s.last, l == 0x20 || l == 0x09 || l == 0x0D { s = s.dropLast() }
        return s
    }

    /// True when every quoted field of `record` is closed (an even number of quotes).
    package static func quotesBalanced(_ record: ArraySlice<UInt8>) -> Bool {
        record.reduce(0) { $1 == UInt8(ascii: "\"") ? $0 + 1 : $0 } % 2 == 0
    }

    /// A header's name, loosely: `Call ID`, `call_id`, `CallID` and
    /// `call-id` all become `callid`.
    package static func normalizedName(_ field: [UInt8]) -> String {
        String(decoding: trim(field[...]), as: UTF8.self).lowercased().filter { $0.isLetter || $0.isNumber }
    }

    /// The call-id column and delimiter when `line` is a CSV header naming
    /// one (a call-id name alone on the line is a one-column CSV's header).
    package static func csvHeader(_ line: ArraySlice<UInt8>) -> (column: Int, delimiter: UInt8)? {
        for delimiter in [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09] {
            let names = csvFields(line, delimiter: delimiter).map(normalizedName)
            if let column = names.firstIndex(of: "callid") { return (column, delimiter) }
            if names == ["id"] { return (0, delimiter) }
        }
        return nil
    }

    /// The fields of one RFC 4180 record (quoted fields with doubled quotes,
    /// delimiters and line breaks inside).
    package static func csvFields(_ line: ArraySlice<UInt8>, delimiter: UInt8) -> [[UInt8]] {
        var fields: [[UInt8]] = []
        var field: [UInt8] = []
        var quoted = false
        var i = line.startIndex
        while i < line.endIndex {
            let c = line[i]
            if quoted {
                if c == UInt8(ascii: "\"") {
                    if i + 1 < line.endIndex, line[i + 1] == UInt8(ascii: "\"") {
                        field.append(c)
                        i += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
            } else if c == UInt8(ascii: "\"") && trim(field[...]).isEmpty {
                field = []
                quoted = true
            } else if c == delimiter {
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
