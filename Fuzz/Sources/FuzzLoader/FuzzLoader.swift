// Feeds arbitrary bytes to the data loaders as CSV, TSV, JSON and JSON Lines, then queries the table.
import Byline

func fuzzLoader(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let formats: [DataFormat] = [.delimited(UInt8(ascii: ",")), .delimited(9), .json, .jsonLines]
    let format = formats[Int(bytes.first ?? 0) % formats.count]
    guard let loaded = try? TableLoader.load(bytes: Array(bytes.dropFirst()), name: "t", format: format) else { return 0 }
    let session = Session(tables: [])
    session.register(loaded.table)
    if let result = try? session.run("t")[0] {
        _ = ResultFormatter.format(result, as: .table)
        _ = ResultFormatter.format(result, as: .json)
    }
    return 0
}
