#!/usr/bin/env python3
"""Byline's SQL backend on PostgreSQL: the benchmark's events table (10M rows by default) goes into
a PostgreSQL server with `.import` (COPY), then each benchmark query runs three ways in the same
run, interleaved: through `byline --db` (the whole process: connect, read the catalog, compile,
run, print), and in psql as the SQL Byline generates (`byline compile`, run with PREPARE/EXECUTE)
and as SQL written by hand, timed by the server (`\\timing`). Answers are checked equal. Writes the
"PostgreSQL backend" section of BENCHMARKS.md.

Usage: Benchmarks/postgres [--rows 10000000] [--repeat 5]
Runs beside the server in BYLINE_POSTGRES, or starts one with Scripts/with-postgres.
"""
import argparse, json, os, re, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "Benchmarks"))
import run as native  # noqa: E402  (Benchmarks/run.py: queries(), normalise())

# Hand-written PostgreSQL for each benchmark query: sqlite3's SQL, with ILIKE for its
# case-insensitive LIKE (native.duckdb_sql), except where listed here.
HAND = {
    "top-k": "SELECT id, year, month, actor, actor_country, target_country, kind, mentions, tone, source_id, url FROM events "
             "WHERE kind = 'visit' ORDER BY mentions DESC, id LIMIT 5",
}


def psql(uri, *commands):
    args = ["psql", uri, "-X", "-q", "--csv", "-v", "ON_ERROR_STOP=1"]
    for command in commands:
        args += ["-c", command]
    p = subprocess.run(args, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"psql failed: {p.stderr}")
    return p.stdout


def server_time(output):
    """The last `Time: N ms` psql's \\timing printed, in seconds, and the output without it."""
    times = re.findall(r"^Time: ([0-9.]+) ms", output, re.M)
    rest = "\n".join(l for l in output.splitlines() if not l.startswith("Time: "))
    return float(times[-1]) / 1000, rest


def sql_literal(text):
    """A Byline literal from `byline compile` (a number, true/false, or a quoted string) as SQL."""
    value = json.loads(text)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def compiled(binary, uri, query):
    out = subprocess.run([binary, "compile", "--db", uri, query], capture_output=True, text=True, check=True).stdout
    lines = out.rstrip("\n").splitlines()
    bindings = [l for l in lines if l.startswith("-- $")]
    sql = "\n".join(l for l in lines if not l.startswith("-- $")).rstrip(";")
    values = [sql_literal(b.split(" = ", 1)[1]) for b in bindings]
    return sql, values


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--output", default=os.path.join(ROOT, "BENCHMARKS.md"))
    args = parser.parse_args()
    uri = os.environ.get("BYLINE_POSTGRES")
    if not uri:
        os.execv(os.path.join(ROOT, "Scripts", "with-postgres"), [os.path.join(ROOT, "Scripts", "with-postgres"), sys.executable] + sys.argv)
    subprocess.run(["swift", "build", "-c", "release", "--product", "byline"], cwd=ROOT, check=True)
    subprocess.run(["swift", "build", "-c", "release", "--product", "BenchmarkData"], cwd=ROOT, check=True)
    bin_dir = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    binary = os.path.join(bin_dir, "byline")
    folder = os.path.join(native.DATA, str(args.rows))
    os.makedirs(folder, exist_ok=True)
    events = os.path.join(folder, "events.csv")
    if not os.path.exists(events) or "url" not in open(events).readline() or not os.path.exists(os.path.join(folder, "sources.csv")):
        subprocess.run([os.path.join(bin_dir, "BenchmarkData"), str(args.rows), "events.csv", "countries.csv", "sources.csv"], cwd=folder, check=True)

    # Load: Byline's .import (read the CSV, COPY it in) against psql's \copy into a typed table.
    started = time.perf_counter()
    subprocess.run([binary, "--no-article", "--db", uri, "-c", ".import events.csv events"], cwd=folder, check=True)
    byline_load = time.perf_counter() - started
    subprocess.run([binary, "--no-article", "--db", uri, "-c", ".import countries.csv places\n.import sources.csv sources"], cwd=folder, check=True)
    psql(uri, "DROP TABLE IF EXISTS events_hand", native.SCHEMA.split(";")[0].replace("events(", "events_hand(") + ";")
    started = time.perf_counter()
    subprocess.run(["psql", uri, "-X", "-q", "-c", f"\\copy events_hand FROM '{os.path.join(folder, 'events.csv')}' CSV HEADER"], check=True)
    hand_load = time.perf_counter() - started
    psql(uri, "DROP TABLE events_hand", "VACUUM ANALYZE events", "VACUUM ANALYZE places", "VACUUM ANALYZE sources")

    rows = []
    for name, byline_query, sqlite_sql in native.sized(native.queries(), args.rows):
        hand = HAND.get(name, native.duckdb_sql(sqlite_sql).rstrip(";"))
        sql, values = compiled(binary, uri, byline_query)
        execute = f"EXECUTE q({', '.join(values)})" if values else "EXECUTE q"
        whole, generated, written = [], [], []
        answers = {}
        for _ in range(args.repeat):
            started = time.perf_counter()
            p = subprocess.run([binary, "--no-article", "--db", uri, "--format", "csv", "-c", byline_query], capture_output=True, text=True, check=True)
            whole.append(time.perf_counter() - started)
            answers["byline"] = p.stdout
            seconds, out = server_time(psql(uri, "\\timing on", f"PREPARE q AS {sql}", execute))
            generated.append(seconds)
            answers["generated"] = out
            seconds, out = server_time(psql(uri, "\\timing on", hand))
            written.append(seconds)
            answers["hand"] = out
        same = native.normalise(answers["byline"]) == native.normalise(answers["hand"]) == native.normalise(answers["generated"])
        if not same:
            print(f"DIFFERENT ANSWERS for {name}:\n{answers}", file=sys.stderr)
        row = (name, statistics.median(whole), statistics.median(generated), statistics.median(written), same)
        print(f"{name:<18} byline --db {row[1]*1000:8.1f} ms  generated SQL {row[2]*1000:8.1f} ms  hand SQL {row[3]*1000:8.1f} ms  "
              f"ratio {row[2]/row[3]:5.2f}  {'same' if same else 'DIFFERENT'}")
        rows.append(row)
    version = psql(uri, "SHOW server_version").splitlines()[-1]
    write(args, rows, byline_load, hand_load, version)
    if not all(r[4] for r in rows):
        sys.exit("the answers differ; see above")


