"""The applicant list template offered by the check form: the input columns the batch check reads
(/work/shared/interfaces.md, `planner.files.columns`), Chinese headers in Chinese, and one example row."""

from __future__ import annotations

import csv
import io

from planner.files.writers import formula_safe

__all__ = ["TEMPLATE_HEADERS", "template_csv", "template_rows", "template_xlsx"]

# (English header, Chinese header): each is an accepted alias of its field (planner.files.columns.FIELD_ALIASES).
TEMPLATE_HEADERS = (
    ("id", "编号"), ("name", "名称"), ("address", "地址"), ("lon", "经度"), ("lat", "纬度"), ("crs", "坐标系"),
    ("area_m2", "营业面积"), ("display_m2", "展示面积"), ("months_in_business", "经营月数"),
    ("signage", "户外标识位"), ("line", "通信线路"),
)


def template_rows(lang: str, t: dict, position: tuple[float, float]) -> list[list]:
    """The header row and one example row (at `position`, lon/lat WGS84, inside the registry's district)."""
    headers = [zh if lang == "zh" else en for en, zh in TEMPLATE_HEADERS]
    yes = "是" if lang == "zh" else "yes"
    example = ["A001", t["template_example_name"], t["template_example_address"], round(position[0], 6),
               round(position[1], 6), "wgs84", 30, 10, 12, yes, yes]
    return [headers, example]


def template_csv(rows: list[list]) -> bytes:
    """UTF-8 with a byte order mark, so Excel opens the Chinese headers as Chinese."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([formula_safe(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append([formula_safe(v) for v in row])
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 14
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
