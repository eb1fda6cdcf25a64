// Build-tool plugin: embeds the article dataset (JSON) into the Byline library as Swift source.
import Foundation
import PackagePlugin

@main
struct EmbedDataPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let sourceTarget = target as? SourceModuleTarget else { return [] }
        let input = sourceTarget.directoryURL.appending(path: "Dataset/article.json")
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedArticle.swift")
        return [
            .buildCommand(
                displayName: "Embedding the article dataset",
                executable: try context.tool(named: "EmbedData").url,
                arguments: [input.path(), output.path(), "embeddedArticleJSON"],
                inputFiles: [input],
                outputFiles: [output]
            )
        ]
    }
}
