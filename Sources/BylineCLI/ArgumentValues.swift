// The values options take: formats and dialects from the library, and the command line's own.
import ArgumentParser
import Byline

extension OutputFormat: ExpressibleByArgument {}

extension SQLDialect: ExpressibleByArgument {}

/// How `byline test` reports.
enum TestReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, tap
}

/// The formats `--data-format` names.
enum DataFileFormat: String, ExpressibleByArgument, CaseIterable {
    case csv, tsv, json, jsonl

    var format: DataFormat {
        switch self {
        case .csv: return .delimited(UInt8(ascii: ","))
        case .tsv: return .delimited(UInt8(ascii: "\t"))
        case .json: return .json
        case .jsonl: return .jsonLines
        }
    }
}
