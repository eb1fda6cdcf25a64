// Feeds arbitrary bytes to a session as a script: any crash, hang or sanitizer report is a bug.
import Byline

func fuzzQuery(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let session = Session()
    session.fileAccess = .none
    session.limits = QueryLimits(maximumRows: 100_000, timeout: .milliseconds(200))
    let script = session.check(SourceFile(name: "fuzz", text: text))
    _ = DiagnosticRenderer().render(script.diagnostics, in: script.source)
    for statement in script.statements {
        if let result = try? session.execute(statement, in: script), case .rows(let rows) = result {
            for format in OutputFormat.allCases { _ = ResultFormatter.format(rows, as: format) }
        }
    }
    return 0
}
