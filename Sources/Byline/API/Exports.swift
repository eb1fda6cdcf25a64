// The library's one module for embedders: `import Byline` brings the public types of every stage
// (values, diagnostics, results, loaders, formatters) as before the stages were targets.

@_exported import BylineCore
@_exported import BylineEngine
@_exported import BylineFunctions
@_exported import BylineIO
@_exported import BylineSQL
@_exported import BylineSemantics
@_exported import BylineStorage
@_exported import BylineSyntax
