// `cite` is an annotation: random queries of the differential generator, over its tables with a
// `source` field added, give the same fields and rows with and without citing.

import Byline
import Testing
import TestSupport

@Suite struct CiteInvarianceTests {
    /// The generator's tables, each row citing one to three of twenty sentences.
    static func citingTables(_ tables: RandomTables, random: inout SplitMix64) -> [Table] {
        tables.tables.map { table in
            var schema = table.schema
            schema.fields.append(Field(name: "source", type: .list(.integer)))
            let rows = (0..<table.rowCount).map { row in
                let ids = (0...random.below(3)).map { _ in Value.integer(1 + random.below(20)) }
                return schema.fields.indices.dropLast().map { table.value(row: row, field: $0) } + [.list(ids)]
            }
            return Table(schema: schema, rows: rows)
        }
    }

    /// The answer without its citations: the fields and every row, or the error.
    static func answer(_ query: String, in session: Session) -> (text: String, cited: Bool) {
        do {
            guard let result = try session.run(query).last else { return ("no result", false) }
            let fields = result.fields.map { "\($0.name) \($0.type)" }.joined(separator: ", ")
            return (fields + "\n" + result.rows.map { "\($0)" }.joined(separator: "\n"), result.citations != nil)
        } catch {
            return ("error " + error.diagnostics.map(\.message).joined(separator: "; "), false)
        }
    }

    @Test func generatedQueriesGiveTheSameRowsWithAndWithoutCite() {
        var compared = 0
        var cited = 0
        var mismatches: [String] = []
        for seed in UInt64(1)...12 {
            var random = SplitMix64(state: seed &* 31)
            let tables = Self.citingTables(RandomTables(random: &random), random: &random)
            let plain = Session(tables: [])
            let citing = Session(tables: [])
            citing.citesEveryQuery = true
            for table in tables {
                plain.register(table)
                citing.register(table)
            }
            var generator = QueryGenerator(seed: seed &* 7919)
            for number in 0..<40 {
                let query = generator.query().byline
                // intersect and except refuse cite (rows are compared whole): nothing to compare.
                if query.contains(" intersect ") || query.contains(" except ") { continue }
                let without = Self.answer(query, in: plain)
                let with = Self.answer(query, in: citing)
                // `cite` written at the end says the same as the switch.
                let written = Self.answer(query + " cite", in: plain)
                compared += 1
                if with.cited { cited += 1 }
                if without.text != with.text || (!written.text.hasPrefix("error") && written.text != without.text) {
                    mismatches.append(
                        "seed \(seed), query \(number): \(query)\n  without: \(without.text.prefix(300))\n  with:    \(with.text.prefix(300))\n  cite:    \(written.text.prefix(300))")
                }
            }
        }
        #expect(mismatches.isEmpty, Comment(rawValue: "\(mismatches.count) of \(compared) differ:\n" + mismatches.prefix(8).joined(separator: "\n")))
        // Nearly every generated query reads rows that have sources, so nearly every one cites.
        #expect(cited * 10 >= compared * 9, "only \(cited) of \(compared) queries cited")
    }
}
