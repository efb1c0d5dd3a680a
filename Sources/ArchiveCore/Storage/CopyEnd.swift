/// Reading and writing the copied tables on one backend.
package protocol CopyEnd {
    func rows(_ table: CopyTable, callsFrom lo: String?, through hi: String?) throws -> [[CopyValue]]
    func calls(after: String?, limit: Int) throws -> [[CopyValue]]
    func labels(after: (String, String, String)?, limit: Int) throws -> [[CopyValue]]
    func lastCallID() throws -> String?
    func lastLabel() throws -> (String, String, String)?
    func write(_ batch: [(CopyTable, [[CopyValue]])], conflictsIgnored: Bool) throws
    func count(_ table: CopyTable) throws -> Int
    func finish() throws
}

