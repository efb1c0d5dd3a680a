/// Arithmetic on values read back from an archive. Values callhist writes
/// are bounded (`FieldBounds`), but the file is open to every tool: a row
/// another writer left at Int64's edge must give "unknown", never a trap.
public enum SafeMath {
    /// `a - b`, or nil when it does not fit in Int64.
    public static func minus(_ a: Int64, _ b: Int64) -> Int64? {
        let (d, overflow) = a.subtractingReportingOverflow(b)
        return overflow ? nil : d
    }

    /// `a + b`, saturating at Int64's ends (for due times: "never" is fine).
    public static func plus(_ a: Int64, _ b: Int64) -> Int64 {
        let (s, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : s
    }
}
