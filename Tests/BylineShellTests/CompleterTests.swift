// Tab completion from context, without a terminal.
import Byline
import Testing

@testable import BylineShell

@Suite struct CompleterTests {
    private let completer = Completer(session: Session())

    private func complete(_ before: String, _ word: String) -> [String] {
        completer.complete(word: word, before: before).candidates
    }

    @Test func tablesAtTheStart() {
        #expect(complete("", "lea") == ["leaders"])
        #expect(
            complete("", "") == [
                "assert", "attributions", "countries", "def", "events", "explain", "figures", "leaders", "let", "load", "mentions",
                "organizations", "places", "relations", "sentences", "visits",
            ])
        #expect(complete("", "ra") == ["range("])
        #expect(complete("leaders; ", "vi") == ["visits"])
    }

    @Test func fieldsOfTheSourceAfterWhere() {
        #expect(complete("leaders where ", "co") == ["coalesce(", "concat(", "contains(", "cos(", "country"])
        #expect(complete("leaders where country = \"Congo\" and ", "st") == ["starts_with(", "status", "strftime("])
        #expect(complete("visits order by ", "y") == ["year", "year("])
        #expect(complete("visits select ", "co") == ["coalesce(", "concat(", "contains(", "corr(", "cos(", "count("])  // aggregates only in select
        #expect(complete("visits where ", "ran") == [])  // window functions only in select
        #expect(complete("visits select ", "ran") == ["rank("])
        #expect(complete("visits select ", "me") == ["median("])
        // Every function of the catalogue, and the words of its operators.
        #expect(complete("visits select ", "to_") == ["to_date(", "to_float(", "to_integer(", "to_string(", "to_timestamp("])
        #expect(complete("visits where year ", "be") == ["between"])
        #expect(complete("leaders select name, ", "ti") == ["title"])
    }

    @Test func explainCompletesTheQueryAfterIt() {
        #expect(complete("explain ", "an") == ["analyze"])
        #expect(complete("explain ", "vi") == ["visits"])
        #expect(complete("explain analyze ", "vi") == ["visits"])
        #expect(complete("explain analyze visits where ", "ye") == ["year", "year("])
        #expect(complete("explain visits ", "wh") == ["where"])
    }

    @Test func fieldsFollowThePipeline() {
        #expect(complete("visits select year as y where ", "") == ["false", "not", "null", "true", "y"])
        #expect(complete("visits count where ", "c") == ["ceil(", "coalesce(", "concat(", "contains(", "cos(", "count"])
        #expect(complete("let k = leaders select name as who\nk where ", "wh").isEmpty)  // k is not defined yet
    }

    @Test func clauseKeywordsAfterAnOperand() {
        #expect(
            complete("leaders ", "") == [
                "append", "chart", "cite", "count", "distinct", "except", "group by", "intersect", "join", "left join", "limit", "order by", "save", "select", "where",
            ])
        #expect(complete("leaders where status = 'x' ", "o") == ["or", "order by"])
        #expect(complete("leaders limit 5 ", "o") == ["offset", "order by"])
        #expect(complete("visits join ", "le") == ["leaders"])
        #expect(complete("visits join leaders ", "") == ["as", "on"])
        #expect(complete("visits join leaders on visitor = ", "leaders.n") == ["leaders.name"])
        #expect(complete("visits join leaders as l on ", "l.ti") == ["l.title"])
        #expect(complete("visits group ", "") == ["by"])
        #expect(complete("leaders order ", "") == ["by"])
        #expect(complete("leaders limit ", "").isEmpty)
    }

    @Test func earlierLinesOfAStatementCount() {
        #expect(complete("visits\nwhere ", "dest") == ["destination"])
    }

    @Test func letNeedsANameThenEqualsThenATable() {
        #expect(complete("let ", "x").isEmpty)
        #expect(complete("let x ", "") == ["="])
        #expect(complete("let x = ", "ev") == ["events"])
        #expect(complete("let x = events where ", "pe") == ["people"])
    }

    @Test func dotCommandsAndTheirArguments() {
        #expect(complete("", ".sc") == [".schema"])
        #expect(complete("", ".") .count == DotCommands.all.count)
        #expect(complete(".schema ", "vi") == ["visits"])
        #expect(complete(".mode ", "") == ["box", "csv", "json", "jsonl", "line", "markdown", "table", "tsv"])
        #expect(complete(".timer ", "o") == ["off", "on"])
        #expect(completer.complete(word: "Exa", before: ".read ").wantsFileNames)
    }
}

/// Inside a string, Tab completes only values (or file names), and never changes what was typed.
@Suite struct StringCompletionTests {
    private let completer = Completer(session: Session())

