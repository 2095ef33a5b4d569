"""Stations with hand-built monthly transaction histories: every edge of the seed's exit rule."""

from __future__ import annotations

import csv

from tests.check_support import offset
from tests.file_support import load_file

MONTH = "2026-10"
FAR = (116.90, 40.30)  # far from the small registry's sites and areas: rule edges without coverage
HISTORIES = {  # code: (opened_on, {month: count}); absent months have no figure
    "E20": ("2024-01-10", {"2026-08": 20, "2026-09": 20, "2026-10": 20}),  # exactly 20: stays
    "L19": ("2024-01-10", {"2026-08": 19, "2026-09": 19, "2026-10": 19}),  # 19-19-19: listed
    "M19": ("2024-01-10", {"2026-08": 19, "2026-09": 20, "2026-10": 19}),  # 19-20-19: stays
    "Z0": ("2024-01-10", {"2026-08": 50, "2026-09": 50, "2026-10": 0}),  # a zero month: listed
    "ZS": ("2024-01-10", {"2026-08": 50, "2026-09": 0, "2026-10": 50}),  # September's zero is not October's
    "MS": ("2024-01-10", {"2026-08": 10, "2026-10": 10}),  # low with a month missing: undecided
    "MJ": ("2024-01-10", {"2026-08": 50, "2026-09": 50}),  # the judged month missing: undecided
    "MK": ("2024-01-10", {"2026-08": 50, "2026-10": 50}),  # a month missing, but 50s keep it
    "NEW": ("2026-08-15", {"2026-09": 5, "2026-10": 5}),  # opened two full months ago: too new
    "NEW1": ("2026-08-01", {"2026-08": 10, "2026-09": 10, "2026-10": 10}),  # opened on the 1st: 3 full months
    "C5": ("2024-01-10", {"2026-08": 5, "2026-10": 5}),  # decided only by a profile counting missing as zero
}
EXPECTED = {"E20": "keep", "L19": "exit", "M19": "keep", "Z0": "exit", "ZS": "keep", "MS": "missing",
            "MJ": "missing", "MK": "keep", "NEW": "too_new", "NEW1": "exit", "C5": "missing"}


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def load_histories(engine, tmp_path, histories=HISTORIES, *, where=FAR):
    stations = [[code, f"站{code}", "营业", *offset(where, 3_000.0 * i, 90.0), opened]
                for i, (code, (opened, _)) in enumerate(histories.items())]
    load_file(engine, write_csv(tmp_path / "stations.csv", ["机构号", "名称", "状态", "经度", "纬度", "开业日期"],
                             stations), "stations")
    counts = [[code, month, n] for code, (_, months) in histories.items() for month, n in months.items()]
    load_file(engine, write_csv(tmp_path / "tx.csv", ["网点编号", "月份", "笔数"], counts), "transactions")
