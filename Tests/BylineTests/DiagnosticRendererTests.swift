// Rendering: file:line:col, the source line, a caret and tildes, notes and help.
import Testing

@testable import Byline

@Suite struct DiagnosticRendererTests {
    private func render(_ text: String, name: String = "<command>") -> String {
        let source = SourceFile(name: name, text: text)
        return DiagnosticRenderer().render(Session().check(source).diagnostics, in: source)
    }

    @Test func unknownFieldPointsAtTheField() {
        #expect(
            render(#"leaders where contry = "Congo""#) == """
                <command>:1:15: error: unknown field 'contry' in 'leaders'
                leaders where contry = "Congo"
                              ^~~~~~
                help: did you mean 'country'?

                """)
    }

    @Test func secondLineErrorsNameTheirLine() {
        #expect(
            render("leaders\nwhere name = 3", name: "script.byl") == """
                script.byl:2:7: error: cannot compare 'name' (string) with '3' (integer)
                where name = 3
                      ^~~~~~~~
                help: quote the number to compare text, or compare with a numeric field

                """)
    }

    @Test func caretsLineUpAfterTabsAndWideText() {
        let text = render("\tleaders where naïve = 1")
        #expect(text.contains("\n\t              ^~~~~\n"))
    }

    @Test func caretsLineUpAfterCJKFlagsAndEmojiSequences() {
        // Found in review: the caret sat two cells left per CJK character before it.
        #expect(
            render(#"leaders where name = "日本語" and nme = 1"#) == """
                <command>:1:32: error: unknown field 'nme' in 'leaders'
                leaders where name = "日本語" and nme = 1
                                                  ^~~
                help: did you mean 'name'?

                """)
        // A flag is two regional indicators and a family three emoji joined by ZWJ: each is one
        // character that terminals draw in two cells.
        let flag = render(#"leaders where name = "🇮🇱👩‍👩‍👧" and nme = 1"#)
        #expect(flag.contains("\n" + String(repeating: " ", count: 32) + "^~~\n"), "\(flag)")
        // The tildes under a span of wide text cover its cells.
        let wide = render(#"leaders where 名前 = 1"#)
        #expect(wide.contains("\n              ^~~~\n"), "\(wide)")
    }

    @Test func endOfInputGetsACaretPastTheText() {
        #expect(
            render("leaders where") == """
                <command>:1:14: error: expected an expression, found end of input
                leaders where
                             ^

                """)
    }

    @Test func colourOnlyWhenAsked() {
        let source = SourceFile(name: "x", text: "leader")
        let diagnostics = Session().check(source).diagnostics
        #expect(!DiagnosticRenderer(colour: false).render(diagnostics, in: source).contains("\u{1B}["))
        #expect(DiagnosticRenderer(colour: true).render(diagnostics, in: source).contains("\u{1B}[1;31merror:"))
    }

    @Test func everyDiagnosticIDHasAStableName() {
        #expect(Set(DiagnosticID.allCases.map(\.rawValue)).count == DiagnosticID.allCases.count)
    }
}
