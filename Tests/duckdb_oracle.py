#!/usr/bin/env python3
"""DuckDB as an oracle for the differential tests (DuckDBOracleTests): reads a JSON request
{"setup": [SQL, ...], "queries": [SQL, ...]} from the file named by its argument, runs the setup
in an in-memory DuckDB (time zone UTC), then each query, and prints one JSON line per query:
{"rows": [[VALUE, ...], ...]} or {"error": MESSAGE}. Values are written as DifferentialTests.canonical
writes Byline's, so answers compare as text: null; n:INTEGER (bools as 0 and 1, whole floats below
1e12 as integers, other floats to 12 significant digits); s:SCALARS in hex; t:TIMESTAMP as Byline
writes one (2009-01-01 00:00:00.25). Runs in the virtual environment Scripts/test makes
(Tests/.duckdb-venv, DuckDB from PyPI).
"""
import datetime, decimal, json, math, sys

import duckdb


def number(x):
    if x == 0:
        return "n:0"
    if math.isnan(x):
        return "n:nan"
    if math.isinf(x):
        return "n:inf" if x > 0 else "n:-inf"
    if x == round(x) and abs(x) < 1e12:
        return "n:%d" % int(x)
    return "n:" + ("%.12g" % x)


def text(s):
    return "s:" + ".".join("%x" % ord(c) for c in s)


def canonical(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "n:1" if v else "n:0"
    if isinstance(v, int):
        return "n:%d" % v
    if isinstance(v, float):
        return number(v)
    if isinstance(v, decimal.Decimal):
        return number(float(v))
    if isinstance(v, str):
        return text(v)
    if isinstance(v, datetime.datetime):
        if v.tzinfo is not None:
            v = v.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        out = "%04d-%02d-%02d %02d:%02d:%02d" % (v.year, v.month, v.day, v.hour, v.minute, v.second)
        if v.microsecond:
            out += ("." + "%06d" % v.microsecond).rstrip("0")
        return "t:" + out
    if isinstance(v, datetime.date):
        return text("%04d-%02d-%02d" % (v.year, v.month, v.day))
    return "other:" + repr(v)


def main():
    request = json.load(open(sys.argv[1]))
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    for sql in request["setup"]:
        con.execute(sql)
    for sql in request["queries"]:
        try:
            rows = con.execute(sql).fetchall()
            print(json.dumps({"rows": [[canonical(v) for v in row] for row in rows]}))
        except Exception as error:  # an answer like any other: the test decides what it means
            print(json.dumps({"error": str(error).splitlines()[0] if str(error) else type(error).__name__}))


main()