def write(args, rows, byline_load, hand_load, version):
    lines = [
        "<!-- postgres: written by Benchmarks/postgres -->",
        f"## PostgreSQL backend ({args.rows:,} rows)", "",
        f"The same queries with the events table in PostgreSQL {version} (a local server on a Unix socket, "
        "started by `Scripts/with-postgres`), written by `Benchmarks/postgres "
        f"--rows {args.rows} --repeat {args.repeat}`. *Generated SQL* is what `byline compile` prints, run in psql with "
        "PREPARE/EXECUTE; *hand SQL* is the sqlite3 column of the queries below (`ILIKE` for the text search); "
        "both are the server's time (`\\timing`), medians of interleaved runs. *byline --db* is the whole `byline` "
        "process (start, connect, read the catalog, compile, run, print). Answers are checked equal.", "",
        "| query | byline --db | generated SQL | hand SQL | generated/hand | same answer |", "|---|---:|---:|---:|---:|---|",
    ]
    for name, whole, generated, written, same in rows:
        lines.append(f"| {name} | {whole*1000:.0f} ms | {generated*1000:.0f} ms | {written*1000:.0f} ms | {generated/written:.2f} | {'yes' if same else 'NO'} |")
    lines += ["", f"Load: `.import events.csv events` (Byline reads the CSV, then COPY) took {byline_load:.1f} s; psql's "
              f"`\\copy` into a typed table took {hand_load:.1f} s ({byline_load/hand_load:.2f}×).", "",
              "<!-- /postgres -->"]
    section = "\n".join(lines)
    text = open(args.output, encoding="utf-8").read() if os.path.exists(args.output) else "# Benchmarks\n"
    if "<!-- postgres:" in text:
        text = re.sub(r"<!-- postgres:.*?<!-- /postgres -->", lambda _: section, text, flags=re.S)
    else:
        marker = "\n## The queries"
        text = text.replace(marker, "\n" + section + "\n" + marker, 1) if marker in text else text.rstrip("\n") + "\n\n" + section + "\n"
    with open(args.output, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
