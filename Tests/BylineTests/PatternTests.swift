// `matches` runs Byline's own linear-time matcher; Swift's Regex is the oracle it is checked against
// on random patterns and texts (small enough for backtracking to finish), and the pathological
// patterns that made backtracking run for minutes must finish at once.
import Testing
import TestSupport

@testable import Byline

@Suite struct PatternTests {
    /// A random pattern over a, b and c from the supported syntax.
    static func pattern(_ random: inout SplitMix64, depth: Int) -> String {
        if depth <= 0 { return ["a", "b", "c", ".", "[ab]", "[^a]", "\\w", "[a-b]"][random.below(8)] }
        switch random.below(6) {
        case 0: return pattern(&random, depth: depth - 1) + pattern(&random, depth: depth - 1)
        case 1: return "(" + pattern(&random, depth: depth - 1) + "|" + pattern(&random, depth: depth - 1) + ")"
        case 2: return "(" + pattern(&random, depth: depth - 1) + ")" + ["*", "+", "?", "{2}", "{1,3}", "{0,}"][random.below(6)]
        case 3: return "(?:" + pattern(&random, depth: depth - 1) + ")"
        default: return pattern(&random, depth: 0)
        }
    }

    @Test func agreesWithSwiftRegexOnRandomPatterns() throws {
        var random = SplitMix64(state: 7)
        var compared = 0
        for _ in 0..<400 {
            let text = Self.pattern(&random, depth: 3)
            let pattern = try Pattern(text)
            let regex = try Regex(text)
            for _ in 0..<10 {
                let subject = String((0..<random.below(7)).map { _ in ["a", "b", "c", "\n"][random.below(4)] })
                let expected = subject.wholeMatch(of: regex) != nil
                #expect(pattern.matches(subject) == expected, "\(text) on \(subject.debugDescription)")
                compared += 1
            }
        }
        #expect(compared == 4000)
    }

    @Test func caseInsensitiveAndClasses() throws {
        #expect(try Pattern("(?i)congo").matches("Congo"))
        #expect(try Pattern("(?i)[a-z]+").matches("ABC"))
        #expect(try Pattern("\\d{4}-\\d{2}").matches("2016-03"))
        #expect(try !Pattern("\\d{4}").matches("201"))
        #expect(try Pattern("caf\u{E9}").matches("caf\u{E9}"))
        #expect(try !Pattern("caf\u{E9}").matches("cafe\u{301}"))  // scalars, as everywhere in Byline
        // \s, \w and \d are ASCII's, all three (PostgreSQL's under the C collation), by hand.
        #expect(try Pattern("a\\sb").matches("a\tb"))
        #expect(try !Pattern("a\\sb").matches("a\u{A0}b"))
        #expect(try !Pattern("a\\sb").matches("a\u{3000}b"))
        #expect(try Pattern("a\\Sb").matches("a\u{2003}b"))
        #expect(try !Pattern("\\w").matches("\u{E9}"))
        #expect(try !Pattern("\\d").matches("\u{663}"))
    }

    @Test func catastrophicPatternsFinishAtOnce() throws {
        let session = Session()
        let clock = ContinuousClock()
        let start = clock.now
        let rows = try session.run(#"range(1000) select "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!" matches "(a+)+$" as m, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" matches "(a|aa)+(a|b)*c" as n count"#)
        #expect(rows.last?.rows == [[.integer(1000)]])
        // Not a timing assertion on speed: backtracking takes hours here, the automaton milliseconds.
        #expect(clock.now - start < .seconds(30))
    }

    @Test func unsupportedSyntaxIsRefusedWhenChecked() {
        for pattern in ["(a)\\1", "(?=a)", "a{2000}", "a{256}", "a{1,1000}", "(", "[a", "*a", "\\q"] {
            let script = Session().check(SourceFile(name: "t", text: "leaders where name matches \"\(pattern.replacingOccurrences(of: "\\", with: "\\\\"))\""))
            #expect(script.hasErrors, "\(pattern)")
            #expect(script.diagnostics.first?.message.hasPrefix("invalid regular expression") ?? false, "\(pattern)")
        }
    }
}
