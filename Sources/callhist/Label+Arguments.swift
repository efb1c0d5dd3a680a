import ArgumentParser
import CallHistory

extension Label {
    /// `--label NAME=VALUE` values: a bad one is a usage error (exit 64).
    static func arguments(_ texts: [String]) throws -> [Label] {
        do { return try texts.map(Label.parse) } catch let error as InputError { throw ValidationError(error.message) }
    }
}
