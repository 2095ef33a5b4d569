"""Applicants placed for decision tests: A and B pass alone but stand 300 m apart."""

from __future__ import annotations

from tests.check_support import load_small_registry, offset
from tests.file_support import load_file, write_xlsx

HEADERS = ["序号", "店名", "状态", "经度", "纬度", "营业面积", "展示面积", "经营月数", "户外标识位", "通信线路",
           "报送日期"]
A = (116.605, 40.130)  # ≥ 1.9 km from every outlet, station and applicant of the small registry
B = offset(A, 300.0, 90.0)


def load_pair(engine, tmp_path, *, status="待勘察"):
    """The small registry plus applicants A and B (same facts, both waiting)."""
    load_small_registry(engine)
    rows = [[code, f"商店{code}", status, p[0], p[1], 20, 2, 12, "有", "有", "2026-11-16"]
            for code, p in (("A", A), ("B", B))]
    load_file(engine, write_xlsx(tmp_path / "pair.xlsx", HEADERS, rows), "candidates", actor="importer")
    return engine


def load_waiting_at(engine, tmp_path, points):
    """The small registry plus waiting applicants at `points` (code: (lon, lat))."""
    load_small_registry(engine)
    rows = [[code, f"商店{code}", "待勘察", p[0], p[1], 20, 2, 12, "有", "有", "2026-11-16"]
            for code, p in points.items()]
    load_file(engine, write_xlsx(tmp_path / "at.xlsx", HEADERS, rows), "candidates", actor="importer")
