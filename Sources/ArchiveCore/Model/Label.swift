import Foundation

/// A label of a call (`name = value`): its campaign, clinic or list, from an
/// ids CSV's other columns, `--label`, an imported record or `callhist
/// label` (docs/schema.md, "call_labels"). Names are lower_snake_case.
public struct Label: Hashable, Sendable, Comparable {
    public var name: String
    public var value: String

    /// The longest name and value kept (bytes): a cell longer than this is
    /// not a label but a pasted document.
    public static let maxNameBytes = 64
    public static let maxValueBytes = 1024

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    public static func < (a: Label, b: Label) -> Bool { (a.name, a.value) < (b.name, b.value) }

    /// `Campaign Name` → `campaign_name`, `Clinic-ID` → `clinic_id`: letters
    /// and digits lowercased, every other run of characters one `_`, none at
    /// either end. Empty when nothing is left.
    public static func normalizedName(_ raw: String) -> String {
        var out = ""
        var gap = false
        for c in raw.lowercased() {
            if c.isLetter || c.isNumber {
                if gap && !out.isEmpty { out += "_" }
                out.append(c)
                gap = false
            } else {
                gap = true
            }
        }
        return out
    }

    /// What is wrong with a name and value, or nil.
    package static func problem(name: String, value: String) -> String? {
        if name.isEmpty { return "the label has no name (letters or digits)" }
        if name.utf8.count > maxNameBytes { return "the label name \(name.prefix(20).debugDescription)… is longer than \(maxNameBytes) bytes" }
        if value.utf8.count > maxValueBytes { return "the value of label \(name) is longer than \(maxValueBytes) bytes" }
        if value.unicodeScalars.contains(where: { $0.value == 0 }) { return "the value of label \(name) holds a NUL character" }
        return nil
    }

    /// `NAME=VALUE` from the command line: the name normalised, the value as
    /// typed (trimmed). Throws `InputError` naming the flag's problem.
    public static func parse(_ text: String) throws -> Label {
        guard let equals = text.firstIndex(of: "=") else {
            throw InputError("--label \(text.debugDescription): expected NAME=VALUE, like campaign=spring")
        }
        let label = Label(
            name: normalizedName(String(text[..<equals])),
            value: String(text[text.index(after: equals)...]).trimmingCharacters(in: .whitespaces))
        if label.value.isEmpty { throw InputError("--label \(text.debugDescription): the value is empty") }
        if let problem = problem(name: label.name, value: label.value) { throw InputError("--label \(text.debugDescription): \(problem)") }
        return label
    }
}
