// The query-path fuzz target: see FuzzQuery.swift.
import FuzzDriver

runFuzzer { data, size in fuzzQuery(data, size) }
