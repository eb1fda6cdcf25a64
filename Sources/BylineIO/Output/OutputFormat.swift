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
    /// `sink` returns false to stop, and then so does this. A block is at most
    /// `TableFormatter.blockSize` rows and about `blockBytes` of text, so however long the cells,
    /// the text held at once stays near one block (and one row).
    public static func write(
        _ result: ResultSet, as format: OutputFormat, options: OutputOptions = OutputOptions(), to sink: (String) -> Bool
    ) -> Bool {
        if result.chart != nil { return sink(self.format(result, as: format, options: options)) }
        switch format {
        case .table, .box:
            return TableFormatter(options: options, box: format == .box).write(result, to: sink)
        case .json:
            guard sink("[") else { return false }
            let rows = inBlocks(result.rowCount, to: sink) { rows in
                (rows.lowerBound > 0 ? "," : "") + JSONFormatter.objects(result, rows: rows)
            }
            return rows && sink("]\n")
        case .jsonl:
            return inBlocks(result.rowCount, to: sink) { JSONFormatter.formatLines(result, rows: $0) }
        case .markdown:
            let formatter = MarkdownFormatter(options: options)
            let whole = result.withCitationField()
            return sink(formatter.header(whole)) && inBlocks(whole.rowCount, to: sink) { formatter.rows(whole, $0) }
        default:
            // Formats with a header and no cross-row layout: whole blocks of rows, the header once.
            // The line format shows citations itself, a line each; the others as a field `cited`.
            let whole = format == .line ? result : result.withCitationField()
            guard whole.rowCount > 1 else { return sink(self.format(result, as: format, options: options)) }
            var blockOptions = options
            return inBlocks(whole.rowCount, to: sink) { rows in
                var text = self.format(whole.slice(rows), as: format, options: blockOptions)
                if format == .line, rows.lowerBound > 0 { text = "\n" + text }
                blockOptions.headers = false
                return text
            }
        }
    }

    /// About how much text one block of output may hold before it is handed on.
    package static let blockBytes = 1 << 20

    /// Hands `sink` the text of `count` rows a block at a time: one row first, then as many as
    /// the rows so far suggest fit in `blockBytes`, at most `TableFormatter.blockSize`.
    static func inBlocks(_ count: Int, to sink: (String) -> Bool, _ text: (Range<Int>) -> String) -> Bool {
        var start = 0
        var size = 1
        var bytes = 0
        while start < count {
            let end = min(start + size, count)
            let block = text(start..<end)
            guard sink(block) else { return false }
            bytes &+= block.utf8.count
            start = end
            size = max(1, min(TableFormatter.blockSize, blockBytes / max(1, bytes / start)))
        }
        return true
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

/// Writes a result that arrives in parts (a database's batches) as it arrives, in the formats
/// whose layout needs no later row: CSV, TSV, JSON, JSON lines, Markdown and the line format. The
/// text is byte for byte what `ResultFormatter.write` gives for all the parts as one result: the
/// header once, before the first row (or at the end when there are none), JSON's brackets around
/// and commas between every part's rows. The table and box formats size their columns from every
/// row, so results shown in them are gathered whole first.
package struct ResultStreamWriter {
    /// The result's fields, known before any row arrives.
    package let fields: [Field]
    package let format: OutputFormat
    package let options: OutputOptions
    /// How many rows have been written.
    package private(set) var rowCount = 0

    /// Whether a format can be written part by part.
    package static func streams(_ format: OutputFormat) -> Bool {
        switch format {
        case .csv, .tsv, .json, .jsonl, .markdown, .line: return true
        case .table, .box: return false
        }
    }

    /// A writer for a result of `fields` in `format`, which must be one that `streams`.
    package init(fields: [Field], format: OutputFormat, options: OutputOptions = OutputOptions()) {
        self.fields = fields
        self.format = format
        self.options = options
    }

    /// Writes a part's rows (a block at a time, as `ResultFormatter.write` does); false when
    /// `sink` said stop.
    package mutating func write(_ part: ResultSet, to sink: (String) -> Bool) -> Bool {
        guard part.rowCount > 0 else { return true }
        let first = rowCount == 0
        rowCount += part.rowCount
        switch format {
        case .json:
            return sink(first ? "[" : ",")
                && ResultFormatter.inBlocks(part.rowCount, to: sink) { rows in
                    (rows.lowerBound > 0 ? "," : "") + JSONFormatter.objects(part, rows: rows)
                }
        case .jsonl:
            return ResultFormatter.inBlocks(part.rowCount, to: sink) { JSONFormatter.formatLines(part, rows: $0) }
        case .markdown:
            let formatter = MarkdownFormatter(options: options)
            let whole = part.withCitationField()
            return (!first || sink(formatter.header(whole))) && ResultFormatter.inBlocks(whole.rowCount, to: sink) { formatter.rows(whole, $0) }
        case .line:
            // Rows apart by a blank line, across parts as within one.
            return (first || sink("\n")) && ResultFormatter.write(part, as: .line, options: options, to: sink)
        default:
            var partOptions = options
            partOptions.headers = options.headers && first
            return ResultFormatter.write(part, as: format, options: partOptions, to: sink)
        }
    }

    /// Ends the result: JSON's closing bracket, or, when no row came, what the format writes for
    /// no rows (the header; `[]`).
    package func finish(to sink: (String) -> Bool) -> Bool {
        if rowCount == 0 {
            return ResultFormatter.write(ResultSet(fields: fields, rows: []), as: format, options: options, to: sink)
        }
        return format == .json ? sink("]\n") : true
    }
}
