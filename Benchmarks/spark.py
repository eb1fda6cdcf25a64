#!/usr/bin/env python3
"""A 10M-row table on Spark's two executors, beside the same queries in Byline's memory and on
PostgreSQL (issue #33's "how cost grows with data"). One generated CSV (integers and text, so every
engine's answer is exact and comparable byte for byte) becomes:
  - a Spark table (parquet in the warehouse, made by Spark itself from the CSV: the cluster reads the
    file in parallel; Byline's `.import` sends rows as one Arrow message, which Spark caps at 128 MiB),
  - a PostgreSQL table (psql's \\copy),
  - a Byline table in memory (`load`).
Each query runs `--repeat` times per engine, interleaved: `byline --db sc://…` and `byline --db
postgresql://…` as whole processes (start, connect, read the catalog, compile, run, print), and in
memory the statement's own time (`.timer on`, after the load). Answers must be equal. The tasks each
executor ran are counted in its log (`Running task` lines in $SPARK_HOME/work/APP/N/stderr), before
and after each Spark query. The load average is read before and after each engine's run.

Usage: Benchmarks/spark [--rows 10000000] [--repeat 3] [--binary PATH]
Runs beside the servers in BYLINE_SPARK_URL and BYLINE_POSTGRES, or starts them with
Scripts/with-spark and Scripts/with-postgres; needs the Python of Scripts/with-spark's virtual
environment (gRPC and Spark Connect's protocol), which `Benchmarks/spark` picks.
"""
import argparse, csv, glob, os, statistics, subprocess, sys, time, types, uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "Benchmarks", "data")

QUERIES = [
    ("filter + count", "bench where amount > 900 count"),
    ("group + aggregate", "bench group by grp select grp, count() as n, sum(amount) as total order by total desc, grp limit 3"),
    ("top-k", "bench where name contains \"77\" order by amount desc, id limit 5 select id, amount, name"),
    ("count distinct", "bench select count(distinct name) as n"),
]


def generate(path, rows):
    """id, grp (1,000 groups), amount (0-999), name (100,000 distinct): a deterministic table."""
    with open(path + ".part", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "grp", "amount", "name"])
        for i in range(rows):
            w.writerow([i, (i * 7919) % 1000, (i * 104729 + 13) % 1000, f"name {(i * 31) % 100000}"])
    os.replace(path + ".part", path)


class Spark:
    """Spark SQL sent straight through Spark Connect (for the table Byline then queries)."""

    def __init__(self, url):
        # pyspark's connect package asks for zstandard, which only its DataFrame results use.
        sys.modules.setdefault("zstandard", types.SimpleNamespace(__version__="0.25.0"))
        import grpc
        from pyspark.sql.connect.proto import base_pb2, base_pb2_grpc
        self.pb = base_pb2
        self.stub = base_pb2_grpc.SparkConnectServiceStub(grpc.insecure_channel(url[len("sc://"):].split("/")[0]))
        self.session = str(uuid.uuid4())

    def sql(self, text):
        request = self.pb.ExecutePlanRequest(session_id=self.session, user_context=self.pb.UserContext(user_id="benchmark"),
                                             client_type="byline-benchmark", operation_id=str(uuid.uuid4()))
        request.plan.root.sql.query = text
        for _ in self.stub.ExecutePlan(request):
            pass


def executor_tasks():
    """Tasks each executor of the newest application has started, from its log."""
    import pyspark
    apps = sorted(glob.glob(os.path.join(os.path.dirname(pyspark.__file__), "work", "app-*")))
    if not apps:
        return {}
    counts = {}
    for log in sorted(glob.glob(os.path.join(apps[-1], "*", "stderr"))):
        with open(log, errors="replace") as f:
            counts["executor " + os.path.basename(os.path.dirname(log))] = sum("Running task" in line for line in f)
    return counts


def timed(command, cwd):
    started = time.perf_counter()
    p = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if p.returncode != 0:
        sys.exit(f"{' '.join(command)} failed: {p.stderr}")
    return seconds, p.stdout


