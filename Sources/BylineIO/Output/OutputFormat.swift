// The output formats, and what every formatter needs to know.

import BylineCore
import BylineStorage

/// How results are written.
package enum OutputFormat: String, Sendable, CaseIterable {
    /// Aligned columns with a header and a `(N rows)` footer.
    case table
    /// Aligned columns inside Unicode box-drawing borders.
    case box
    /// One JSON array of row objects per result, on one line.
    case json
    /// One JSON object per row, one per line.
    case jsonl
    /// RFC 4180 CSV with a header row.
    case csv
    /// Tab-separated values; tabs, line breaks and backslashes in cells are escaped.
    case tsv
    /// A GitHub-flavoured Markdown table.
    case markdown
    /// One `field = value` line per field, a blank line between rows (for wide rows).
    case line

    /// The format a file name's extension implies, for `save` and `.output`.
    public static func forPath(_ path: String) -> OutputFormat? {
        let lowered = path.lowercased()
        let pairs: [(String, OutputFormat)] = [
            (".csv", .csv), (".tsv", .tsv), (".tab", .tsv), (".jsonl", .jsonl), (".ndjson", .jsonl), (".json", .json),
            (".md", .markdown), (".markdown", .markdown), (".txt", .table),
        ]
        return pairs.first { lowered.hasSuffix($0.0) }?.1
    }
}

/// Choices that apply to every format.
package struct OutputOptions: Sendable {
    /// Text shown for null in the table, box, markdown and line formats.
    public var nullText: String = "null"
    /// Whether to print the header row (table, box, csv, tsv, markdown).
    public var headers: Bool = true
    /// Cut table output to this many display columns (cells shortened with `…`); nil for no limit.
    public var maximumWidth: Int?
    /// Show at most this many rows in the table format, with a note saying how many there were.
    public var maximumRows: Int?
    /// ANSI colour for headers and nulls.
    public var colour: Bool = false
    /// Fixed widths for the table's columns, in order (`.width`); 0 or a missing one is automatic.
    public var columnWidths: [Int] = []

    /// Default options.
    public init() {}
}

/// Renders a result set as text in a format.
package enum ResultFormatter {
    /// Whether the table (or box) fits `options.maximumWidth` with every column whole or at a
    /// readable width (16 columns), so that nothing is hidden.
    public static func fits(_ result: ResultSet, as format: OutputFormat, options: OutputOptions) -> Bool {
        TableFormatter(options: options, box: format == .box).fitsReadably(result)
    }

    /// Writes a result a block of rows at a time, so output starts at once and can be stopped:
    /// `sink` returns false to stop, and then so does this.
    public static func write(
        _ result: ResultSet, as format: OutputFormat, options: OutputOptions = OutputOptions(), to sink: (String) -> Bool
    ) -> Bool {
        if result.chart != nil { return sink(self.format(result, as: format, options: options)) }
        let blockSize = TableFormatter.blockSize
        switch format {
        case .table, .box:
            return TableFormatter(options: options, box: format == .box).write(result, to: sink)
        case .json:
            guard sink("[") else { return false }
            var start = 0
            while start < result.rowCount {
                let end = min(start + blockSize, result.rowCount)
                guard sink((start > 0 ? "," : "") + JSONFormatter.objects(result, rows: start..<end)) else { return false }
                start = end
            }
            return sink("]\n")
        case .jsonl:
            var start = 0
            while start < result.rowCount {
                let end = min(start + blockSize, result.rowCount)
                guard sink(JSONFormatter.formatLines(result, rows: start..<end)) else { return false }
                start = end
            }
            return true
        default:
            // Formats with a header and no cross-row layout: whole blocks of rows, the header once.
            // The line format shows citations itself, a line each; the others as a field `cited`.
            let whole = format == .line ? result : result.withCitationField()
            guard whole.rowCount > blockSize, format != .markdown else { return sink(self.format(result, as: format, options: options)) }
            var start = 0
            var blockOptions = options
            while start < whole.rowCount {
                let end = min(start + blockSize, whole.rowCount)
                var text = self.format(whole.slice(start..<end), as: format, options: blockOptions)
                if format == .line, start > 0 { text = "\n" + text }
                guard sink(text) else { return false }
                blockOptions.headers = false
                start = end
            }
            return true
        }
    }

    /// The text for a result, ending with a newline. A result that ends in `chart` is drawn as its chart.
    public static func format(_ result: ResultSet, as format: OutputFormat, options: OutputOptions = OutputOptions()) -> String {
        if let chart = result.chart {
            return ChartRenderer.render(result, kind: chart, width: options.maximumWidth ?? 80, colour: options.colour)
        }
        switch format {
        case .table: return TableFormatter(options: options, box: false).format(result)
        case .box: return TableFormatter(options: options, box: true).format(result)
        case .json: return JSONFormatter.format(result) + "\n"
        case .jsonl: return JSONFormatter.formatLines(result)
        // These formats have no place beside a row, so citations become a field `cited` (the line
        // format writes them as lines of their own).
        case .csv: return CSVFormatter(headers: options.headers, delimiter: ",").format(result.withCitationField())
        case .tsv: return CSVFormatter(headers: options.headers, delimiter: "\t").format(result.withCitationField())
        case .markdown: return MarkdownFormatter(options: options).format(result.withCitationField())
        case .line: return LineFormatter(options: options).format(result)
        }
    }
}
