#!/usr/bin/env python3
"""The H2O.ai db-benchmark's join questions (J1_<N>_NA_0_0: no nulls, unsorted), in Byline and in
DuckDB, on the same generated data in the same run; `Benchmarks/h2o --tasks join` runs them.
Answers are checked row by row (every column, sorted; numbers to a relative 1e-9) and by the
benchmark's checksums (sum(v1), sum(v2)). Writes the `h2o-join` section of BENCHMARKS.md.

The data is generated as the benchmark's join-datagen.R makes it (the same keys, the same
sharing between the sides; Python's seeded generator, not R's):
  split_xlr(n)   a permutation of 1..1.1n cut into x (0.9n keys both sides have), l (0.1n, the
                 left side only) and r (0.1n, the right side only)
  key1, key2, key3 = split_xlr(N/1e6), split_xlr(N/1e3), split_xlr(N)
  x       id1, id2, id3 sampled from x+l keys (each key at least once), id4..id6 "id" + id1..id3,
          v1 round(runif(N, max = 100), 6)                          N rows
  small   id1 from x+r keys of key1, id4, v2                        N/1e6 rows
  medium  id1, id2 from x+r keys of key1, key2, id4, id5, v2         N/1e3 rows
  big     id1..id3 from x+r keys, id4..id6, v2                       N rows
The benchmark starts at N = 1e7; at 1e6 its small table would have one row and key1 one key, so
key1 keeps 10 keys (small has 10 rows) below 1e7, as at 1e7.

DuckDB loads the tables as join-duckdb.R does (id4 and id5 as ENUM types made of every table's
values, id1..id3 BIGINT, v1 and v2 DOUBLE) and runs its SQL; Byline loads the CSV files.
"""
import csv, io, json, math, os, random, re, statistics, sys, time

import run as bench  # noqa: E402  (run: the main benchmark's helpers)

# (name, what it asks, Byline, DuckDB). The columns and their order are the benchmark's; Byline
# names every key column by its table (x and the other table both have id1, id2, …).
X = "x.id1 as id1, x.id2 as id2, x.id3 as id3, x.id4 as id4, x.id5 as id5, x.id6 as id6, v1"


def byline_join(table, key, right, left=False):
    """x joined to `table` on `key`, selecting x's columns, `right`'s as table_column, and v2."""
    others = ", ".join(f"{table}.{c} as {table}_{c}" for c in right)
    return f"x {'left ' if left else ''}join {table} on x.{key} = {table}.{key} select {X}, {others}, v2"


QUESTIONS = [
    ("q1", "small inner on int", byline_join("small", "id1", ["id4"]),
     "SELECT x.*, small.id4 AS small_id4, v2 FROM x JOIN small USING (id1)"),
    ("q2", "medium inner on int", byline_join("medium", "id2", ["id1", "id4", "id5"]),
     "SELECT x.*, medium.id1 AS medium_id1, medium.id4 AS medium_id4, medium.id5 AS medium_id5, v2 FROM x JOIN medium USING (id2)"),
    ("q3", "medium outer on int", byline_join("medium", "id2", ["id1", "id4", "id5"], left=True),
     "SELECT x.*, medium.id1 AS medium_id1, medium.id4 AS medium_id4, medium.id5 AS medium_id5, v2 FROM x LEFT JOIN medium USING (id2)"),
    ("q4", "medium inner on factor", byline_join("medium", "id5", ["id1", "id2", "id4"]),
     "SELECT x.*, medium.id1 AS medium_id1, medium.id2 AS medium_id2, medium.id4 AS medium_id4, v2 FROM x JOIN medium USING (id5)"),
    ("q5", "big inner on int", byline_join("big", "id3", ["id1", "id2", "id4", "id5", "id6"]),
     "SELECT x.*, big.id1 AS big_id1, big.id2 AS big_id2, big.id4 AS big_id4, big.id5 AS big_id5, big.id6 AS big_id6, v2 "
     "FROM x JOIN big USING (id3)"),
]
TABLES = ["x", "small", "medium", "big"]


