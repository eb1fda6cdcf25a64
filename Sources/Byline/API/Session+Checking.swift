// Checking a script against the session: names, types and the files `load` reads; nothing runs.

extension Session {
    /// Parses and checks a whole script against this session's tables, without running anything.
    /// `let` names defined earlier in the script are visible to later statements.
    /// `cancellation` stops a `load` that is reading a large file.
    package func check(_ source: SourceFile, cancellation: CancellationFlag? = nil) -> CheckedScript {
        serialised { checkLocked(source, cancellation: cancellation) }
    }

    func checkLocked(_ source: SourceFile, cancellation: CancellationFlag?, slots: Set<String> = []) -> CheckedScript {
        var binder = Binder(
            scope: scope,
            definitions: storedDefinitions.mapValues { .some($0) },
            source: source, nameIndexes: { [unowned self] name in self.nameIndex(of: name) })
        binder.userFunctions = storedFunctions
        binder.citesEveryQuery = storedCitesEveryQuery
        binder.parameterValues = storedParameters
        binder.parameterSlots = slots
        var checker = ScriptChecker(
            binder: binder, source: source, files: storedFileAccess, lets: letNames, loadedNames: loadedNames,
            definitionNames: Set(storedDefinitions.keys), commandEffect: storedCommandEffect)
        checker.cancellation = cancellation
        checker.loadProgress = storedLoadProgress
        checker.maximumLoadBytes = storedLimits.maximumMemory
        return checker.check()
    }

    /// How a command line between statements (the shell's `.param`, `.cite`) changes the checking
    /// of the statements after it; the shell sets it, since commands are the shell's.
    package var commandEffect: (@Sendable (String, inout CheckSettings) -> Void)? {
        get { serialised { storedCommandEffect } }
        set { serialised { storedCommandEffect = newValue } }
    }

    func clearNameIndexes() { nameIndexCache = [:] }

    func nameIndex(of table: String) -> [String: String] {
        if let cached = nameIndexCache[table] { return cached }
        var index: [String: String]
        if table == ArticleDataset.anyEntity, databaseTable(named: table) == nil, tables[table] == nil {
            // A field that may name a country, organization, leader or place matches by the names
            // of all four; a name that is some row's key keeps meaning that row.
            index = [:]
            for (entityTable, _) in ArticleDataset.entityKinds {
                index.merge(nameIndex(of: entityTable)) { first, _ in first }
            }
        } else {
            index = (databaseTable(named: table) != nil ? databaseNameIndex(of: table) : tables[table]?.nameIndex()) ?? [:]
        }
        nameIndexCache[table] = index
        return index
    }
}
