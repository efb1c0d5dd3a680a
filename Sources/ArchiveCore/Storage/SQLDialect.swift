/// What truly differs between SQLite's SQL and PostgreSQL's for the
/// statements the core writes once (docs/architecture.md, "Seams"): plain
/// SQL text with the differences named, in the spirit of sql-kit's
/// `SQLDialect`, not an ORM. A statement is written with `?` for each
/// parameter, in order; `render` numbers them where the database wants
/// `$1`, `$2`, ….
package struct SQLDialect: Sendable {
    /// `?` (false) or `$n` (true).
    let numbersParameters: Bool
    /// The schema temporary tables live in: `temp.given`, `pg_temp.given`.
    package let temporarySchema: String
    /// A text key column of a temporary table, ordered byte by byte as the
    /// archive's own text columns are.
    package let textKey: String
    /// Tables keyed by `call_id` that only this backend has (PostgreSQL's
    /// `call_claims`): a call removed is removed from them too.
    package let ownCallTables: [String]
    /// SQLite's `INDEXED BY` where its planner needs the hint (PostgreSQL's
    /// chooses well alone): the index's name, or nothing.
    let indexHints: Bool

    /// ` INDEXED BY name`, or nothing where the dialect has no hints.
    package func indexedBy(_ index: String) -> String { indexHints ? " INDEXED BY \(index)" : "" }

    package static let sqlite = SQLDialect(
        numbersParameters: false, temporarySchema: "temp", textKey: "TEXT NOT NULL", ownCallTables: [], indexHints: true)
    package static let postgresql = SQLDialect(
        numbersParameters: true, temporarySchema: "pg_temp", textKey: "text COLLATE \"C\" NOT NULL", ownCallTables: ["call_claims"],
        indexHints: false)

    /// `sql` with its placeholders in this dialect: `?N` keeps its number,
    /// a bare `?` takes the next one; a `?` inside a quoted string or
    /// identifier is text, not a parameter.
    package func render(_ sql: String) -> String {
        guard numbersParameters else { return sql }
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var bare = 0
        var quote: Character?
        // After a `?`: whether a digit followed it yet.
        var afterMark: Bool?
        for c in sql {
            if let numbered = afterMark {
                if quote == nil, c.isASCII, c.isNumber {
                    afterMark = true
                    out.append(c)
                    continue
                }
                if !numbered {
                    bare += 1
                    out += String(bare)
                }
                afterMark = nil
            }
            if let q = quote {
                if c == q { quote = nil }
                out.append(c)
            } else if c == "'" || c == "\"" {
                quote = c
                out.append(c)
            } else if c == "?" {
                out.append("$")
                afterMark = false
            } else {
                out.append(c)
            }
        }
        if afterMark == false { out += String(bare + 1) }
        return out
    }
}
