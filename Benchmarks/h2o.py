#!/usr/bin/env python3
"""The H2O.ai db-benchmark's groupby questions (G1_<N>_1e2_0_0: K = 100 groups, no nulls,
unsorted) that Byline can express, in Byline and in DuckDB (from PyPI, in the virtual environment
Benchmarks/run makes), on the same generated data in the same run. Answers are checked row by row
(sorted by their keys, numbers to a relative 1e-9) and by the benchmark's checksums (the sum of
each measure column). Writes the `h2o` section of BENCHMARKS.md.

The data is generated as the benchmark's groupby-datagen.R makes it (the same columns and
distributions; Python's seeded generator, not R's):
  id1, id2  sample(sprintf("id%03d", 1:K), N, TRUE)        strings, K values
  id3       sample(sprintf("id%010d", 1:(N/K)), N, TRUE)   strings, N/K values
  id4, id5  sample(K, N, TRUE)                             integers 1..K
  id6       sample(N/K, N, TRUE)                           integers 1..N/K
  v1        sample(5, N, TRUE); v2  sample(15, N, TRUE)    integers
  v3        round(runif(N, max = 100), 6)                  floats

Each question runs REPEAT times in one process per engine, into a table (`let ans = …` in Byline,
`CREATE OR REPLACE TABLE ans AS …` in DuckDB, as the benchmark times them); the table shows medians.

The join questions are in h2o_join.py.

Usage: Benchmarks/h2o [--tasks groupby,join] [--sizes 1000000] [--repeat 3]
"""
import argparse, csv, io, json, math, os, random, re, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "Benchmarks"))
import run as bench  # noqa: E402  (duckdb_python, run: the main benchmark's helpers)
import h2o_join  # noqa: E402

DATA = os.path.join(ROOT, "Benchmarks", "data", "h2o")
K = 100

# (name, what it asks, key columns, Byline, DuckDB[, measures]): the benchmark's ten questions, in its
# own words and its own SQL (groupby-duckdb.R); q8 asks for the two largest v3 of each id6 with a
# window, as the benchmark's SQL does.
QUESTIONS = [
    ("q1", "sum v1 by id1", ["id1"],
     "x group by id1 select id1, sum(v1) as v1",
     "SELECT id1, sum(v1) AS v1 FROM x GROUP BY id1"),
    ("q2", "sum v1 by id1:id2", ["id1", "id2"],
     "x group by id1, id2 select id1, id2, sum(v1) as v1",
     "SELECT id1, id2, sum(v1) AS v1 FROM x GROUP BY id1, id2"),
    ("q3", "sum v1 mean v3 by id3", ["id3"],
     "x group by id3 select id3, sum(v1) as v1, avg(v3) as v3",
     "SELECT id3, sum(v1) AS v1, avg(v3) AS v3 FROM x GROUP BY id3"),
    ("q4", "mean v1:v3 by id4", ["id4"],
     "x group by id4 select id4, avg(v1) as v1, avg(v2) as v2, avg(v3) as v3",
     "SELECT id4, avg(v1) AS v1, avg(v2) AS v2, avg(v3) AS v3 FROM x GROUP BY id4"),
    ("q5", "sum v1:v3 by id6", ["id6"],
     "x group by id6 select id6, sum(v1) as v1, sum(v2) as v2, sum(v3) as v3",
     "SELECT id6, sum(v1) AS v1, sum(v2) AS v2, sum(v3) AS v3 FROM x GROUP BY id6"),
    ("q6", "median v3 sd v3 by id4 id5", ["id4", "id5"],
     "x group by id4, id5 select id4, id5, median(v3) as median_v3, stddev(v3) as sd_v3",
     "SELECT id4, id5, median(v3) AS median_v3, stddev(v3) AS sd_v3 FROM x GROUP BY id4, id5"),
    ("q7", "max v1 - min v2 by id3", ["id3"],
     "x group by id3 select id3, max(v1) - min(v2) as range_v1_v2",
     "SELECT id3, max(v1) - min(v2) AS range_v1_v2 FROM x GROUP BY id3"),
    ("q8", "largest two v3 by id6", ["id6"],
     "x where v3 is not null select id6, v3 as largest2_v3, row_number() over (partition by id6 order by v3 desc) as order_v3"
     " where order_v3 <= 2 select id6, largest2_v3",
     "SELECT id6, largest2_v3 FROM (SELECT id6, v3 AS largest2_v3, row_number() OVER (PARTITION BY id6 ORDER BY v3 DESC)"
     " AS order_v3 FROM x WHERE v3 IS NOT NULL) sub_query WHERE order_v3 <= 2",
     ["largest2_v3"]),
    ("q9", "regression v1 v2 by id2 id4", ["id2", "id4"],
     "x group by id2, id4 select id2, id4, pow(corr(v1, v2), 2) as r2",
     "SELECT id2, id4, pow(corr(v1, v2), 2) AS r2 FROM x GROUP BY id2, id4"),
    ("q10", "sum v3 count by id1:id6", ["id1", "id2", "id3", "id4", "id5", "id6"],
     "x group by id1, id2, id3, id4, id5, id6 select id1, id2, id3, id4, id5, id6, sum(v3) as v3, count() as `count`",
     "SELECT id1, id2, id3, id4, id5, id6, sum(v3) AS v3, count(*) AS count FROM x GROUP BY id1, id2, id3, id4, id5, id6"),
]


