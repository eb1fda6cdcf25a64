#!/usr/bin/env python3
"""Byline against sqlite3 on the same generated data, in the same run: load time, query medians,
peak memory, start-up, and a check that both engines give the same answers. Writes BENCHMARKS.md.

Usage: Benchmarks/run [--sizes 100000,1000000] [--repeat 5] [--with-10m]
"""
import argparse, csv, io, os, platform, statistics, subprocess, sys, tempfile, time, datetime

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "Benchmarks", "data")
SCHEMA = ("CREATE TABLE events(id INTEGER, year INTEGER, month INTEGER, actor TEXT, actor_country TEXT, "
          "target_country TEXT, kind TEXT, mentions INTEGER, tone REAL);\nCREATE TABLE places(name TEXT, region TEXT);\n")


def queries():
    rows = []
    with open(os.path.join(ROOT, "Benchmarks", "queries.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            name, byline, sql = line.rstrip("\n").split("\t")
            rows.append((name, byline, sql))
    return rows


def run(command, stdin=None, cwd=None):
    """Runs a command under /usr/bin/time -v; returns (stdout, stderr, seconds, peak KiB)."""
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


def byline_run(binary, folder, qs, repeat):
    script = ['.mode csv', 'load "events.csv" as events', 'load "countries.csv" as places', '.timer on']
    for _, q, _ in qs:
        script += [q] * repeat
    path = os.path.join(folder, "bench.byl")
    with open(path, "w") as f:
        f.write("\n".join(script) + "\n")
    out, _, _, peak = run([binary, "--no-article", path], cwd=folder)
    return split_results(out, "time: ", lambda l: float(l.split()[1]) / 1000 if l.split()[2] == "ms" else float(l.split()[1])), peak


def sqlite_run(folder, qs, repeat):
    script = SCHEMA + ".mode csv\n.headers on\n.import --skip 1 events.csv events\n.import --skip 1 countries.csv places\n.timer on\n"
    for _, _, q in qs:
        script += (q + "\n") * repeat
    out, _, _, peak = run(["sqlite3", ":memory:"], stdin=script, cwd=folder)
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
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")] + ([10_000_000] if args.with_10m else [])
    subprocess.run(["swift", "build", "-c", "release", "--product", "byline"], cwd=ROOT, check=True)
    subprocess.run(["swift", "build", "-c", "release", "--product", "BenchmarkData"], cwd=ROOT, check=True)
    bin_dir = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.strip()
    binary = os.path.join(bin_dir, "byline")
    qs = queries()
    report = []
    for size in sizes:
        folder = os.path.join(DATA, str(size))
        os.makedirs(folder, exist_ok=True)
        if not os.path.exists(os.path.join(folder, "events.csv")):
            subprocess.run([os.path.join(bin_dir, "BenchmarkData"), str(size), "events.csv", "countries.csv"], cwd=folder, check=True)
        megabytes = os.path.getsize(os.path.join(folder, "events.csv")) / 1e6
        b_results, b_peak = byline_run(binary, folder, qs, args.repeat)
        s_results, s_peak = sqlite_run(folder, qs, args.repeat)
        rows = []
        for i, (name, _, _) in enumerate(qs):
            b = b_results[i * args.repeat:(i + 1) * args.repeat]
            s = s_results[i * args.repeat:(i + 1) * args.repeat]
            same = normalise(b[0][0]) == normalise(s[0][0])
            if not same:
                print(f"DIFFERENT ANSWERS for {name} at {size} rows:\nbyline:\n{b[0][0]}\nsqlite3:\n{s[0][0]}", file=sys.stderr)
            rows.append((name, statistics.median(t for _, t in b), statistics.median(t for _, t in s), same))
        lb, lbm, ls, lsm = load_times(binary, folder, 3)
        report.append((size, megabytes, rows, lb, lbm, ls, lsm, b_peak, s_peak))
        for name, bt, st, same in rows:
            print(f"{size:>9} {name:<18} byline {bt*1000:8.2f} ms  sqlite3 {st*1000:8.2f} ms  ratio {bt/st:5.2f}  {'same' if same else 'DIFFERENT'}")
        print(f"{size:>9} load               byline {lb:.2f} s ({lbm/1024:.0f} MiB)  sqlite3 {ls:.2f} s ({lsm/1024:.0f} MiB)")
    start = startup(binary)
    print(f"start-up (article dataset): {start*1000:.1f} ms median")
    write_markdown(args, report, start, qs)
    if any(not same for r in report for *_, same in r[2]):
        sys.exit("the engines disagreed; see above")


def write_markdown(args, report, start, qs):
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    sqlite_version = subprocess.run(["sqlite3", "--version"], capture_output=True, text=True).stdout.split()[0]
    lines = [
        "# Benchmarks", "",
        "Byline against sqlite3 (`:memory:`, a typed table filled with `.import`) on the same generated CSV, "
        "in the same run. Written by `Benchmarks/run`; rerun it to refresh this file.", "",
        f"- Date: {datetime.date.today().isoformat()}",
        f"- Machine: {cpu}, {os.cpu_count()} cores, {round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)} GiB",
        f"- sqlite3 {sqlite_version}; Byline built with `swift build -c release`",
        f"- Command: `Benchmarks/run --sizes {args.sizes} --repeat {args.repeat}{' --with-10m' if args.with_10m else ''}`",
        f"- Each query runs {args.repeat} times in one process per engine; the table shows medians. "
        "Load is the median of 3 runs of a script that only loads the file. Peak memory is `/usr/bin/time -v`'s "
        "maximum resident set size for the whole query run (load plus every query).", "",
    ]
    for size, megabytes, rows, lb, lbm, ls, lsm, bp, sp in report:
        lines += [f"## {size:,} rows ({megabytes:.0f} MB of CSV)", "",
                  "| query | Byline | sqlite3 | Byline/sqlite3 | same answer |", "|---|---:|---:|---:|---|"]
        for name, bt, st, same in rows:
            lines.append(f"| {name} | {bt*1000:.2f} ms | {st*1000:.2f} ms | {bt/st:.2f} | {'yes' if same else 'NO'} |")
        lines.append(f"| load CSV | {lb:.2f} s | {ls:.2f} s | {lb/ls:.2f} | |")
        lines.append(f"| peak memory, load + queries | {bp/1024:.0f} MiB | {sp/1024:.0f} MiB | {bp/sp:.2f} | |")
        lines.append(f"| peak memory, load only | {lbm/1024:.0f} MiB | {lsm/1024:.0f} MiB | {lbm/lsm:.2f} | |")
        lines.append("")
    if len(report) > 1:
        lines += ["## Time per row across sizes", "", "| query | " + " | ".join(f"{r[0]:,}" for r in report) + " | largest/smallest |",
                  "|---|" + "---:|" * (len(report) + 1)]
        for i, (name, _, _) in enumerate(qs):
            per_row = [r[2][i][1] / r[0] * 1e9 for r in report]
            lines.append(f"| {name} | " + " | ".join(f"{p:.1f} ns" for p in per_row) + f" | {max(per_row)/min(per_row):.2f} |")
        lines.append("")
    lines += [f"Start-up: `byline -c 'leaders where country = \"Congo\"'` takes {start*1000:.1f} ms (median of 21 runs), "
              "article dataset included.", "", "## The queries", "", "| query | Byline | sqlite3 |", "|---|---|---|"]
    for name, b, s in qs:
        lines.append(f"| {name} | `{b}` | `{s}` |")
    lines.append("")
    notes = os.path.join(ROOT, "Benchmarks", "notes.md")
    if os.path.exists(notes):
        lines += [open(notes, encoding="utf-8").read().rstrip(), ""]
    with open(args.output, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
