import datetime as dt

import pytest

from planner.files.cells import (
    CellError,
    parse_bool,
    parse_date,
    parse_degrees,
    parse_month,
    parse_number,
)


@pytest.mark.parametrize(("text", "value"), [
    ("116.65", 116.65), (116.65, 116.65), ("１１６．６５", 116.65), (" 40.1 ", 40.1),
    ("116°39'00\"E", 116.65), ("116°39′00″", 116.65), ("40度6分", 40.1), ("东经116°39'", 116.65),
    ("N40°06'00\"", 40.1), ("116 39 0", 116.65), ("S33°52'", -(33 + 52 / 60)),
])
def test_degrees(text, value):
    assert parse_degrees(text) == pytest.approx(value, abs=1e-9)


@pytest.mark.parametrize("text", ["abc", "116°75'", "", "东经"])
def test_bad_degrees(text):
    with pytest.raises(CellError):
        parse_degrees(text)


def test_numbers_and_booleans():
    assert parse_number("1,234.5") == 1234.5
    with pytest.raises(CellError):
        parse_number("nan")
    assert parse_bool("有") is True and parse_bool("否") is False and parse_bool("Yes") is True
    with pytest.raises(CellError):
        parse_bool("maybe")


@pytest.mark.parametrize(("text", "month"), [
    ("2026-03", "2026-03"), ("2026/3", "2026-03"), ("2026年3月", "2026-03"), ("202603", "2026-03"),
    (dt.date(2026, 3, 1), "2026-03"),
])
def test_months(text, month):
    assert parse_month(text) == month


def test_dates():
    assert parse_date("2026年11月23日") == dt.date(2026, 11, 23)
    with pytest.raises(CellError):
        parse_date("2026-02-30")
