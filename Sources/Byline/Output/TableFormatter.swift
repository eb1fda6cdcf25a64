// The table format: a header, a rule, aligned cells (numbers to the right), and a row count.

/// Formats results as aligned text columns, in the style of psql.
struct TableFormatter {
    let options: OutputOptions
    /// Unicode box-drawing borders instead of psql-style rules.
    var box = false

    func format(_ result: ResultSet) -> String {
        let fieldCount = result.fields.count
        var cells: [[String]] = []
        cells.reserveCapacity(result.rowCount)
        let names = result.fields.map { TerminalText.escaped($0.name) }
        var widths = names.map(DisplayWidth.of)
        var isNull: [[Bool]] = []
        let shownRows = min(result.rowCount, options.maximumRows.map { max(0, $0) } ?? result.rowCount)
        for row in 0..<shownRows {
            var line: [String] = []
            var nulls: [Bool] = []
            for field in 0..<fieldCount {
                let value = result[row, field]
                let text = TableFormatter.visible(value.isNull ? options.nullText : value.description)
                line.append(text)
                nulls.append(value.isNull)
                widths[field] = max(widths[field], DisplayWidth.of(text))
            }
            cells.append(line)
            isNull.append(nulls)
        }
        if let maximumWidth = options.maximumWidth { widths = fit(widths, into: maximumWidth) }
        let rightAligned = result.fields.map { $0.type == .integer || $0.type == .float }

        if box { return boxed(result, cells: cells, isNull: isNull, widths: widths, rightAligned: rightAligned, shownRows: shownRows) }
        var out = ""
        if options.headers {
            let header = result.fields.enumerated().map { index, field in
                paint(pad(DisplayWidth.truncate(names[index], to: widths[index]), widths[index], right: false), bold)
            }
            out += trimmed(" " + header.joined(separator: " | ")) + "\n"
            out += widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "+") + "\n"
        }
        for (rowIndex, line) in cells.enumerated() {
            let padded = line.enumerated().map { index, text in
                let cell = pad(DisplayWidth.truncate(text, to: widths[index]), widths[index], right: rightAligned[index])
                return isNull[rowIndex][index] ? paint(cell, dim) : cell
            }
            out += trimmed(" " + padded.joined(separator: " | ")) + "\n"
            out += citationLines(result, row: rowIndex)
        }
        if shownRows < result.rowCount {
            out += "(\(result.rowCount) rows, \(shownRows) shown; .maxrows 0 shows all)\n"
        } else {
            out += result.rowCount == 1 ? "(1 row)\n" : "(\(result.rowCount) rows)\n"
        }
        return out
    }

    /// The box format: the same cells inside Unicode borders.
    private func boxed(
        _ result: ResultSet, cells: [[String]], isNull: [[Bool]], widths: [Int], rightAligned: [Bool], shownRows: Int
    ) -> String {
        let names = result.fields.map { TerminalText.escaped($0.name) }
        func rule(_ left: String, _ middle: String, _ right: String) -> String {
            left + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: middle) + right + "\n"
        }
        var out = rule("┌", "┬", "┐")
        if options.headers {
            let header = result.fields.enumerated().map { index, field in
                paint(pad(DisplayWidth.truncate(names[index], to: widths[index]), widths[index], right: false), bold)
            }
            out += "│ " + header.joined(separator: " │ ") + " │\n"
            out += rule("├", "┼", "┤")
        }
        for (rowIndex, line) in cells.enumerated() {
            let padded = line.enumerated().map { index, text in
                let cell = pad(DisplayWidth.truncate(text, to: widths[index]), widths[index], right: rightAligned[index])
                return isNull[rowIndex][index] ? paint(cell, dim) : cell
            }
            out += "│ " + padded.joined(separator: " │ ") + " │\n"
            out += citationLines(result, row: rowIndex)
        }
        out += rule("└", "┴", "┘")
        if shownRows < result.rowCount {
            out += "(\(result.rowCount) rows, \(shownRows) shown; .maxrows 0 shows all)\n"
        } else {
            out += result.rowCount == 1 ? "(1 row)\n" : "(\(result.rowCount) rows)\n"
        }
        return out
    }

    /// Shrinks the widest columns until the whole line fits, keeping every column at least 3 wide.
    private func fit(_ widths: [Int], into limit: Int) -> [Int] {
        var widths = widths
        let overhead = box ? 4 + 3 * max(0, widths.count - 1) : 1 + 3 * max(0, widths.count - 1) + 1
        while widths.reduce(0, +) + overhead > limit {
            guard let widest = widths.indices.max(by: { widths[$0] < widths[$1] }), widths[widest] > 3 else { break }
            widths[widest] -= 1
        }
        return widths
    }

    private func pad(_ text: String, _ width: Int, right: Bool) -> String {
        let padding = String(repeating: " ", count: max(0, width - DisplayWidth.of(text)))
        return right ? padding + text : text + padding
    }

    private func trimmed(_ line: String) -> String {
        var line = line
        while line.last == " " { line.removeLast() }
        return line
    }

    /// Controls and direction overrides shown as escapes, so one cell stays on one line and data
    /// cannot act on the terminal (see `TerminalText`).
    static func visible(_ text: String) -> String {
        TerminalText.escaped(text)
    }

    /// With `cite`, the row's sentences under it, indented, each on one line.
    private func citationLines(_ result: ResultSet, row: Int) -> String {
        guard let citations = result.citations, row < citations.count else { return "" }
        var out = ""
        for citation in citations[row] {
            var line = "     [\(citation.id)] " + TerminalText.escaped(citation.text)
            if let maximumWidth = options.maximumWidth { line = DisplayWidth.truncate(line, to: max(20, maximumWidth)) }
            out += paint(line, dim) + "\n"
        }
        return out
    }

    private let bold = "\u{1B}[1m"
    private let dim = "\u{1B}[2m"

    private func paint(_ text: String, _ code: String) -> String {
        options.colour ? code + text + "\u{1B}[0m" : text
    }
}
