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
