// `chart bar` with infinite values: positive infinity is a full bar that ends open (an ellipsis);
// negative infinity and null get none; neither sets the scale of the finite bars.
import Testing

@testable import Byline
@testable import BylineIO

@Suite struct ChartInfinityTests {
    static func lines(_ query: String, width: Int = 40) throws -> [String] {
        let result = try Session().run(query)
        guard let last = result.last else { return [] }
        return ChartRenderer.render(last, kind: .bar, width: width, colour: false).split(separator: "\n").map(String.init)
    }

    @Test func infinityIsAFullOpenBarAndTheFiniteScaleStays() throws {
        let lines = try Self.lines(
            """
            let inf = range(2) select case when value = 0 then "c" else "d" end as k, (1 - 2 * value) * pow(0.0, -1) as x
            [{k: "a", x: 10.0}, {k: "b", x: 5.0}] append inf chart bar
            """)
        #expect(lines.count == 4)
        let bars = lines.map { line in line.filter { "█▏▎▍▌▋▊▉…".contains($0) } }
        #expect(bars[2].hasSuffix("…"), "\(lines)")
        #expect(bars[2].count == bars[0].count && !bars[0].contains("…"), "infinity is as long as the largest finite bar, open: \(lines)")
        #expect(bars[0].count == 2 * bars[1].count || bars[0].count == 2 * bars[1].count - 1, "10 is twice 5: \(lines)")
        #expect(bars[3].isEmpty, "negative infinity has no bar: \(lines)")
        #expect(lines[2].hasSuffix("… inf"), "\(lines)")
    }

    @Test func onlyInfiniteValuesStillDraw() throws {
        let lines = try Self.lines(#"range(2) select case when value = 0 then "a" else "b" end as k, (1 - value) * pow(0.0, -1) as x chart bar"#)
        #expect(lines[0].contains("…"), "\(lines)")
        #expect(!lines[1].contains("█"), "\(lines)")
    }
}