# (the keys, one string key made of them, one integer key made of them, the aggregates): each
# multi-column group of the questions beside single columns holding the same groups, made before
# the timing, so a composite key's cost per row is measured against one key's with as many groups.
# A string key is grouped by its dictionary codes, an integer key by value (indexed when its range
# is small, else hashed). {m} is N/K + 1, one more than id3's and id6's largest number.
def number(column):
    return f"to_integer(substr({column}, 3))"


KEY_PAIRS = [
    ("id4, id5 (integers)", 'concat(to_string(id4), "/", to_string(id5))', "id4 * 101 + id5", "sum(v1) as v1"),
    ("id1, id2 (strings)", 'concat(id1, "/", id2)', f"{number('id1')} * 101 + {number('id2')}", "sum(v1) as v1"),
    ("id4, id5, v2 (integers)", 'concat(to_string(id4), "/", to_string(id5), "/", to_string(v2))',
     "(id4 * 101 + id5) * 16 + v2", "sum(v1) as v1"),
    ("id1, id4, id5 (a string, integers)", 'concat(id1, "/", to_string(id4), "/", to_string(id5))',
     f"({number('id1')} * 101 + id4) * 101 + id5", "sum(v1) as v1"),
    ("id1, id2, id3, id4, id5, id6 (q10's)",
     'concat(id1, "/", id2, "/", id3, "/", to_string(id4), "/", to_string(id5), "/", to_string(id6))',
     f"(((({number('id1')} * 101 + {number('id2')}) * {{m}} + {number('id3')}) * 101 + id4) * 101 + id5) * {{m}} + id6",
     "sum(v3) as v3, count() as n"),
]


def key_pairs(binary, folder, file, size, repeat):
    """[(keys, groups, one string key's median seconds, one integer key's, the keys', same)]: each
    of KEY_PAIRS timed in one process; same when all three give as many groups and the same sums."""
    made = ", ".join(f"{text} as s{index}, {integer.format(m=size // K + 1)} as i{index}"
                     for index, (_, text, integer, _) in enumerate(KEY_PAIRS))
    script = [".mode csv", f'load "{file}" as x', f"let y = x select id1, id2, id3, id4, id5, id6, v1, v2, v3, {made}"]
    ways = ("string", "integer", "keys")
    for index, (keys, _, _, aggregates) in enumerate(KEY_PAIRS):
        columns = keys.split(" (")[0]
        names = [a.split(" as ")[1] for a in aggregates.split(", ")]
        measures = ", ".join(f"sum({n}) as {n}" for n in names)
        for way, key in zip(ways, (f"s{index}", f"i{index}", columns)):
            script += [".timer on"] + [f"let a = y group by {key} select {key}, {aggregates}"] * repeat + [".timer off"]
            script += [f'range(1) select "@@{index} {way}" as marker', f"a select count() as groups, {measures}"]
    path = os.path.join(folder, "h2o-keys.byl")
    with open(path, "w") as f:
        f.write("\n".join(script) + "\n")
    out = bench.run([binary, "--no-article", path], cwd=folder)[0]
    times, answers, current = [], {}, None
    for line in out.splitlines():
        if line.startswith("time: "):
            _, value, unit = line.split()
            times.append(float(value) / 1000 if unit == "ms" else float(value))
        elif line.startswith("@@"):
            current = line[2:]
            answers[current] = []
        elif current and line != "marker":
            answers[current].append(line)
    rows = []
    for index, (keys, *_rest) in enumerate(KEY_PAIRS):
        medians = [statistics.median(times[(3 * index + way) * repeat:(3 * index + way + 1) * repeat]) for way in range(3)]
        found = [answers[f"{index} {way}"] for way in ways]
        same = found[0] == found[1] == found[2]
        groups = int(found[2][1].split(",")[0])
        rows.append((keys, groups, *medians, same))
        print(f"keys {keys:<40} {groups:>9} groups  string key {medians[0]*1000:8.1f} ms  integer key {medians[1]*1000:8.1f} ms  "
              f"the keys {medians[2]*1000:8.1f} ms  {'same' if same else 'DIFFERENT'}")
    return rows


