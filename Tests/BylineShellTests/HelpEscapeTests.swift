// Table names come from data (a database file's tables): help shows them escaped, as `.tables` does.
import Byline
import Testing

@testable import BylineShell

@Suite struct HelpEscapeTests {
    @Test func helpEscapesTableNames() {
        let hostile = "creds\u{1B}]0;pwned\u{07}\nforged: error"
        guard case .text(let text) = DotCommands.helpText("", tableNames: ["leaders", hostile], width: nil) else {
            Issue.record("no overview")
            return
        }
        #expect(!text.contains("\u{1B}") && !text.contains("\u{07}"), "\(text)")
        #expect(text.contains(#"creds\u{1b}]0;pwned\u{7}\nforged: error"#) || text.contains(#"creds\u{1b}]0;pwned\u{07}"#), "\(text)")
    }
}
