#!/usr/bin/env python3
"""Byline against sqlite3 and DuckDB on the same generated data, in the same run: load time, query
medians, peak memory, start-up, and a check that all three give the same answers. Writes
BENCHMARKS.md. DuckDB comes from PyPI, in a virtual environment this script makes
(Benchmarks/.venv).

Usage: Benchmarks/run [--sizes 100000,1000000] [--repeat 5] [--with-10m] [--no-duckdb]
"""
import argparse, csv, io, json, os, platform, re, statistics, subprocess, sys, tempfile, time, datetime

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "Benchmarks", "data")
SCHEMA = ("CREATE TABLE events(id INTEGER, year INTEGER, month INTEGER, actor TEXT, actor_country TEXT, "
          "target_country TEXT, kind TEXT, mentions INTEGER, tone REAL, source_id INTEGER, url TEXT);\n"
          "CREATE TABLE places(name TEXT, region TEXT);\nCREATE TABLE sources(id INTEGER, name TEXT, country TEXT);\n")
VENV = os.path.join(ROOT, "Benchmarks", ".venv")


def duckdb_python():
    """The virtual environment's python with DuckDB from PyPI, made on first use."""
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    if subprocess.run([python, "-c", "import duckdb"], capture_output=True).returncode != 0:
        subprocess.run([python, "-m", "pip", "install", "-q", "duckdb"], check=True)
    return python