def label(size):
    """1e6, 1e7, as the benchmark names its files."""
    exponent = round(math.log10(size))
    return f"1e{exponent}" if 10 ** exponent == size else str(size)


def generate(size, path):
    """G1_<size>_1e2_0_0 as groupby-datagen.R makes it, a million rows at a time."""
    rng = random.Random(f"G1_{size}_1e2_0_0")
    small = [f"id{i:03d}" for i in range(1, K + 1)]
    large = [f"id{i:010d}" for i in range(1, size // K + 1)]
    tmp = path + ".part"
    with open(tmp, "w", newline="") as f:
        f.write("id1,id2,id3,id4,id5,id6,v1,v2,v3\n")
        done = 0
        while done < size:
            n = min(1_000_000, size - done)
            id1 = rng.choices(small, k=n)
            id2 = rng.choices(small, k=n)
            id3 = rng.choices(large, k=n)
            id4 = [str(rng.randrange(K) + 1) for _ in range(n)]
            id5 = [str(rng.randrange(K) + 1) for _ in range(n)]
            id6 = [str(rng.randrange(size // K) + 1) for _ in range(n)]
            v1 = [str(rng.randrange(5) + 1) for _ in range(n)]
            v2 = [str(rng.randrange(15) + 1) for _ in range(n)]
            v3 = [repr(round(rng.random() * 100, 6)) for _ in range(n)]
            f.write("".join(",".join(row) + "\n" for row in zip(id1, id2, id3, id4, id5, id6, v1, v2, v3)))
            done += n
    os.replace(tmp, path)


def measures(question):
    """The answer's columns that are not keys, as the query names them."""
    if len(question) > 5:
        return question[5]
    names = re.findall(r" as `?(\w+)`?", question[3])
    return [n for n in names if n not in question[2]]


def byline_run(binary, folder, file, repeat, threads=None, rows=True):
    """Loads the file and asks every question `repeat` times; returns ([(times, answer CSV)], peak KiB).
    Without `rows`, the answer is its checksums (the row count and each measure's sum)."""
    script = [".mode csv", f'load "{file}" as x', ".timer on"]
    for question in QUESTIONS:
        name, query = question[0], question[3]
        script += [f"let ans = {query}"] * repeat
        check = "ans" if rows else "ans select count() as rows, " + ", ".join(f"sum(`{m}`) as `{m}`" for m in measures(question))
        script += [".timer off", f'range(1) select "@@{name}" as marker', check, ".timer on"]
    path = os.path.join(folder, "h2o.byl")
    with open(path, "w") as f:
        f.write("\n".join(script) + "\n")
    out, _, _, peak = bench.run([binary, "--no-article"] + (["--threads", str(threads)] if threads else []) + [path], cwd=folder)

    def seconds(line):
        _, number, unit = line.split()
        return float(number) / 1000 if unit == "ms" else float(number)
    times, answers, current = [], {}, None
    for line in out.splitlines():
        if line.startswith("time: "):
            times.append(seconds(line))
        elif line.startswith("@@"):
            current = line[2:]
            answers[current] = []
        elif current and line != "marker":
            answers[current].append(line)
    results = [(times[i * repeat:(i + 1) * repeat], "\n".join(answers[q[0]])) for i, q in enumerate(QUESTIONS)]
    return results, peak


def byline_load(binary, folder, file, runs=3):
    """The median time of a process that only loads the file (Byline loads while checking a script)."""
    path = os.path.join(folder, "h2o-load.byl")
    with open(path, "w") as f:
        f.write(f'load "{file}" as x\n')
    return statistics.median(bench.run([binary, "--no-article", path], cwd=folder)[2] for _ in range(runs))


def duckdb_load(python, folder, file, runs=3):
    """The median time of a process that only loads the file, Python's start and DuckDB's import included."""
    path = os.path.join(folder, "h2o_duckdb.py")
    return statistics.median(bench.run([python, path, file, "0", "[]", "[]"], cwd=folder)[2] for _ in range(runs))


DUCKDB_SCRIPT = r'''
import csv, io, json, sys, time
import duckdb
file, repeat, questions, check = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3]), json.loads(sys.argv[4])
con = duckdb.connect(":memory:")
started = time.perf_counter()
con.execute(f"CREATE TABLE x AS SELECT * FROM read_csv('{file}', header = true, columns = {{"
            "'id1': 'VARCHAR', 'id2': 'VARCHAR', 'id3': 'VARCHAR', 'id4': 'INTEGER', 'id5': 'INTEGER', 'id6': 'INTEGER', "
            "'v1': 'INTEGER', 'v2': 'INTEGER', 'v3': 'DOUBLE'})")
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


def duckdb_run(python, folder, file, repeat, rows=True):
    path = os.path.join(folder, "h2o_duckdb.py")
    with open(path, "w") as f:
        f.write(DUCKDB_SCRIPT)
    questions = json.dumps([(q[0], q[4]) for q in QUESTIONS])
    check = json.dumps(["SELECT * FROM ans" if rows else
                        "SELECT count(*) AS rows, " + ", ".join(f'sum("{m}") AS "{m}"' for m in measures(q)) + " FROM ans" for q in QUESTIONS])
    out, _, _, peak = bench.run([python, path, file, str(repeat), questions, check], cwd=folder)
    times, answers, current = [], {}, None
    for line in out.splitlines():
        if line.startswith("time: "):
            times.append(float(line.split()[1]))
        elif line.startswith("@@"):
            current = line[2:]
            answers[current] = []
        elif current:
            answers[current].append(line)
    times = times[1:]  # the load, timed in the process
    results = [(times[i * repeat:(i + 1) * repeat], "\n".join(answers[q[0]])) for i, q in enumerate(QUESTIONS)]
    return results, peak


def parsed(text, keys):
    """An answer's rows sorted by its keys, numbers as floats (empty cells as None)."""
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    key_positions = [header.index(k) for k in keys]

    def cell(value):
        if value == "":
            return None
        try:
            return float(value)
        except ValueError:
            return value
    body = [[cell(v) for v in row] for row in body]
    return header, sorted(body, key=lambda row: ([row[p] for p in key_positions], [(v is None, str(v)) for v in row]))


def compare(byline, duckdb, keys):
    """(same rows, checksums equal, how many rows, the checksums as text) of two answers."""
    bh, brows = parsed(byline, keys)
    dh, drows = parsed(duckdb, keys)

    def close(a, b):
        if isinstance(a, float) and isinstance(b, float):
            return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
        return a == b
    same = bh == dh and len(brows) == len(drows) and all(
        len(r) == len(s) and all(close(a, b) for a, b in zip(r, s)) for r, s in zip(brows, drows))
    measures = [i for i, name in enumerate(bh) if name not in keys]
    checks = []
    for i in measures:
        b = sum(r[i] for r in brows if isinstance(r[i], float))
        d = sum(r[i] for r in drows if i < len(r) and isinstance(r[i], float))
        checks.append((bh[i], b, d))
    checksums = all(math.isclose(b, d, rel_tol=1e-9) for _, b, d in checks)
    text = "; ".join(f"{name} {b:.6g}" for name, b, _ in checks)
    return same, checksums, len(brows), text


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", default="groupby,join", help="groupby, join or both")
    parser.add_argument("--sizes", default="1000000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--output", default=os.path.join(ROOT, "BENCHMARKS.md"))
    parser.add_argument("--note", default="", help="a line about the machine's load during the run")
    parser.add_argument("--rows-up-to", type=int, default=1_000_000, help="compare answers row by row up to this size")
    args = parser.parse_args()
    python = bench.duckdb_python()
    subprocess.run(["swift", "build", "-c", "release", "--product", "byline"], cwd=ROOT, check=True)
    bin_dir = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.strip()
    binary = os.path.join(bin_dir, "byline")
    os.makedirs(DATA, exist_ok=True)
    report = []
    tasks = args.tasks.split(",")
    for size in [int(float(s)) for s in args.sizes.split(",")] if "groupby" in tasks else []:
        file = f"G1_{label(size)}_1e2_0_0.csv"
        path = os.path.join(DATA, file)
        if not os.path.exists(path):
            started = time.perf_counter()
            generate(size, path)
            print(f"generated {file} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        # Answers of up to a million rows are compared row by row; larger runs compare checksums.
        rows_compared = size <= args.rows_up_to
        b_results, b_peak = byline_run(binary, DATA, file, args.repeat, rows=rows_compared)
        o_results, _ = byline_run(binary, DATA, file, args.repeat, threads=1, rows=rows_compared)
        d_results, d_peak = duckdb_run(python, DATA, file, args.repeat, rows=rows_compared)
        b_load, d_load = byline_load(binary, DATA, file), duckdb_load(python, DATA, file)
        pairs = key_pairs(binary, DATA, file, size, args.repeat)
        rows = []
        for question, (bt, ba), (ot, oa), (dt, da) in zip(QUESTIONS, b_results, o_results, d_results):
            name, what, keys = question[:3]
            same, checksums, count, chk = compare(ba, da, keys if rows_compared else ["rows"])
            if not rows_compared:
                count = int(parsed(ba, ["rows"])[1][0][0])
            same = same and oa == ba  # one thread gives every core's answer, byte for byte
            if not (same and checksums):
                print(f"DIFFERENT ANSWERS for {name} at {size} rows", file=sys.stderr)
            row = (name, what, statistics.median(bt), statistics.median(ot), statistics.median(dt), count, same and checksums, chk)
            rows.append(row)
            print(f"{size:>9} {name:<4} byline {row[2]*1000:9.1f} ms (1 thread {row[3]*1000:9.1f})  duckdb {row[4]*1000:9.1f} ms"
                  f"  x{row[2]/row[4]:5.2f}  {count} groups  {'same' if row[6] else 'DIFFERENT'}")
        print(f"{size:>9} load byline {b_load:.2f} s  duckdb {d_load:.2f} s; peak {b_peak/1024:.0f} MiB, {d_peak/1024:.0f} MiB")
        report.append((size, file, os.path.getsize(path) / 1e6, rows, b_load, d_load, b_peak, d_peak, rows_compared, pairs))
    joins = [h2o_join.measure(binary, python, DATA, int(float(s)), args.repeat, int(float(s)) <= args.rows_up_to)
             for s in args.sizes.split(",")] if "join" in tasks else []
    write_markdown(args, report, python, joins)
    if any(not row[6] for r in report + joins for row in r[3]):
        sys.exit("the engines disagreed; see above")
    if any(not pair[5] for r in report for pair in r[9]):
        sys.exit("a composite key and its one key disagreed; see above")


def write_markdown(args, report, python, joins):
    version = subprocess.run([python, "-c", "import duckdb; print(duckdb.__version__)"], capture_output=True, text=True).stdout.strip()
    old = open(args.output, encoding="utf-8").read() if os.path.exists(args.output) else ""
    if joins:
        section = h2o_join.markdown(args, joins, version)
        if "<!-- h2o-join:" in old:
            old = re.sub(r"<!-- h2o-join:.*?<!-- /h2o-join -->", lambda _: section, old, flags=re.S)
        elif "<!-- /h2o -->" in old:
            old = old.replace("<!-- /h2o -->", "<!-- /h2o -->\n\n" + section, 1)
        else:
            old = old.rstrip() + "\n\n" + section + "\n"
    if not report:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(old)
        return
    lines = [
        "<!-- h2o: written by Benchmarks/h2o -->",
        "## H2O.ai db-benchmark, groupby", "",
        f"The groupby questions of the [H2O.ai db-benchmark](https://h2oai.github.io/db-benchmark/) that Byline can express, "
        f"in Byline and DuckDB {version} on the same data, in one run, written by `Benchmarks/h2o --sizes {args.sizes} --repeat {args.repeat}`. "
        "The data is G1 with K = 100, no nulls, unsorted, generated as the benchmark's `groupby-datagen.R` makes it (the same "
        "columns and distributions, by Python's seeded generator). Each question runs "
        f"{args.repeat} times into a table (`let ans = …`; DuckDB `CREATE OR REPLACE TABLE ans AS …`); medians. "
        "Byline on every core and with `--threads 1`; DuckDB with its default threads. *Same* means the answers agree row by row "
        "(sorted by their keys, numbers to a relative 1e-9), by the benchmark's checksums (the sum of each measure column, "
        "shown), and that one thread gave every core's answer byte for byte. All ten questions are asked in the "
        "benchmark's own terms: q6's median and standard deviation, q8's two largest values of each group (a window, "
        "as the benchmark's SQL writes it) and q9's `pow(corr(v1, v2), 2)`.", "",
    ]
    if args.note:
        lines += [args.note, ""]
    lines += [bench.load_note(), ""]
    for size, file, megabytes, rows, b_load, d_load, b_peak, d_peak, rows_compared, pairs in report:
        lines += [f"### {file} ({size:,} rows, {megabytes:.0f} MB of CSV)", "",
                  *([] if rows_compared else ["Answers compared by their checksums and row counts, not row by row.", ""]),
                  "| question | groups | Byline | Byline, 1 thread | DuckDB | Byline/DuckDB | same | checksums |",
                  "|---|---:|---:|---:|---:|---:|---|---|"]
        for name, what, bt, ot, dt, count, same, chk in rows:
            lines.append(f"| {name}: {what} | {count:,} | {bt*1000:.1f} ms | {ot*1000:.1f} ms | {dt*1000:.1f} ms | {bt/dt:.2f} | "
                         f"{'yes' if same else 'NO'} | {chk} |")
        lines.append(f"| load (a process that only loads; median of 3) | | {b_load:.2f} s | | {d_load:.2f} s | {b_load/d_load:.2f} | | |")
        lines.append(f"| peak memory, load + all questions | | {b_peak/1024:.0f} MiB | | {d_peak/1024:.0f} MiB | {b_peak/d_peak:.2f} | | |")
        lines.append("")
        lines += ["Composite keys against one key with as many groups (Byline, every core; each one key a column made of "
                  "the keys before the timing, a string grouped by its dictionary codes and an integer by value; all three "
                  "give as many groups and the same sums):", "",
                  "| keys | groups | one string key | one integer key | the keys | ÷ string key | ÷ integer key |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for keys, groups, text, integer, many, same in pairs:
            lines.append(f"| {keys} | {groups:,} | {text*1000:.1f} ms | {integer*1000:.1f} ms | {many*1000:.1f} ms | "
                         f"{many/text:.2f} | {many/integer:.2f}{'' if same else ' (DIFFERENT)'} |")
        lines.append("")
    lines += ["| question | Byline | DuckDB |", "|---|---|---|"]
    def code(text):
        return f"`` {text} ``" if "`" in text else f"`{text}`"
    for name, _, _, byline, sql, *_ in QUESTIONS:
        lines.append(f"| {name} | {code(byline)} | {code(sql)} |")
    lines += ["", "<!-- /h2o -->"]
    section = "\n".join(lines)
    if "<!-- h2o:" in old:
        new = re.sub(r"<!-- h2o:.*?<!-- /h2o -->", lambda _: section, old, flags=re.S)
    elif "<!-- postgres:" in old:
        new = old.replace("<!-- postgres:", section + "\n\n<!-- postgres:", 1)
    else:
        new = old.rstrip() + "\n\n" + section + "\n"
    with open(args.output, "w", encoding="utf-8") as f:
        f.write(new)


if __name__ == "__main__":
    main()