def label(number):
    """1e6, 1e7, 1e1, as the benchmark names its files (1e0 for one)."""
    exponent = round(math.log10(number))
    return f"1e{exponent}" if 10 ** exponent == number else str(number)


def files(size):
    """The four files' names, as join-datagen.R names them."""
    small = max(size // 10 ** 6, 10)
    return {"x": f"J1_{label(size)}_NA_0_0.csv", "small": f"J1_{label(size)}_{label(small)}_0_0.csv",
            "medium": f"J1_{label(size)}_{label(size // 1000)}_0_0.csv", "big": f"J1_{label(size)}_{label(size)}_0_0.csv"}


def generate(size, folder):
    """The four tables of J1_<size>_NA_0_0 as join-datagen.R makes them (see the module's note)."""
    rng = random.Random(f"J1_{size}_NA_0_0")

    def split_xlr(n):
        key = list(range(1, n + n // 10 + 1))
        rng.shuffle(key)
        common = n * 9 // 10
        return {"x": key[:common], "l": key[common:n], "r": key[n:]}

    def sample_all(keys, size):
        y = keys + rng.choices(keys, k=max(size - len(keys), 0))
        rng.shuffle(y)
        return y

    def number(value):
        return repr(round(value, 6))

    def write(name, columns):
        """id4..id6 are "id" and id1..id3, v1 and v2 last, as write_batches writes them."""
        names = [c for c in ["id1", "id2", "id3"] if c in columns]
        strings = {f"id{int(c[2]) + 3}": ["id" + str(v) for v in columns[c]] for c in names}
        measures = [c for c in ["v1", "v2"] if c in columns]
        header = names + list(strings) + measures
        data = [[str(v) for v in columns[c]] for c in names] + list(strings.values()) + [columns[c] for c in measures]
        path = os.path.join(folder, files(size)[name])
        with open(path + ".part", "w", newline="") as f:
            f.write(",".join(header) + "\n")
            f.write("".join(",".join(row) + "\n" for row in zip(*data)))
        os.replace(path + ".part", path)

    key1 = split_xlr(max(size // 10 ** 6, 10))
    key2 = split_xlr(size // 1000)
    key3 = split_xlr(size)
    left = {k: sample_all(key["x"] + key["l"], size) for k, key in zip(["id1", "id2", "id3"], [key1, key2, key3])}
    left["v1"] = [number(rng.random() * 100) for _ in range(size)]
    write("x", left)
    del left
    n = len(key1["x"]) + len(key1["r"])
    write("small", {"id1": sample_all(key1["x"] + key1["r"], n), "v2": [number(rng.random() * 100) for _ in range(n)]})
    n = size // 1000
    write("medium", {"id1": sample_all(key1["x"] + key1["r"], n), "id2": sample_all(key2["x"] + key2["r"], n),
                     "v2": [number(rng.random() * 100) for _ in range(n)]})
    write("big", {"id1": sample_all(key1["x"] + key1["r"], size), "id2": sample_all(key2["x"] + key2["r"], size),
                  "id3": sample_all(key3["x"] + key3["r"], size), "v2": [number(rng.random() * 100) for _ in range(size)]})


def byline_run(binary, folder, size, repeat, threads=None, rows=True):
    """Loads the four files and asks every question `repeat` times; returns ([(times, answer CSV)], peak KiB).
    Without `rows`, the answer is its checksums (the row count, sum(v1), sum(v2))."""
    script = [".mode csv"] + [f'load "{file}" as {name}' for name, file in files(size).items()] + [".timer on"]
    for name, _, query, _ in QUESTIONS:
        script += [f"let ans = {query}"] * repeat
        check = "ans" if rows else "ans select count() as rows, sum(v1) as v1, sum(v2) as v2"
        script += [".timer off", f'range(1) select "@@{name}" as marker', check, ".timer on"]
    path = os.path.join(folder, "h2o-join.byl")
    with open(path, "w") as f:
        f.write("\n".join(script) + "\n")
    out, _, _, peak = bench.run([binary, "--no-article"] + (["--threads", str(threads)] if threads else []) + [path], cwd=folder)
    return answers(out, repeat, lambda line: line != "marker", byline_seconds), peak


def byline_seconds(line):
    _, number, unit = line.split()
    return float(number) / 1000 if unit == "ms" else float(number)


def answers(out, repeat, keep, seconds):
    """The times and the answer after each `@@name` marker of a run's output."""
    times, found, current = [], {}, None
    for line in out.splitlines():
        if line.startswith("time: "):
            times.append(seconds(line))
        elif line.startswith("@@"):
            current = line[2:]
            found[current] = []
        elif current and keep(line):
            found[current].append(line)
    return [(times[i * repeat:(i + 1) * repeat], "\n".join(found[q[0]])) for i, q in enumerate(QUESTIONS)]


def byline_load(binary, folder, size, runs=3):
    """The median time of a process that only loads the four files."""
    path = os.path.join(folder, "h2o-join-load.byl")
    with open(path, "w") as f:
        f.write("".join(f'load "{file}" as {name}\n' for name, file in files(size).items()))
    return statistics.median(bench.run([binary, "--no-article", path], cwd=folder)[2] for _ in range(runs))


DUCKDB_SCRIPT = r'''
import csv, io, json, sys, time
import duckdb
names, repeat, questions, check = json.loads(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3]), json.loads(sys.argv[4])
con = duckdb.connect(":memory:")
started = time.perf_counter()
for table, file in names.items():
    con.execute(f"CREATE TABLE {table}_csv AS SELECT * FROM read_csv_auto('{file}')")
con.execute("CREATE TYPE id4ENUM AS ENUM (SELECT id4 FROM x_csv UNION ALL SELECT id4 FROM small_csv UNION ALL SELECT id4 FROM medium_csv UNION ALL SELECT id4 FROM big_csv)")
con.execute("CREATE TYPE id5ENUM AS ENUM (SELECT id5 FROM x_csv UNION ALL SELECT id5 FROM medium_csv UNION ALL SELECT id5 FROM big_csv)")
con.execute("CREATE TABLE small(id1 INT64, id4 id4ENUM, v2 DOUBLE)")
con.execute("INSERT INTO small (SELECT * FROM small_csv)")
con.execute("CREATE TABLE medium(id1 INT64, id2 INT64, id4 id4ENUM, id5 id5ENUM, v2 DOUBLE)")
con.execute("INSERT INTO medium (SELECT * FROM medium_csv)")
con.execute("CREATE TABLE big(id1 INT64, id2 INT64, id3 INT64, id4 id4ENUM, id5 id5ENUM, id6 VARCHAR, v2 DOUBLE)")
con.execute("INSERT INTO big (SELECT * FROM big_csv)")
con.execute("CREATE TABLE x(id1 INT64, id2 INT64, id3 INT64, id4 id4ENUM, id5 id5ENUM, id6 VARCHAR, v1 DOUBLE)")
con.execute("INSERT INTO x (SELECT * FROM x_csv)")
for table in names:
    con.execute(f"DROP TABLE {table}_csv")
print(f"time: {time.perf_counter() - started}")
for (name, sql), checksum in zip(questions, check):
    for _ in range(repeat):
        started = time.perf_counter()
        con.execute(f"CREATE OR REPLACE TABLE ans AS {sql}")
        print(f"time: {time.perf_counter() - started}")
    cursor = con.execute(checksum)
    rows = cursor.fetchall()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([d[0] for d in cursor.description])
    writer.writerows(rows)
    print("@@" + name)
    sys.stdout.write(buffer.getvalue())
'''


def duckdb_script(folder):
    path = os.path.join(folder, "h2o_join_duckdb.py")
    with open(path, "w") as f:
        f.write(DUCKDB_SCRIPT)
    return path


def duckdb_run(python, folder, size, repeat, rows=True):
    """DuckDB's times and answers (its load, timed in the process, left out), and its peak KiB."""
    questions = json.dumps([(q[0], q[3]) for q in QUESTIONS])
    check = json.dumps(["SELECT * FROM ans" if rows else "SELECT count(*) AS rows, sum(v1) AS v1, sum(v2) AS v2 FROM ans"] * len(QUESTIONS))
    out, _, _, peak = bench.run([python, duckdb_script(folder), json.dumps(files(size)), str(repeat), questions, check], cwd=folder)
    lines = out.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("time: "))
    del lines[first]  # the load
    return answers("\n".join(lines), repeat, lambda _: True, lambda line: float(line.split()[1])), peak


def duckdb_load(python, folder, size, runs=3):
    """The median time of a process that only loads the four files, Python's start and DuckDB's import included."""
    return statistics.median(bench.run([python, duckdb_script(folder), json.dumps(files(size)), "0", "[]", "[]"], cwd=folder)[2]
                             for _ in range(runs))


def compare(byline, duckdb):
    """(same rows, checksums equal, how many rows, the checksums as text) of two answers: every
    row, sorted by all its cells (nulls first), numbers to a relative 1e-9."""
    def parsed(text):
        rows = list(csv.reader(io.StringIO(text)))

        def cell(value):
            if value == "":
                return (0, 0.0)
            try:
                return (1, float(value))
            except ValueError:
                return (2, value)
        return rows[0], sorted([cell(v) for v in row] for row in rows[1:])
    bh, brows = parsed(byline)
    dh, drows = parsed(duckdb)

    def close(a, b):
        if a[0] == 1 and b[0] == 1:
            return math.isclose(a[1], b[1], rel_tol=1e-9, abs_tol=1e-9)
        return a == b
    same = bh == dh and len(brows) == len(drows) and all(
        len(r) == len(s) and all(close(a, b) for a, b in zip(r, s)) for r, s in zip(brows, drows))
    checks = []
    for name in ["v1", "v2"]:
        b = sum(r[bh.index(name)][1] for r in brows) if name in bh else float("nan")
        d = sum(r[dh.index(name)][1] for r in drows) if name in dh else float("nan")
        checks.append((name, b, d))
    checksums = all(math.isclose(b, d, rel_tol=1e-9) for _, b, d in checks)
    return same, checksums, len(brows), "; ".join(f"{name} {b:.9g}" for name, b, _ in checks)


def measure(binary, python, folder, size, repeat, rows_compared):
    """Runs both engines on J1_<size>; returns (rows of the table, Byline's load, DuckDB's, peaks)."""
    if not all(os.path.exists(os.path.join(folder, f)) for f in files(size).values()):
        started = time.perf_counter()
        generate(size, folder)
        print(f"generated J1_{label(size)} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    b_results, b_peak = byline_run(binary, folder, size, repeat, rows=rows_compared)
    o_results, _ = byline_run(binary, folder, size, repeat, threads=1, rows=rows_compared)
    d_results, d_peak = duckdb_run(python, folder, size, repeat, rows=rows_compared)
    b_load, d_load = byline_load(binary, folder, size), duckdb_load(python, folder, size)
    rows = []
    for (name, what, _, _), (bt, ba), (ot, oa), (dt, da) in zip(QUESTIONS, b_results, o_results, d_results):
        same, checksums, count, chk = compare(ba, da)
        if not rows_compared:
            count = int(float(ba.splitlines()[1].split(",")[0]))
        same = same and oa == ba  # one thread gives every core's answer, byte for byte
        if not (same and checksums):
            print(f"DIFFERENT ANSWERS for join {name} at {size} rows", file=sys.stderr)
        row = (name, what, statistics.median(bt), statistics.median(ot), statistics.median(dt), count, same and checksums, chk)
        rows.append(row)
        print(f"{size:>9} join {name:<4} byline {row[2]*1000:9.1f} ms (1 thread {row[3]*1000:9.1f})  duckdb {row[4]*1000:9.1f} ms"
              f"  x{row[2]/row[4]:5.2f}  {count} rows  {'same' if row[6] else 'DIFFERENT'}")
    print(f"{size:>9} join load byline {b_load:.2f} s  duckdb {d_load:.2f} s; peak {b_peak/1024:.0f} MiB, {d_peak/1024:.0f} MiB")
    megabytes = sum(os.path.getsize(os.path.join(folder, f)) for f in files(size).values()) / 1e6
    return (size, files(size)["x"], megabytes, rows, b_load, d_load, b_peak, d_peak, rows_compared)


def markdown(args, report, version):
    """The h2o-join section of BENCHMARKS.md."""
    lines = [
        "<!-- h2o-join: written by Benchmarks/h2o --tasks join -->",
        "## H2O.ai db-benchmark, join", "",
        f"The join questions of the H2O.ai db-benchmark in Byline and DuckDB {version} on the same data, in one run, written by "
        f"`Benchmarks/h2o --tasks join --sizes {args.sizes} --repeat {args.repeat}`. The data is J1 (no nulls, unsorted): "
        "x and big of N rows, medium of N/1e3, small of N/1e6 (10 rows below N = 1e7, where the benchmark starts), "
        "generated as the benchmark's `join-datagen.R` makes them (9 in 10 keys on both sides, 1 in 10 on one side only; "
        "Python's seeded generator). DuckDB loads them as the benchmark's `join-duckdb.R` does (id4 and id5 as ENUM types) "
        f"and runs its SQL; Byline runs the same questions with the same columns. Each question runs {args.repeat} times "
        "into a table (`let ans = …`; `CREATE OR REPLACE TABLE ans AS …`); medians. *Same* means the answers agree row by row "
        "(every row, sorted; numbers to a relative 1e-9) and by the benchmark's checksums (sum(v1), sum(v2), shown), "
        "and that one thread gave every core's answer byte for byte.", "",
    ]
    if args.note:
        lines += [args.note, ""]
    lines += [bench.load_note(), ""]
    for size, file, megabytes, rows, b_load, d_load, b_peak, d_peak, rows_compared in report:
        lines += [f"### {file} and its small, medium and big tables ({size:,} rows, {megabytes:.0f} MB of CSV in all)", "",
                  *([] if rows_compared else ["Answers compared by their checksums and row counts, not row by row.", ""]),
                  "| question | rows | Byline | Byline, 1 thread | DuckDB | Byline/DuckDB | same | checksums |",
                  "|---|---:|---:|---:|---:|---:|---|---|"]
        for name, what, bt, ot, dt, count, same, chk in rows:
            lines.append(f"| {name}: {what} | {count:,} | {bt*1000:.1f} ms | {ot*1000:.1f} ms | {dt*1000:.1f} ms | {bt/dt:.2f} | "
                         f"{'yes' if same else 'NO'} | {chk} |")
        lines.append(f"| load the four tables (a process that only loads; median of 3) | | {b_load:.2f} s | | {d_load:.2f} s | "
                     f"{b_load/d_load:.2f} | | |")
        lines.append(f"| peak memory, load + all questions | | {b_peak/1024:.0f} MiB | | {d_peak/1024:.0f} MiB | {b_peak/d_peak:.2f} | | |")
        lines.append("")
    lines += ["| question | Byline | DuckDB |", "|---|---|---|"]
    for name, _, byline, sql in QUESTIONS:
        lines.append(f"| {name} | `{byline}` | `{sql}` |")
    lines += ["", "<!-- /h2o-join -->"]
    return "\n".join(lines)
