// The loader fuzz target: see FuzzLoader.swift.
import FuzzDriver

runFuzzer { data, size in fuzzLoader(data, size) }
