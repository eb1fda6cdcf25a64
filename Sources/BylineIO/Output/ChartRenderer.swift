// Charts in the terminal: horizontal bars from (label, number) rows, and a timeline of dated rows.

import BylineCore
import BylineStorage

/// Draws charts with Unicode block characters, fitted to a width.
package enum ChartRenderer {
    /// About what drawing takes per row (its label, number and line of block characters), which
    /// the session charges to the memory budget before a chart is drawn.
    package static let bytesPerRow = 512

    package static func render(_ result: ResultSet, kind: ChartKind, width: Int, colour: Bool) -> String {
        switch kind {
        case .bar: return bar(result, width: max(20, width), colour: colour)
        case .timeline: return timeline(result, width: max(20, width), colour: colour)
        }
    }

    private static let eighths = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    /// One bar per row: the label, a bar as long as the number (scaled to the largest), the number.
    private static func bar(_ result: ResultSet, width: Int, colour: Bool) -> String {
        let labels = (0..<result.rowCount).map { row -> String in
            let value = result[row, 0]
            return value.isNull ? "null" : TableFormatter.visible(value.description)
        }
        // Infinite and NaN values do not set the scale (they would make every other bar empty, or
        // an infinite one); positive infinity is drawn the full width, open at its end, the rest get none.
        let numbers = (0..<result.rowCount).map { row -> Double? in
            guard let number = result[row, 1].asDouble, number.isFinite else { return nil }
            return number
        }
        let texts = (0..<result.rowCount).map { row in result[row, 1].description }
        let labelWidth = min(max(1, labels.map(DisplayWidth.of).max() ?? 1), width / 3)
        let numberWidth = texts.map(DisplayWidth.of).max() ?? 1
        let barWidth = max(1, width - labelWidth - numberWidth - 3)
        let largest = numbers.compactMap { $0 }.map { Swift.abs($0) }.max() ?? 0
        var out = ""
        for row in 0..<result.rowCount {
            let label = DisplayWidth.truncate(labels[row], to: labelWidth)
            out += label + String(repeating: " ", count: labelWidth - DisplayWidth.of(label)) + " "
            var blocks = ""
            if let number = numbers[row], largest > 0, largest.isFinite, number > 0 {
                let eighthsLong = Int((min(1, number / largest) * Double(barWidth) * 8).rounded())
                blocks = String(repeating: "█", count: eighthsLong / 8) + eighths[eighthsLong % 8]
                if blocks.isEmpty { blocks = "▏" }
            } else if result[row, 1].asDouble == .infinity {
                // The whole width, ending in an ellipsis: no finite bar ends open.
                blocks = String(repeating: "█", count: barWidth - 1) + "…"
            }
            out += (colour ? "\u{1B}[36m" + blocks + "\u{1B}[0m" : blocks) + " " + texts[row] + "\n"
        }
        if result.rowCount == 0 { out += "(no rows to chart)\n" }
        return out
    }

    /// Rows in time order, each with its date or year and the rest of its text; undated rows last.
    private static func timeline(_ result: ResultSet, width: Int, colour: Bool) -> String {
        let schema = TableSchema(name: "result", fields: result.fields)
        guard let timeIndex = schema.timeField else { return "" }
        let textFields = result.fields.indices.filter { $0 != timeIndex && result.fields[$0].type == .string }
        var entries: [(time: Value, text: String)] = []
        for row in 0..<result.rowCount {
            let text = textFields.map { result[row, $0] }.filter { !$0.isNull }.map { TableFormatter.visible($0.description) }
                .joined(separator: " · ")
            entries.append((result[row, timeIndex], text))
        }
        // A `sequence` field (the article's events have one) is the order the source implies, which
        // dates without a year cannot give (December 30 came before January there): it goes first.
        let sequenceIndex = result.fields.firstIndex { $0.baseName.lowercased() == "sequence" && $0.type == .integer }
        let order = entries.indices.sorted { a, b in
            if let sequenceIndex {
                let first = result[a, sequenceIndex]
                let second = result[b, sequenceIndex]
                if first.isNull != second.isNull { return second.isNull }
                if let comparison = Value.compare(first, second), comparison != 0 { return comparison < 0 }
            }
            let left = entries[a].time
            let right = entries[b].time
            if left.isNull != right.isNull { return right.isNull }
            let comparison = Value.compare(left, right) ?? 0
            return comparison != 0 ? comparison < 0 : a < b
        }
        let timeWidth = max(7, entries.map { $0.time.isNull ? 7 : DisplayWidth.of($0.time.description) }.max() ?? 7)
        var out = ""
        for index in order {
            let entry = entries[index]
            let time = entry.time.isNull ? "undated" : entry.time.description
            let dot = colour ? "\u{1B}[36m●\u{1B}[0m" : "●"
            let line = DisplayWidth.truncate(entry.text, to: max(10, width - timeWidth - 5))
            out += time + String(repeating: " ", count: timeWidth - DisplayWidth.of(time)) + "  " + dot + " " + line + "\n"
        }
        if result.rowCount == 0 { out += "(no rows to chart)\n" }
        return out
    }
}