    @Test func tabInsideAStringNeverRewritesIt() {
        // Found in review: these became "name", "abs(" and a lower-cased "co".
        #expect(completer.complete(word: "Na", before: #"leaders where title = ""#).candidates == [])
        #expect(completer.complete(word: "A", before: #"visits where city = ""#).candidates == ["Astana"])
        #expect(completer.complete(word: "Co", before: #"leaders where country = ""#).candidates == ["Congo"])
        #expect(completer.complete(word: "co", before: #"leaders where country = ""#).candidates == [])
        #expect(completer.complete(word: "x", before: #"leaders select ""#).candidates == [])
    }

    @Test func tabInsideAStringCompletesOnAllOfItSpacesIncluded() {
        // Found in review: "Askar Mik" became "Askar Mikhael Mirilashvili" (a value starting "Mik").
        // The shell hands over the whole string (only quotes break a word inside one)…
        #expect(completer.complete(word: "Askar Mik", before: #"leaders where name = ""#).candidates == [])
        #expect(completer.complete(word: "Askar M", before: #"leaders where name = ""#).candidates == ["Askar Mamin"])
        // …and a completer given only the last word still judges the whole string.
        #expect(completer.complete(word: "Mik", before: #"leaders where name = "Askar "#).candidates == [])
        #expect(completer.complete(word: "M", before: #"leaders where name = "Askar "#).candidates == ["Mamin"])
        // "Dem" stops where the two spellings part, and further Tabs go on from there.
        let dem = completer.complete(word: "Dem", before: #"leaders where country = ""#).candidates
        #expect(dem == ["Democratic Republic of Congo", "Democratic Republic of the Congo"])
        #expect(
            completer.complete(word: "Democratic Republic of t", before: #"leaders where country = ""#).candidates
                == ["Democratic Republic of the Congo"])
        #expect(completer.complete(word: "t", before: #"leaders where country = "Democratic Republic of "#).candidates == ["the Congo"])
    }

    @Test func valuesOfTheComparedFieldWithAliases() {
        let kaz = completer.complete(word: "Kaz", before: #"leaders where country = ""#)
        #expect(kaz.candidates == ["Kazakhstan"])
        #expect(kaz.closingQuote == "\"")
        #expect(completer.complete(word: "Naz", before: #"visits where visitor = '"#).candidates == ["Nazarbayev"])
        #expect(completer.complete(word: "P", before: #"leaders where title in ["President", ""#).candidates == ["President", "Prime Minister"])
        #expect(completer.complete(word: "Pr", before: #"leaders where name starts with ""#).candidates == [])
        // A field that may name any entity offers the names and aliases of every entity table.
        #expect(completer.complete(word: "Ma", before: #"relations where subject = ""#).candidates == ["Mamin"])
        #expect(completer.complete(word: "E", before: #"attributions where speaker = ""#).candidates == ["EAJC", "Euro-Asian Jewish Congress"])
    }

    @Test func fileNamesAfterLoadSaveAndRedirections() {
        #expect(completer.complete(word: "", before: #"load ""#).wantsFileNames)
        #expect(completer.complete(word: "da", before: #"leaders save ""#).wantsFileNames)
        #expect(completer.complete(word: "o", before: ".output ").wantsFileNames)
        #expect(completer.complete(word: "o", before: ".once ").wantsFileNames)
        // Found in review: `load ` Tab did nothing, `.open ` Tab offered nothing.
        #expect(completer.complete(word: "", before: "load ").candidates == ["\""])
        #expect(completer.complete(word: "", before: "leaders save ").candidates == ["\""])
        #expect(completer.complete(word: "da", before: ".open ").wantsFileNames)
        #expect(completer.complete(word: "ev", before: ".import ").wantsFileNames)
    }

    @Test func keywordsAndTheirNextWords() {
        #expect(completer.complete(word: "lo", before: "").candidates == ["load"])
        #expect(completer.complete(word: "sa", before: "leaders ").candidates == ["save"])
        #expect(completer.complete(word: "ch", before: "leaders ").candidates == ["chart"])
        #expect(completer.complete(word: "", before: "visits chart ").candidates == ["bar", "timeline"])
        #expect(completer.complete(word: "", before: "leaders where name starts ").candidates == ["with"])
        #expect(completer.complete(word: "", before: "leaders where name ends ").candidates == ["with"])
        #expect(completer.complete(word: "", before: "leaders where name is ").candidates == ["not null", "null"])
        #expect(completer.complete(word: "", before: "leaders order ").candidates == ["by"])
        #expect(completer.complete(word: "", before: "leaders left ").candidates == ["join"])
    }
}
