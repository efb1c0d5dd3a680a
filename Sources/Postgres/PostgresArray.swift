/// Array parameters in PostgreSQL's text form (`{"a","b",NULL}`), for
/// statements that take a list at once (`unnest($2::text[])`).
public enum PostgresArray {
    /// Every element quoted, `"` and `\` escaped: any text survives.
    public static func text(_ values: [String?]) -> String {
        "{"
            + values.map { v in
                guard let v else { return "NULL" }
                return "\"" + v.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
            }.joined(separator: ",") + "}"
    }

    public static func integers(_ values: [Int64?]) -> String {
        "{" + values.map { $0.map(String.init) ?? "NULL" }.joined(separator: ",") + "}"
    }
}
