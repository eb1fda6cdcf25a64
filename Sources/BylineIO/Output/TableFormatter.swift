// The table format: a header, a rule, aligned cells (numbers to the right), and a row count.
// Written a block of rows at a time, with column widths taken from a sample of rows (integer
// columns from all of them: their widths are cheap to know), so a long result starts printing at
// once and can be stopped part-way; a later cell wider than its column is shown whole, out of line,
// rather than cut, unless the terminal or `.width` sets the column's width. On a narrow terminal the
// widest values are shortened with `…` first, then `source` is hidden, and only then whole columns are
// kept and the middle ones left out (as DuckDB's shell does); when rows are left out, the first and
// the last are shown.

import BylineCore
import BylineStorage

/// Formats results as aligned text columns, in the style of psql.
package struct TableFormatter {
    package let options: OutputOptions
    /// Unicode box-drawing borders instead of psql-style rules.
    package var box = false

    /// How many rows decide the column widths of other than integers.
    package static let widthSample = 10_000
    /// How many rows are formatted before the text is handed on.
    package static let blockSize = 1_000

    package func format(_ result: ResultSet) -> String {
        var out = ""
        _ = write(result) { text in
            out += text
            return true
        }
        return out
    }

    /// The layout of one result: which columns are shown, how wide, and which rows.
    private struct Layout {
        /// Input field positions shown, in order; nil marks the column of hidden ones (`…`).
        var columns: [Int?]
        var widths: [Int]
        /// Whether a cell wider than its column is cut with `…` (the terminal's width or `.width`
        /// decided the column's), or else shown whole.
        var cuts: [Bool]
        var hiddenColumns: Int
        /// Row numbers shown; nil marks where hidden rows are (`·`).
        var rows: [Int?]
    }

    /// Writes the table a block at a time; stops (returning false) when `sink` returns false.
    package func write(_ result: ResultSet, to sink: (String) -> Bool) -> Bool {
        var layout = self.layout(result)
        if box { widenForCitations(result, &layout) }
        let names = result.fields.map { TerminalText.escaped($0.name) }
        let rightAligned = result.fields.map { $0.type == .integer || $0.type == .float }
        func rule(_ left: String, _ middle: String, _ right: String) -> String {
            left + layout.widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: middle) + right + "\n"
        }
        func line(_ cells: [String]) -> String {
            box ? "│ " + cells.joined(separator: " │ ") + " │\n" : trimmed(" " + cells.joined(separator: " | ")) + "\n"
        }
        var head = box ? rule("┌", "┬", "┐") : ""
        if options.headers {
            let header = layout.columns.enumerated().map { index, column -> String in
                let text = column.map { names[$0] } ?? "…"
                return paint(pad(DisplayWidth.truncate(text, to: layout.widths[index]), layout.widths[index], right: false), bold)
            }
            head += line(header)
            head += box ? rule("├", "┼", "┤") : layout.widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "+") + "\n"
        }
        guard sink(head) else { return false }
        var block = ""
        var inBlock = 0
        for row in layout.rows {
            guard let row else {
                block += line(layout.widths.map { pad("·", $0, right: false) })
                continue
            }
            let cells = layout.columns.enumerated().map { index, column -> String in
                guard let column else { return pad("…", layout.widths[index], right: false) }
                let value = result[row, column]
                let text = TableFormatter.visible(value.isNull ? options.nullText : value.description)
                // Measured once: the cut (if any) and the padding use the same width.
                let fitted = layout.cuts[index] ? DisplayWidth.fit(text, to: layout.widths[index]) : (text: text, width: DisplayWidth.of(text))
                let cell = pad(fitted.text, measured: fitted.width, layout.widths[index], right: rightAligned[column])
                return value.isNull ? paint(cell, dim) : cell
            }
            block += line(cells)
            block += citationLines(result, row: row, layout: layout)
            inBlock += 1
            if inBlock == TableFormatter.blockSize || block.utf8.count >= ResultFormatter.blockBytes {
                guard sink(block) else { return false }
                block = ""
                inBlock = 0
            }
        }
        if box { block += rule("└", "┴", "┘") }
        let shown = layout.rows.count { $0 != nil }
        if shown < result.rowCount {
            block += "(\(result.rowCount) rows, \(shown) shown; .maxrows 0 shows all)\n"
        } else {
            block += result.rowCount == 1 ? "(1 row)\n" : "(\(result.rowCount) rows)\n"
        }
        if layout.hiddenColumns > 0 {
            let columns = layout.hiddenColumns == 1 ? "1 column" : "\(layout.hiddenColumns) columns"
            let note = "(\(columns) hidden; .mode line shows all)"
            block += (options.maximumWidth ?? 80) < note.count ? "(\(columns) hidden)\n" : note + "\n"
        }
        return sink(block)
    }

    /// How many columns the layout leaves out.
    package func hiddenColumns(_ result: ResultSet) -> Int {
        layout(result).hiddenColumns
    }

    /// Whether every column is shown at its whole width or at least 16 columns (what `.expanded
    /// auto` asks before it keeps the table: shorter cuts than that are worse than one field a line).
    package func fitsReadably(_ result: ResultSet) -> Bool {
        layout(result, shortestReadable: [16]).hiddenColumns == 0
    }

    /// Chooses rows, columns and widths.
    private func layout(_ result: ResultSet, shortestReadable: [Int] = [10, 6]) -> Layout {
        let count = result.rowCount
        // Rows: all, or the first and last halves of the limit with a marker between.
        var rows: [Int?] = Array(0..<count)
        if let limit = options.maximumRows.map({ max(0, $0) }), count > limit {
            let head = (limit + 1) / 2
            let tail = limit - head
            rows = Array(0..<head) + (limit > 1 ? [nil] : []) + Array((count - tail)..<count)
        }
        // Natural widths: the header and a sample of the rows shown.
        let headerWidths = result.fields.map { DisplayWidth.of(TerminalText.escaped($0.name)) }
        var valueWidths = [Int](repeating: 0, count: result.fields.count)
        var sampled = 0
        for case let row? in rows {
            if sampled == TableFormatter.widthSample { break }
            sampled += 1
            for field in result.fields.indices {
                let value = result[row, field]
                valueWidths[field] = max(valueWidths[field], DisplayWidth.of(TableFormatter.visible(value.isNull ? options.nullText : value.description)))
            }
        }
        // Integers: the widest of all rows, from the smallest and the largest value.
        for field in result.fields.indices where result.fields[field].type == .integer && sampled < rows.count {
            var low = 0
            var high = 0
            for case let row? in rows {
                if case .integer(let number) = result[row, field] {
                    low = min(low, number)
                    high = max(high, number)
                }
            }
            valueWidths[field] = max(valueWidths[field], String(low).count, String(high).count)
        }
        var widths = zip(headerWidths, valueWidths).map { max($0, $1) }
        // `.width`: fixed widths where given (0 keeps the natural one).
        var cuts = [Bool](repeating: options.maximumWidth != nil, count: widths.count)
        var fixed = [Bool](repeating: false, count: widths.count)
        for (index, width) in options.columnWidths.enumerated() where index < widths.count && width > 0 {
            widths[index] = width
            cuts[index] = true
            fixed[index] = true
        }
        guard let limit = options.maximumWidth, total(widths) > limit else {
            return Layout(columns: Array(result.fields.indices), widths: widths, cuts: cuts, hiddenColumns: 0, rows: rows)
        }
        // Too wide: the widest values are shortened with `…` before any column is hidden (as DuckDB's
        // box output does), down to `readable` columns a cell; numbers are never shortened (their
        // header may be). Where that is not enough at 10, `source` columns (a reference, not content)
        // are hidden first; then everything goes down to 6.
        let sources = result.fields.indices.filter { result.fields[$0].name.lowercased() == "source" }
        let hideable = sources.count < result.fields.count ? sources : []
        for readable in shortestReadable {
            let floors = result.fields.indices.map { field -> Int in
                if fixed[field] { return widths[field] }
                let type = result.fields[field].type
                if type == .integer || type == .float { return max(valueWidths[field], min(headerWidths[field], readable)) }
                return min(widths[field], readable)
            }
            for hidden in hideable.isEmpty ? [[]] : [[], hideable] {
                let shown = result.fields.indices.filter { !hidden.contains($0) }
                let columns = withMarkers(shown, of: result.fields.count)
                guard total(columns.map { $0.map { floors[$0] } ?? 1 }) <= limit else { continue }
                var shrunk = columns.map { $0.map { widths[$0] } ?? 1 }
                let columnFloors = columns.map { $0.map { floors[$0] } ?? 1 }
                // `source` first, then the widest (above its floor), loses a column at a time: long
                // values end equally long.
                let excess = { (column: Int) -> Int in
                    let over = shrunk[column] - columnFloors[column]
                    return over > 0 && columns[column].map(sources.contains) == true ? Int.max : over
                }
                while total(shrunk) > limit, let widest = shrunk.indices.max(by: { excess($0) < excess($1) }),
                    shrunk[widest] > columnFloors[widest]
                {
                    shrunk[widest] -= 1
                }
                return Layout(
                    columns: columns, widths: shrunk, cuts: columns.map { $0.map { cuts[$0] } ?? true },
                    hiddenColumns: hidden.count, rows: rows)
            }
        }
        // Otherwise whole columns, from the left and the right in turn, each at most half the screen, until
        // the next would not fit; the ones in the middle (and `source`) are left out behind a `…` column.
        // The first column may take the whole screen; the others at most half of it.
        let candidates = result.fields.indices.filter { !hideable.contains($0) }
        var capped = widths.map { min($0, max(8, limit / 2)) }
        if let first = candidates.first { capped[first] = min(widths[first], max(1, limit - total([0]))) }
        var left: [Int] = []
        var right: [Int] = []
        var nextLeft = 0
        var nextRight = candidates.count - 1
        var takeLeft = true
        while nextLeft <= nextRight {
            let candidate = candidates[takeLeft ? nextLeft : nextRight]
            let chosen = (left + right + [candidate]).map { capped[$0] }
            guard total(chosen) <= limit else { break }
            if takeLeft {
                left.append(candidate)
                nextLeft += 1
            } else {
                right.insert(candidate, at: 0)
                nextRight -= 1
            }
            takeLeft.toggle()
        }
        if left.isEmpty, let first = candidates.first {
            // Not even one whole column fits: show the first, cut to the screen.
            left = [first]
        }
        let shown = left + right
        let hidden = result.fields.count - shown.count
        // A `…` column marks where columns are missing, when there is room for it (the note
        // under the table says so either way).
        let marked = withMarkers(shown, of: result.fields.count)
        let columns = total(marked.map { $0.map { capped[$0] } ?? 1 }) <= limit ? marked : shown.map(Optional.some)
        var shownWidths = columns.map { $0.map { capped[$0] } ?? 1 }
        while total(shownWidths) > limit, let widest = shownWidths.indices.max(by: { shownWidths[$0] < shownWidths[$1] }),
            shownWidths[widest] > 1
        {
            shownWidths[widest] -= 1
        }
        return Layout(columns: columns, widths: shownWidths, cuts: shownWidths.map { _ in true }, hiddenColumns: hidden, rows: rows)
    }

    /// The columns `shown` (in order) of `count`, with a nil (a `…` column) where any are left out.
    private func withMarkers(_ shown: [Int], of count: Int) -> [Int?] {
        var columns: [Int?] = []
        var next = 0
        for column in shown {
            if column > next { columns.append(nil) }
            columns.append(column)
            next = column + 1
        }
        if next < count { columns.append(nil) }
        return columns
    }

    /// The display width of a line with columns of these widths.
    private func total(_ widths: [Int]) -> Int {
        widths.reduce(0, +) + (box ? 4 + 3 * max(0, widths.count - 1) : 2 + 3 * max(0, widths.count - 1))
    }

    private func pad(_ text: String, _ width: Int, right: Bool) -> String {
        pad(text, measured: DisplayWidth.of(text), width, right: right)
    }

    /// `text`, whose width is `measured`, padded with spaces to `width` columns.
    private func pad(_ text: String, measured: Int, _ width: Int, right: Bool) -> String {
        guard measured < width else { return text }
        let padding = String(repeating: " ", count: width - measured)
        return right ? padding + text : text + padding
    }

    /// The line without trailing spaces (by bytes: a space is one byte in UTF-8).
    private func trimmed(_ line: String) -> String {
        let bytes = line.utf8
        var end = bytes.endIndex
        while end > bytes.startIndex, bytes[bytes.index(before: end)] == UInt8(ascii: " ") { end = bytes.index(before: end) }
        return end == bytes.endIndex ? line : String(line[..<end])
    }

    /// Controls and direction overrides shown as escapes, so one cell stays on one line and data
    /// cannot act on the terminal (see `TerminalText`).
    package static func visible(_ text: String) -> String {
        TerminalText.escaped(text)
    }

    /// With `cite`, the row's sentences under it, indented, each whole: wrapped at the terminal's
    /// width (one line each where there is none), and in the box format inside the frame, across
    /// its columns.
    private func citationLines(_ result: ResultSet, row: Int, layout: Layout) -> String {
        guard let citations = result.citations, row < citations.count else { return "" }
        var out = ""
        if box {
            let inner = total(layout.widths) - 4
            for citation in citations[row] {
                for text in CitationText.lines(citation, prefix: "  ", width: inner) {
                    out += "│ " + paint(pad(text, inner, right: false), dim) + " │\n"
                }
            }
            return out
        }
        for citation in citations[row] {
            for text in CitationText.lines(citation, prefix: "     ", width: options.maximumWidth) {
                out += paint(text, dim) + "\n"
            }
        }
        return out
    }

    /// In the box format, cited sentences are inside the frame: the last column is widened so the
    /// frame is as wide as the longest sentence's line, or the terminal (without one, 100
    /// columns), whichever is narrower.
    private func widenForCitations(_ result: ResultSet, _ layout: inout Layout) {
        guard let citations = result.citations, !layout.widths.isEmpty else { return }
        var longest = 0
        for case let row? in layout.rows where row < citations.count {
            for citation in citations[row] {
                longest = max(longest, CitationText.lines(citation, prefix: "  ", width: nil).map(DisplayWidth.of).max() ?? 0)
            }
        }
        // Without a terminal, a frame as wide as the table or 100 columns, whichever is wider.
        let wanted = min(longest + 4, options.maximumWidth ?? max(total(layout.widths), 100))
        let shortBy = wanted - total(layout.widths)
        if shortBy > 0 { layout.widths[layout.widths.count - 1] += shortBy }
    }

    private let bold = "\u{1B}[1m"
    private let dim = "\u{1B}[2m"

    private func paint(_ text: String, _ code: String) -> String {
        options.colour ? code + text + "\u{1B}[0m" : text
    }
}
