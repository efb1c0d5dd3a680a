/// The version printed by `--version`, sent in the User-Agent and recorded with every run.
public enum CallhistVersion {
    /// `git describe` of the checkout it was built from (the EmbedMigrations plugin).
    public static let string = embeddedVersion

    /// What `callhist --version` prints: the version and the schema it carries.
    public static var full: String { "\(string) (schema version \(Migration.sqlite.last?.version ?? 0))" }
}