def load():
    return "{:.1f}/{:.1f}/{:.1f}".format(*os.getloadavg())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "byline"))
    parser.add_argument("--output", default=os.path.join(ROOT, "BENCHMARKS.md"))
    args = parser.parse_args()
    spark_url, pg = os.environ.get("BYLINE_SPARK_URL"), os.environ.get("BYLINE_POSTGRES")
    if not spark_url or not pg:
        wrappers = ([os.path.join(ROOT, "Scripts", "with-spark")] if not spark_url else []) + (
            [os.path.join(ROOT, "Scripts", "with-postgres")] if not pg else [])
        os.execv(wrappers[0], wrappers + [sys.executable] + sys.argv)
    binary = args.binary
    folder = os.path.join(DATA, f"spark-{args.rows}")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "bench.csv")
    if not os.path.exists(path):
        generate(path, args.rows)
    size = os.path.getsize(path) / 1e6

    loads = {"start": load()}
    spark = Spark(spark_url)
    started = time.perf_counter()
    spark.sql("DROP TABLE IF EXISTS bench")
    spark.sql(f"CREATE TEMPORARY VIEW bench_csv USING csv OPTIONS (path '{path}', header 'true')")
    spark.sql("CREATE TABLE bench USING parquet AS SELECT CAST(id AS BIGINT) AS id, CAST(grp AS BIGINT) AS grp, "
              "CAST(amount AS BIGINT) AS amount, name FROM bench_csv")
    spark_load = time.perf_counter() - started
    started = time.perf_counter()
    subprocess.run(["psql", pg, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", "DROP TABLE IF EXISTS bench",
                    "-c", "CREATE TABLE bench(id bigint, grp bigint, amount bigint, name text)",
                    "-c", f"\\copy bench FROM '{path}' CSV HEADER", "-c", "VACUUM ANALYZE bench"], check=True)
    pg_load = time.perf_counter() - started
    loads["after loading"] = load()

    # Memory: one process loads the table, then runs every query `repeat` times with the timer on.
    script = os.path.join(folder, "memory.byl")
    with open(script, "w") as f:
        f.write('.timer on\nload "bench.csv" as bench\n.mode csv\n')
        for _ in range(args.repeat):
            for _, query in QUERIES:
                f.write(query + "\n")
    _, out = timed([binary, "--no-article", "memory.byl"], folder)
    os.remove(script)
    # Each statement's output ends with its timer line: the load's first, then the queries in order.
    memory = {name: [] for name, _ in QUERIES}
    answers = {name: {} for name, _ in QUERIES}
    memory_load, answer, index = None, [], 0
    for line in out.splitlines():
        if not line.startswith("time: "):
            answer.append(line)
            continue
        if index == 0:
            memory_load = seconds(line)
        else:
            name = QUERIES[(index - 1) % len(QUERIES)][0]
            memory[name].append(seconds(line))
            answers[name]["memory"] = "\n".join(answer).strip()
        index += 1
        answer = []
    loads["after memory"] = load()

    rows, tasks = [], {}
    for name, query in QUERIES:
        spark_times, pg_times = [], []
        before = executor_tasks()
        for _ in range(args.repeat):
            t, out = timed([binary, "--no-article", "--db", spark_url, "--format", "csv", "-c", query], folder)
            spark_times.append(t)
            answers[name]["spark"] = out.strip()
            t, out = timed([binary, "--no-article", "--db", pg, "--format", "csv", "-c", query], folder)
            pg_times.append(t)
            answers[name]["postgresql"] = out.strip()
        after = executor_tasks()
        tasks[name] = {executor: after[executor] - before.get(executor, 0) for executor in after}
        same = len(set(answers[name].values())) == 1
        if not same:
            print(f"DIFFERENT ANSWERS for {name}: {answers[name]}", file=sys.stderr)
        row = (name, statistics.median(memory[name]), statistics.median(spark_times), statistics.median(pg_times), same, tasks[name])
        print(f"{name:<20} memory {row[1]*1000:9.1f} ms  spark {row[2]*1000:9.1f} ms  postgresql {row[3]*1000:9.1f} ms  "
              f"{'same' if same else 'DIFFERENT'}  tasks {row[5]}", flush=True)
        rows.append(row)
    loads["end"] = load()
    overhead, _ = timed([binary, "--no-article", "--db", spark_url, "-c", ".tables"], folder)
    write(args, rows, size, spark_load, pg_load, memory_load, overhead, loads)
    if not all(r[4] for r in rows):
        sys.exit("the answers differ; see above")


def seconds(line):
    """`time: 12.3 ms` or `time: 1.2 s` (Byline's timer) in seconds."""
    value, unit = line[len("time: "):].split()[:2]
    return float(value) / (1000 if unit.startswith("ms") else 1)


def write(args, rows, size, spark_load, pg_load, memory_load, overhead, loads):
    lines = [
        "<!-- spark: written by Benchmarks/spark -->",
        f"## Spark beside memory and PostgreSQL ({args.rows:,} rows)", "",
        f"A table of {args.rows:,} rows ({size:.0f} MB of CSV: id, grp, amount, name) on a Spark Connect server of two "
        "executor processes (`Scripts/with-spark`: `local-cluster[2,1,1024]`, one core each), in PostgreSQL "
        "(`Scripts/with-postgres`) and in Byline's memory, written by "
        f"`Benchmarks/spark --rows {args.rows} --repeat {args.repeat}` with `{os.path.relpath(args.binary, ROOT)}`. "
        "*Spark* and *PostgreSQL* are whole `byline --db` processes (start, connect, read the catalog, compile, run, "
        "print); *memory* is the statement's own time (`.timer on`) after the load. Medians; answers compared byte "
        "for byte. *Tasks* are the `Running task` lines each executor's log gained during the query's Spark runs.", "",
        "| query | memory | Spark | PostgreSQL | same answer | Spark tasks per executor |",
        "|---|---:|---:|---:|---|---|",
    ]
    for name, memory, spark, pg, same, tasks in rows:
        spread = ", ".join(f"{k}: {v}" for k, v in sorted(tasks.items())) or "no executor log found"
        lines.append(f"| {name} | {memory*1000:.0f} ms | {spark*1000:.0f} ms | {pg*1000:.0f} ms | {'yes' if same else 'NO'} | {spread} |")
    lines += [
        "",
        f"Loading: Spark made its parquet table from the CSV in {spark_load:.1f} s (both executors reading it); "
        f"psql's `\\copy` took {pg_load:.1f} s; Byline's `load` took "
        + (f"{memory_load:.1f} s." if memory_load is not None else "(not reported)."),
        f"A `byline --db sc://… -c .tables` process (connect, read Spark's catalog) alone takes {overhead*1000:.0f} ms "
        "of each Spark figure.",
        "Load average (1/5/15 min) of the shared 2-core machine: " + "; ".join(f"{k} {v}" for k, v in loads.items()) + ".",
        "", "<!-- /spark -->",
    ]
    text = "\n".join(lines) + "\n"
    with open(args.output) as f:
        current = f.read()
    start, end = "<!-- spark: written by Benchmarks/spark -->", "<!-- /spark -->\n"
    if start in current:
        current = current[:current.index(start)] + text + current[current.index(end) + len(end):]
    else:
        marker = "## Targets, and where they are missed"
        current = current.replace(marker, text + "\n" + marker, 1)
    with open(args.output, "w") as f:
        f.write(current)


if __name__ == "__main__":
    main()
