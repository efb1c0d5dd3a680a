import FuseAPI

/// The ids a maintenance command was given (`forget`, `label`): typed ones
/// checked (`CallID`), files read as `archive` reads them, into the
/// backend's temporary table (`GivenIDRows`). Inside the caller's transaction.
package enum GivenIDs {
    /// Fills the rows' given ids; `refusal` ends the message of a refused
    /// typed id ("Nothing was forgotten.").
    package static func load(_ rows: GivenIDRows, ids: [String], idFiles: [String], refusal: String) throws {
        try rows.resetGiven()
        for (index, id) in ids.enumerated() {
            if let problem = CallID.problem(with: id) {
                throw InputError("argument \(index + 1): refused id \(id.debugDescription): \(problem). \(refusal)")
            }
            try rows.give(id)
        }
        for file in idFiles { try IDFileReader.read(file) { id, _ in try rows.give(id) } }
    }
}
