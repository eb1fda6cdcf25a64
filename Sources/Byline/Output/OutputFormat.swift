// The output formats, and what every formatter needs to know.

/// How results are written.
public enum OutputFormat: String, Sendable, CaseIterable {
    /// Aligned columns with a header and a `(N rows)` footer.
    case table
    /// One JSON array of row objects per result, on one line.
    case json
    /// RFC 4180 CSV with a header row.
    case csv
}

/// Choices that apply to every format.
public struct OutputOptions: Sendable {
    /// Text shown for null in the table format.
    public var nullText: String = "null"
    /// Whether to print the header row (table and csv).
    public var headers: Bool = true
    /// Cut table output to this many display columns (cells shortened with `…`); nil for no limit.
    public var maximumWidth: Int?
    /// Show at most this many rows in the table format, with a note saying how many there were.
    public var maximumRows: Int?
    /// ANSI colour for headers and nulls.
    public var colour: Bool = false

    /// Default options.
    public init() {}
}

/// Renders a result set as text in a format.
public enum ResultFormatter {
    /// The text for a result, ending with a newline.
    public static func format(_ result: ResultSet, as format: OutputFormat, options: OutputOptions = OutputOptions()) -> String {
        switch format {
        case .table: return TableFormatter(options: options).format(result)
        case .json: return JSONFormatter.format(result) + "\n"
        case .csv: return CSVFormatter(headers: options.headers).format(result)
        }
    }
}
