"""Property: whatever file a user hands over, `planner import` and `planner check` end cleanly.

Hypothesis generates hostile CSV, XLSX and GeoJSON bytes (random bytes,
damaged workbooks, huge fields, odd encodings, NaN/Inf/1e308 coordinates,
formulas, control characters) and runs both commands through the CLI entry
point in this process: each must exit 0 or 2 with no traceback, within
bounded memory, and an import that is refused leaves the registry as it was.
"""

import csv
import gc
import io
import itertools
import json
import tracemalloc
from contextlib import redirect_stderr, redirect_stdout

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import text

from planner.cli.main import main

MB = 1024 * 1024
_names = itertools.count()
NUMBERS = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([1e308, -1e308, 116.6, 40.1]),
                    st.integers(-10**20, 10**20))
NUMBER_TEXTS = st.sampled_from(["116.6", "40.1", "nan", "NaN", "inf", "-Infinity", "1e308", "-1e308", "1e400", "",
                                "１１６．６５", "116°39'12\"E", "181", "-91", "0x1F", "1,5"])
CELLS = st.one_of(NUMBER_TEXTS, st.text(max_size=12), NUMBERS.map(str),
                  st.integers(1, 3).map(lambda k: "x" * (k * 40_000)),  # past the 64 KB line limit set below
                  st.sampled_from(["=1+1", "@SUM(1)", "\x00", "\r", '"', ",", ";", "\t", "\ufeff", "</script>"]))
HEADERS = st.one_of(st.just(["code", "name", "lon", "lat"]),
                    st.just(["机构号", "名称", "经度", "纬度", "级别", "人口"]),
                    st.just(["station_id", "month", "count"]), st.lists(st.text(max_size=8), min_size=1, max_size=6))
ROWS = st.lists(st.lists(CELLS, max_size=7), max_size=8)


@st.composite
def csv_files(draw):
    if draw(st.booleans()):
        return draw(st.binary(max_size=3000))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=draw(st.sampled_from([",", ";", "\t"])))
    writer.writerow(draw(HEADERS))
    writer.writerows(draw(ROWS))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "shift_jis", "big5", "utf-16", "latin-1"]))
    return buffer.getvalue().encode(encoding, errors="replace")


def _sheet_value(value):
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


@st.composite
def xlsx_files(draw):
    book = Workbook()
    book.active.append([_sheet_value(v) for v in draw(HEADERS)])
    for row in draw(st.lists(st.lists(st.one_of(CELLS, NUMBERS), max_size=7), max_size=8)):
        book.active.append([_sheet_value(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    data = bytearray(buffer.getvalue())
    damage = draw(st.sampled_from(["none", "truncate", "flip", "random"]))
    # Positions are drawn independently of the workbook's length, which varies with its save time.
    if damage == "truncate":
        return bytes(data[:draw(st.integers(0, 10**6)) % (len(data) + 1)])
    if damage == "flip":
        for at, byte in draw(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=20)):
            data[at % len(data)] = byte
    if damage == "random":
        return draw(st.binary(max_size=3000))
    return bytes(data)


COORDINATES = st.one_of(NUMBERS, st.sampled_from(["116.6", None, [], [1, 2, 3]]))


@st.composite
def geojson_files(draw):
    if draw(st.booleans()) and draw(st.booleans()):
        return draw(st.binary(max_size=3000))
    features = []
    for _ in range(draw(st.integers(0, 5))):
        point = [draw(COORDINATES), draw(COORDINATES)]
        ring = [point, [draw(NUMBERS), draw(NUMBERS)], [draw(NUMBERS), draw(NUMBERS)], point]
        geometry = draw(st.sampled_from([{"type": "Point", "coordinates": point},
                                         {"type": "Polygon", "coordinates": [ring]}, None]))
        properties = {"code": draw(CELLS), "name": draw(CELLS), "level": "village", "population": draw(NUMBERS)}
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    text_ = json.dumps({"type": "FeatureCollection", "features": features}, allow_nan=True)
    return text_.replace("1e+308", draw(st.sampled_from(["1e+308", "1e400", "-1e400"]))).encode()


FILES = st.one_of(csv_files().map(lambda b: (".csv", b)), xlsx_files().map(lambda b: (".xlsx", b)),
                  geojson_files().map(lambda b: (".geojson", b)))


def _run(*args) -> tuple[int, str]:
    """Exit code and stderr of `planner ARGS` run in this process (an uncaught exception fails the test)."""
    err = io.StringIO()
    with redirect_stderr(err), redirect_stdout(io.StringIO()):
        try:
            main(list(args))
        except SystemExit as exc:
            return exc.code, err.getvalue()
    raise AssertionError("planner returned without an exit code")


def _registry(engine) -> dict:
    with engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()  # noqa: S608 - our fixed table names
                for t in ("outlets", "stations", "candidates", "areas", "transactions", "events")}


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(file=FILES, kind=st.sampled_from(["branches", "stations", "candidates", "areas", "transactions"]))
def test_hostile_files_end_cleanly(engine, database_url, tmp_path, monkeypatch, file, kind):
    monkeypatch.setenv("PLANNER_MAX_LINE_KB", "64")
    suffix, data = file
    path = tmp_path / f"f{next(_names)}{suffix}"
    path.write_bytes(data)
    before = _registry(engine)
    tracemalloc.start()
    try:
        imported, import_err = _run("import", kind, str(path), "--db", database_url)
        after_import = _registry(engine)
        checked, check_err = _run("check", str(path), "--db", database_url)
        peak = tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()
        gc.collect()  # the commands' engines and their connections
    for code, err in ((imported, import_err), (checked, check_err)):
        assert code in (0, 2), err
        assert "Traceback" not in err and (code == 0 or err.startswith("planner: "))
    if imported != 0:
        assert after_import == before  # a refused file leaves nothing behind
    assert _registry(engine) == after_import  # a check never writes
    assert peak < 300