def sized(queries, size):
    """The queries with {half} replaced by half the rows."""
    return [(n, b.replace("{half}", str(size // 2)), s.replace("{half}", str(size // 2))) for n, b, s in queries]


def duckdb_sql(sql):
    """sqlite3's SQL for DuckDB: LIKE there is case-sensitive, as Byline's contains is not."""
    return re.sub(r"\bLIKE\b", "ILIKE", sql)


def queries():
    rows = []
    with open(os.path.join(ROOT, "Benchmarks", "queries.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            name, byline, sql = line.rstrip("\n").split("\t")
            rows.append((name, byline, sql))
    return rows


# The machine's one-minute load average before each measured process: the machine may be shared.
LOADS = []


def load_note():
    """The load averages seen during the run, as a sentence for BENCHMARKS.md."""
    if not LOADS:
        return ""
    return (f"Load average (one minute, before each of the {len(LOADS)} measured processes, on {os.cpu_count()} cores): "
            f"median {statistics.median(LOADS):.1f}, from {min(LOADS):.1f} to {max(LOADS):.1f}.")


def run(command, stdin=None, cwd=None):
    """Runs a command under /usr/bin/time -v; returns (stdout, stderr, seconds, peak KiB)."""
    LOADS.append(os.getloadavg()[0])
    started = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-v"] + command, input=stdin, capture_output=True, text=True, cwd=cwd)
    seconds = time.perf_counter() - started
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{p.stderr}")
    peak = next(int(l.split(":")[1]) for l in p.stderr.splitlines() if "Maximum resident set size" in l)
    return p.stdout, p.stderr, seconds, peak


def normalise(text):
    """CSV rows with numbers rounded, so both engines' output compares exactly."""
    out = []
    for row in csv.reader(io.StringIO(text)):
        cells = []
        for cell in row:
            try:
                number = float(cell)
                cells.append(f"{number:.6g}")
            except ValueError:
                cells.append(cell)
        out.append(cells)
    return out


def byline_run(binary, folder, qs, repeat, threads=None):
    script = ['.mode csv', 'load "events.csv" as events', 'load "countries.csv" as places', 'load "sources.csv" as sources', '.timer on']
    for _, q, _ in qs:
        script += [q] * repeat
    path = os.path.join(folder, "bench.byl")
    with open(path, "w") as f:
        f.write("\n".join(script) + "\n")
    out, _, _, peak = run([binary, "--no-article"] + (["--threads", str(threads)] if threads else []) + [path], cwd=folder)
    return split_results(out, "time: ", lambda l: float(l.split()[1]) / 1000 if l.split()[2] == "ms" else float(l.split()[1])), peak


def sqlite_run(folder, qs, repeat):
    script = SCHEMA + (".mode csv\n.headers on\n.import --skip 1 events.csv events\n.import --skip 1 countries.csv places\n"
                       ".import --skip 1 sources.csv sources\n.timer on\n")
    for _, _, q in qs:
        script += (q + "\n") * repeat
    out, _, _, peak = run(["sqlite3", ":memory:"], stdin=script, cwd=folder)
    return split_results(out, "Run Time: ", lambda l: float(l.split()[3])), peak


def duckdb_run(python, folder, qs, repeat):
    path = os.path.join(folder, "duckdb-queries.json")
    with open(path, "w") as f:
        json.dump([duckdb_sql(q) for _, _, q in qs], f)
    out, _, _, peak = run([python, os.path.join(ROOT, "Benchmarks", "duckdb_run.py"), folder, str(repeat), path], cwd=folder)
    return split_results(out, "Run Time: ", lambda l: float(l.split()[3])), peak


def split_results(out, marker, seconds):
    """Each statement's output and time, in order (the timer line follows the result)."""
    results, current = [], []
    for line in out.splitlines():
        if line.startswith(marker):
            results.append(("\n".join(current), seconds(line)))
            current = []
        else:
            current.append(line)
    return results


def duckdb_load_time(python, folder, repeat):
    runs = [run([python, os.path.join(ROOT, "Benchmarks", "duckdb_run.py"), folder, "0", "-", "--load-only"], cwd=folder)
            for _ in range(repeat)]
    return statistics.median(r[2] for r in runs), max(r[3] for r in runs)


def load_times(binary, folder, repeat):
    with open(os.path.join(folder, "load.byl"), "w") as f:
        f.write('load "events.csv" as events\n')
    with open(os.path.join(folder, "load.sql"), "w") as f:
        f.write(SCHEMA + ".mode csv\n.import --skip 1 events.csv events\n")
    byline = [run([binary, "--no-article", "load.byl"], cwd=folder) for _ in range(repeat)]
    sqlite = [run(["sqlite3", ":memory:"], stdin=open(os.path.join(folder, "load.sql")).read(), cwd=folder) for _ in range(repeat)]
    return (statistics.median(r[2] for r in byline), max(r[3] for r in byline),
            statistics.median(r[2] for r in sqlite), max(r[3] for r in sqlite))


def startup(binary, repeat=21):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([binary, "-c", 'leaders where country = "Congo"'], capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--with-10m", action="store_true")
    parser.add_argument("--output", default=os.path.join(ROOT, "BENCHMARKS.md"))
    parser.add_argument("--no-duckdb", action="store_true")
    args = parser.parse_args()
    python = None if args.no_duckdb else duckdb_python()
    sizes = [int(s) for s in args.sizes.split(",")] + ([10_000_000] if args.with_10m else [])
    subprocess.run(["swift", "build", "-c", "release", "--product", "byline"], cwd=ROOT, check=True)
    subprocess.run(["swift", "build", "-c", "release", "--product", "BenchmarkData"], cwd=ROOT, check=True)
    bin_dir = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.strip()
    binary = os.path.join(bin_dir, "byline")
    report = []
    for size in sizes:
        qs = sized(queries(), size)
        folder = os.path.join(DATA, str(size))
        os.makedirs(folder, exist_ok=True)
        events = os.path.join(folder, "events.csv")
        stale = not os.path.exists(events) or "url" not in open(events).readline() or not os.path.exists(os.path.join(folder, "sources.csv"))
        if stale:
            subprocess.run([os.path.join(bin_dir, "BenchmarkData"), str(size), "events.csv", "countries.csv", "sources.csv"], cwd=folder, check=True)
        megabytes = os.path.getsize(events) / 1e6
        b_results, b_peak = byline_run(binary, folder, qs, args.repeat)
        one_results, _ = byline_run(binary, folder, qs, args.repeat, threads=1)
        s_results, s_peak = sqlite_run(folder, qs, args.repeat)
        d_results, d_peak = duckdb_run(python, folder, qs, args.repeat) if python else ([], 0)
        rows = []
        for i, (name, _, _) in enumerate(qs):
            b = b_results[i * args.repeat:(i + 1) * args.repeat]
            s = s_results[i * args.repeat:(i + 1) * args.repeat]
            d = d_results[i * args.repeat:(i + 1) * args.repeat]
            one = one_results[i * args.repeat:(i + 1) * args.repeat]
            # One thread and every core must give the same answer, byte for byte.
            same = (normalise(b[0][0]) == normalise(s[0][0]) and (not d or normalise(d[0][0]) == normalise(b[0][0]))
                    and one[0][0] == b[0][0])
            if not same:
                print(f"DIFFERENT ANSWERS for {name} at {size} rows:\nbyline:\n{b[0][0]}\nbyline, one thread:\n{one[0][0]}\n"
                      f"sqlite3:\n{s[0][0]}\nduckdb:\n{d[0][0] if d else ''}", file=sys.stderr)
            rows.append((name, statistics.median(t for _, t in b), statistics.median(t for _, t in s),
                         statistics.median(t for _, t in d) if d else None, same, statistics.median(t for _, t in one)))
        lb, lbm, ls, lsm = load_times(binary, folder, 3)
        ld, ldm = duckdb_load_time(python, folder, 3) if python else (None, None)
        report.append((size, megabytes, rows, lb, lbm, ls, lsm, b_peak, s_peak, ld, ldm, d_peak))
        for name, bt, st, dt, same, ot in rows:
            duck = f"  duckdb {dt*1000:8.2f} ms  byline/duckdb {bt/dt:6.2f}" if dt else ""
            print(f"{size:>9} {name:<36} byline {bt*1000:8.2f} ms (1 thread {ot*1000:8.2f} ms, x{ot/bt:4.2f})  sqlite3 {st*1000:8.2f} ms{duck}  {'same' if same else 'DIFFERENT'}")
        print(f"{size:>9} load  byline {lb:.2f} s ({lbm/1024:.0f} MiB)  sqlite3 {ls:.2f} s ({lsm/1024:.0f} MiB)"
              + (f"  duckdb {ld:.2f} s ({ldm/1024:.0f} MiB)" if ld else ""))
    start = startup(binary)
    print(f"start-up (article dataset): {start*1000:.1f} ms median")
    write_markdown(args, report, start, queries())
    if any(not row[4] for r in report for row in r[2]):
        sys.exit("the engines disagreed; see above")


def write_markdown(args, report, start, qs):
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    sqlite_version = subprocess.run(["sqlite3", "--version"], capture_output=True, text=True).stdout.split()[0]
    duck = report[0][9] is not None
    duckdb_version = subprocess.run([os.path.join(VENV, "bin", "python"), "-c", "import duckdb; print(duckdb.__version__)"],
                                    capture_output=True, text=True).stdout.strip() if duck else ""
    lines = [
        "# Benchmarks", "",
        "Byline against sqlite3 (`:memory:`, a typed table filled with `.import`)"
        + (f" and DuckDB {duckdb_version} (from PyPI, in a virtual environment `Benchmarks/run` makes; `read_csv` with the types given)" if duck else "")
        + " on the same generated CSV, in the same run. Written by `Benchmarks/run`; rerun it to refresh this file.", "",
        f"- Date: {datetime.date.today().isoformat()}",
        f"- Machine: {cpu}, {os.cpu_count()} cores, {round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)} GiB",
        f"- sqlite3 {sqlite_version}; Byline built with `swift build -c release`, a thread per core (and again with `--threads 1`, "
        "whose answers must be the same byte for byte); DuckDB with its default threads",
        f"- Command: `Benchmarks/run --sizes {args.sizes} --repeat {args.repeat}{' --with-10m' if args.with_10m else ''}`",
        f"- Each query runs {args.repeat} times in one process per engine; the table shows medians. "
        "Load is the median of 3 runs of a process that only loads the events file. Peak memory is `/usr/bin/time -v`'s "
        "maximum resident set size for the whole query run (load plus every query; DuckDB's includes Python's).",
        f"- {load_note()}", "",
    ]
    for size, megabytes, rows, lb, lbm, ls, lsm, bp, sp, ld, ldm, dp in report:
        lines += [f"## {size:,} rows ({megabytes:.0f} MB of CSV)", "",
                  "| query | Byline | Byline, 1 thread | speed-up | sqlite3 | " + ("DuckDB | " if duck else "") + "Byline/sqlite3 | " + ("Byline/DuckDB | " if duck else "") + "same answer |",
                  "|---|---:|---:|---:|---:|" + ("---:|" if duck else "") + "---:|" + ("---:|" if duck else "") + "---|"]
        for name, bt, st, dt, same, ot in rows:
            lines.append(f"| {name} | {bt*1000:.2f} ms | {ot*1000:.2f} ms | {ot/bt:.2f} | {st*1000:.2f} ms | " + (f"{dt*1000:.2f} ms | " if duck else "")
                         + f"{bt/st:.2f} | " + (f"{bt/dt:.2f} | " if duck else "") + f"{'yes' if same else 'NO'} |")
        lines.append(f"| load CSV | {lb:.2f} s | | | {ls:.2f} s | " + (f"{ld:.2f} s | " if duck else "") + f"{lb/ls:.2f} | " + (f"{lb/ld:.2f} | " if duck else "") + "|")
        lines.append(f"| peak memory, load + queries | {bp/1024:.0f} MiB | | | {sp/1024:.0f} MiB | " + (f"{dp/1024:.0f} MiB | " if duck else "")
                     + f"{bp/sp:.2f} | " + (f"{bp/dp:.2f} | " if duck else "") + "|")
        lines.append(f"| peak memory, load only | {lbm/1024:.0f} MiB | | | {lsm/1024:.0f} MiB | " + (f"{ldm/1024:.0f} MiB | " if duck else "")
                     + f"{lbm/lsm:.2f} | " + (f"{lbm/ldm:.2f} | " if duck else "") + "|")
        lines.append("")
    if len(report) > 1:
        lines += ["## Time per row across sizes (Byline)", "", "| query | " + " | ".join(f"{r[0]:,}" for r in report) + " | largest/smallest |",
                  "|---|" + "---:|" * (len(report) + 1)]
        for i, (name, _, _) in enumerate(qs):
            per_row = [r[2][i][1] / r[0] * 1e9 for r in report]
            lines.append(f"| {name} | " + " | ".join(f"{p:.1f} ns" for p in per_row) + f" | {max(per_row)/min(per_row):.2f} |")
        lines.append("")
    lines += [f"Start-up: `byline -c 'leaders where country = \"Congo\"'` takes {start*1000:.1f} ms (median of 21 runs), "
              "article dataset included.", "", "## The queries", "",
              "`{half}` is half the rows. DuckDB runs the sqlite3 SQL with `ILIKE` for `LIKE` (its `LIKE` is case-sensitive; Byline's `contains` is not).", "",
              "| query | Byline | sqlite3 |", "|---|---|---|"]
    for name, b, s in qs:
        lines.append(f"| {name} | `{b}` | `{s}` |")
    lines.append("")
    old = open(args.output, encoding="utf-8").read() if os.path.exists(args.output) else ""
    for section in ["h2o", "h2o-join"]:
        found = re.search(rf"<!-- {section}:.*?<!-- /{section} -->", old, flags=re.S)
        if found:
            lines += [found.group(0), ""]
    postgres = re.search(r"<!-- postgres:.*?<!-- /postgres -->", old, flags=re.S)
    if postgres:
        lines += [postgres.group(0), ""]
    notes = os.path.join(ROOT, "Benchmarks", "notes.md")
    if os.path.exists(notes):
        lines += [open(notes, encoding="utf-8").read().rstrip(), ""]
    with open(args.output, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
