#!/usr/bin/env python3
"""Runs the benchmark queries in DuckDB (in the virtual environment Benchmarks/run makes): loads the
CSV files with explicit types, then runs each query REPEAT times, printing its CSV result and then
`Run Time: SECONDS` after each run, as sqlite3's .timer does.

Usage: duckdb_run.py FOLDER REPEAT QUERIES.json [--load-only]
"""
import csv, io, json, sys, time

import duckdb

folder, repeat, queries_file = sys.argv[1], int(sys.argv[2]), sys.argv[3]
load_only = "--load-only" in sys.argv
con = duckdb.connect(":memory:")
con.execute(
    f"CREATE TABLE events AS SELECT * FROM read_csv('{folder}/events.csv', header = true, columns = {{"
    "'id': 'BIGINT', 'year': 'BIGINT', 'month': 'BIGINT', 'actor': 'VARCHAR', 'actor_country': 'VARCHAR', "
    "'target_country': 'VARCHAR', 'kind': 'VARCHAR', 'mentions': 'BIGINT', 'tone': 'DOUBLE', 'source_id': 'BIGINT', 'url': 'VARCHAR'})")
if load_only:
    sys.exit(0)
con.execute(f"CREATE TABLE places AS SELECT * FROM read_csv('{folder}/countries.csv', header = true, columns = {{'name': 'VARCHAR', 'region': 'VARCHAR'}})")
con.execute(f"CREATE TABLE sources AS SELECT * FROM read_csv('{folder}/sources.csv', header = true, columns = {{'id': 'BIGINT', 'name': 'VARCHAR', 'country': 'VARCHAR'}})")
out = sys.stdout
for sql in json.load(open(queries_file)):
    for _ in range(repeat):
        started = time.perf_counter()
        cursor = con.execute(sql)
        rows = cursor.fetchall()
        seconds = time.perf_counter() - started
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([d[0] for d in cursor.description])
        writer.writerows(rows)
        out.write(buffer.getvalue())
        out.write(f"Run Time: real {seconds:.6f} user 0 sys 0\n")
