"""Dates, times and history lines as each interface language writes them."""

import datetime as dt

from planner.web.formatting import (
    describe_changes,
    format_date,
    format_datetime,
    format_number,
)


def test_dates_and_times_in_china_time_per_language():
    utc = dt.datetime(2026, 9, 30, 17, 5, tzinfo=dt.UTC)  # 01:05 on 1 October in Beijing
    assert format_datetime(utc, "zh") == "2026年10月1日 01:05"
    assert format_datetime(utc, "en") == "1 Oct 2026 01:05"
    assert format_date(dt.date(2026, 2, 3), "zh") == "2026年2月3日"
    assert format_date(dt.date(2026, 2, 3), "en") == "3 Feb 2026"
    assert format_date(None, "en") == ""


def test_numbers_are_grouped_and_missing_ones_are_blank():
    assert format_number(1234567.891, 1) == "1,234,567.9"
    assert format_number(float("nan")) == "" and format_number(None) == ""


def test_history_lines_name_fields_values_and_notes():
    changes = {"area_m2": [20.0, 35.5], "signage": [None, True], "status": ["submitted", "surveyed"],
               "note": "店面已扩建", "profile": "yiwu", "verdict": {"verdict": "pass"}}
    assert describe_changes(changes, "zh") == [
        "营业面积（平方米）: 20 → 35.5", "户外标识位: 未填 → 有", "状态: 待勘察 → 待决定", "说明: 店面已扩建",
        "布点规则: 义乌市规则", "结论: 通过"]
    assert describe_changes(changes, "en")[0] == "Floor area (m²): 20 → 35.5"


def test_every_history_key_has_a_label_positions_and_days_read_as_such():
    changes = {"geom": ["POINT (116.74 40.02)", "POINT (116.7412345 40.0298765)"], "on": "2026-11-30",
               "operator": ["张三", "李四"], "kind": ["branch", "agency"], "population": [1178.0, 1234567.0],
               "opened_on": [None, "2026-10-08"], "level": ["village", "community"], "role": [None, "admin"],
               "station": "BM9", "verdict": "exit", "months": "2026-08:3; 2026-09:missing"}
    zh = describe_changes(changes, "zh")
    assert zh == ["位置: 经度 116.740000，纬度 40.020000 → 经度 116.741235，纬度 40.029877",
                  "日期: 2026年11月30日", "经营者: 张三 → 李四", "类型: 营业网点 → 代办点",
                  "人口: 1,178 → 1,234,567", "开业日期: 未填 → 2026年10月8日", "级别: 村 → 社区",
                  "角色: 未填 → 管理员", "便民服务站: BM9", "结论: 列入退出",
                  "判定月份（月份:笔数）: 2026-08:3; 2026-09:无数据"]
    en = describe_changes(changes, "en")
    assert en[0] == "Position: lon 116.740000, lat 40.020000 → lon 116.741235, lat 40.029877"
    assert en[1] == "Date: 30 Nov 2026" and en[3] == "Kind: branch → agency"
    for line in zh:  # no raw key, no English token
        assert not any(raw in line for raw in ("geom", "POINT", "on:", "branch", "village", "admin"))
