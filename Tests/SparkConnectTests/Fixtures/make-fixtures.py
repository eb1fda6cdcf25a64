# Writes the Arrow IPC streams the ArrowStreamReader tests read, with pyarrow (a reader Byline did
# not write). Run from this folder when the tests' expectations change:
#   python3 make-fixtures.py      (pyarrow: pip install pyarrow)
import datetime
import decimal

import pyarrow as pa

schema = pa.schema([
    ("nothing", pa.null()),
    ("flag", pa.bool_()),
    ("tiny", pa.int8()),
    ("small", pa.int16()),
    ("medium", pa.int32()),
    ("big", pa.int64()),
    ("single", pa.float32()),
    ("double", pa.float64()),
    ("text", pa.utf8()),
    ("day", pa.date32()),
    ("money", pa.decimal128(12, 2)),
    ("moment", pa.timestamp("us", tz="UTC")),
    ("local", pa.timestamp("ms")),
])
first = pa.record_batch([
    pa.array([None, None, None], pa.null()),
    pa.array([True, None, False]),
    pa.array([-128, 127, None], pa.int8()),
    pa.array([-32768, None, 32767], pa.int16()),
    pa.array([None, -2147483648, 2147483647], pa.int32()),
    pa.array([-9223372036854775808, 9223372036854775807, None], pa.int64()),
    pa.array([1.5, None, -0.25], pa.float32()),
    pa.array([0.1, float("inf"), None]),
    pa.array(["héllo", "", None]),
    pa.array([datetime.date(1970, 1, 1), datetime.date(1969, 12, 31), None]),
    pa.array([decimal.Decimal("-12.50"), None, decimal.Decimal("9999999999.99")], pa.decimal128(12, 2)),
    pa.array([datetime.datetime(2024, 2, 29, 12, 30, 0, 123456, tzinfo=datetime.timezone.utc), None, datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)], pa.timestamp("us", tz="UTC")),
    pa.array([None, datetime.datetime(1970, 1, 1, 0, 0, 1), datetime.datetime(1969, 12, 31, 23, 59, 59)], pa.timestamp("ms")),
], schema=schema)
second = pa.record_batch([
    pa.array([None], pa.null()),
    pa.array([True]),
    pa.array([1], pa.int8()),
    pa.array([2], pa.int16()),
    pa.array([3], pa.int32()),
    pa.array([4], pa.int64()),
    pa.array([5], pa.float32()),
    pa.array([6.0]),
    pa.array(["日本語 and 𝄞"]),
    pa.array([datetime.date(2000, 3, 1)]),
    pa.array([decimal.Decimal("0.07")], pa.decimal128(12, 2)),
    pa.array([datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)], pa.timestamp("us", tz="UTC")),
    pa.array([datetime.datetime(2000, 1, 1)], pa.timestamp("ms")),
], schema=schema)


def write(name, batches, schema, **options):
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, schema, options=pa.ipc.IpcWriteOptions(**options)) as writer:
        for batch in batches:
            writer.write_batch(batch)
    with open(name, "wb") as file:
        file.write(sink.getvalue().to_pybytes())


write("types.arrows", [first, second], schema)
# The format before Arrow 0.15: no continuation marker before each message's length.
write("legacy.arrows", [second], schema, use_legacy_format=True)
write("empty.arrows", [], schema)
large = pa.schema([("text", pa.large_utf8()), ("wide", pa.decimal128(38, 0))])
write("large.arrows", [pa.record_batch([pa.array(["a", None, "ccc"], pa.large_utf8()), pa.array([decimal.Decimal("-99999999999999999999999999999999999999"), decimal.Decimal(0), None], pa.decimal128(38, 0))], schema=large)], large)
listed = pa.schema([("items", pa.list_(pa.int64()))])
write("list.arrows", [pa.record_batch([pa.array([[1, 2], None], pa.list_(pa.int64()))], schema=listed)], listed)
