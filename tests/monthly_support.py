"""A hand-built registry for the monthly report of September 2026, whose figures can be worked out on paper.

Areas (tests/data/check/areas.geojson): village A1 and community A2, both in township T1.
Stations, with their transactions (2025-09 | 2026-06, 07, 08, 09):
  S1 open, in A1:                40 | 22, 21, 25, 19   (19: below the yiwu threshold of 20; relocated 1 Sep)
  S2 closed, in A2, no figures, no closing event: not in the report
  S3 open, in A2, opened 10 Sep:  – |  –,  –,  –,  0   (a zero month is a figure)
  S4 open, in A1, opened 15 Oct: not in the September report
  S5 listed for exit 20 Sep, A2:  – | 30,  –, 12, 20   (exactly 20: not below; July missing)
  S6 closed 1 Oct (China time), A1: – |  –, 10,  8,  –  (September missing, never 0)
  S7 open, outside every area:    – |  –,  –, 90, 100  (transferred 30 Sep 23:59 China time; its name
                                                         starts like a spreadsheet formula)
Applicants: C1–C3 and C6 reported in September, C4 and C5 decided in it, C6 decided on 1 Oct China time.

Events dated in the past are written as the registry writes them, with the time they would have had.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert

from planner.registry.models import Event
from tests.check_support import load_small_registry
from tests.file_support import load_file, write_xlsx

MONTH = "2026-09"
TODAY = dt.date(2026, 10, 20)  # the September report's "today": after the due date, September complete

STATIONS = [  # code, name, status, lon, lat, opened_on
    ["S3", "新开站", "营业", 116.630, 40.112, "2026-09-10"],
    ["S4", "十月站", "营业", 116.612, 40.108, "2026-10-15"],
    ["S5", "待退出站", "待退出", 116.635, 40.108, None],
    ["S6", "十月关闭站", "已关闭", 116.605, 40.112, None],
    ["S7", "@SUM(1) 区外站", "营业", 116.700, 40.200, None],
]
TRANSACTIONS = {
    "S1": {"2025-09": 40, "2026-06": 22, "2026-07": 21, "2026-08": 25, "2026-09": 19},
    "S3": {"2026-09": 0},
    "S5": {"2026-06": 30, "2026-08": 12, "2026-09": 20},
    "S6": {"2026-07": 10, "2026-08": 8},
    "S7": {"2026-08": 90, "2026-09": 100},
}
CANDIDATES = [  # code, name, reported_on, lon, lat
    ["C1", "国庆前报送", "2026-09-29", 116.611, 40.101],
    ["C2", "按期勘察", "2026-09-01", 116.612, 40.102],
    ["C3", "未勘察", "2026-09-15", 116.613, 40.103],
    ["C4", "八月报送九月批准", "2026-08-20", 116.614, 40.104],
    ["C5", "月末报送即拒绝", "2026-08-31", 116.615, 40.105],
    ["C6", "十月一日补充材料", "2026-09-25", 116.616, 40.106],
]


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


EVENTS = [  # at (UTC), table, code, action, changes
    (utc("2026-08-26 02:00"), "candidates", "C4", "survey", {"status": ["submitted", "surveyed"]}),
    (utc("2026-08-31 16:30"), "stations", "S1", "relocate", {"geom": ["POINT (1 1)", "POINT (2 2)"], "note": "迁"}),
    (utc("2026-08-31 20:00"), "candidates", "C5", "reject", {"status": ["submitted", "rejected"], "note": "不符"}),
    (utc("2026-09-02 01:00"), "candidates", "C4", "approve", {"status": ["surveyed", "approved"], "note": "好"}),
    (utc("2026-09-03 03:00"), "candidates", "C2", "survey", {"status": ["submitted", "surveyed"]}),
    (utc("2026-09-20 02:00"), "stations", "S5", "list_for_exit", {"status": ["open", "listed_for_exit"]}),
    (utc("2026-09-30 15:59"), "stations", "S7", "transfer", {"operator": ["甲", "乙"], "note": ""}),
    (utc("2026-09-30 16:30"), "candidates", "C6", "needs_info", {"status": ["submitted", "needs_info"]}),
    (utc("2026-09-30 17:00"), "stations", "S6", "close", {"status": ["listed_for_exit", "closed"]}),
    (utc("2026-10-09 16:30"), "candidates", "C1", "survey", {"status": ["submitted", "surveyed"]}),
    # The September report first produced at 23:30 China time on its due day (8 Oct): in time.
    (utc("2026-10-08 15:30"), "reports", "monthly-2026-09", "produce", {"format": ".xlsx"}),
    # August's, due Monday 7 Sep (the 5th is a Saturday), first produced 00:30 on the 8th: late.
    (utc("2026-09-07 16:30"), "reports", "monthly-2026-08", "produce", {"format": ".html"}),
]


def write_past_event(engine, at, table, code, action, changes, actor="记录员"):
    """An event as the registry writes it, at a time in the past."""
    with engine.begin() as conn:
        conn.execute(insert(Event).values(at=at, actor=actor, table_name=table, code=code, action=action,
                                          changes=changes, source="test"))


def load_monthly_registry(engine, folder):
    """The registry above, in `engine`; the stations' statuses are those the past events led to."""
    load_small_registry(engine)
    load_file(engine, write_xlsx(folder / "stations.xlsx", ["机构号", "名称", "状态", "经度", "纬度", "开业日期"],
                                 STATIONS), "stations")
    rows = [[code, month, count] for code, months in TRANSACTIONS.items() for month, count in months.items()]
    load_file(engine, write_xlsx(folder / "tx.xlsx", ["网点编号", "月份", "笔数"], rows), "transactions")
    load_file(engine, write_xlsx(folder / "cand.xlsx", ["序号", "店名", "状态", "报送日期", "经度", "纬度"],
                                 [[c, n, "待勘察", d, lon, lat] for c, n, d, lon, lat in CANDIDATES]), "candidates")
    for event in EVENTS:
        write_past_event(engine, *event)
    return engine


def module_registry(request, tmp_path_factory, name: str):
    """The registry above for a module's read-only tests, on the backend of `request.param` (a module-scoped
    fixture parametrised over tests.conftest.BACKENDS yields from this)."""
    from planner.registry.engine import make_engine
    from planner.registry.schema import upgrade_schema
    from tests.conftest import _postgis_url

    folder = tmp_path_factory.mktemp(name)
    url = str(folder / "registry.sqlite") if request.param == "spatialite" else \
        _postgis_url(request, request.getfixturevalue("postgis_admin"))
    engine = make_engine(url)
    upgrade_schema(engine)
    load_monthly_registry(engine, folder)
    yield engine
    engine.dispose()
