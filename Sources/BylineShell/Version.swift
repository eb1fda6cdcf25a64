// The version byline reports in its banner and --version.

/// Byline's version.
public enum BylineVersion {
    /// The release version.
    public static let current = "0.1.0"
}
