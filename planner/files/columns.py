"""The column headers we recognise (interfaces.md), English or Chinese.

One table for every reader: imports, the batch check and exports. Headers
match case-insensitively after trimming; within a field the first alias
present in a file wins, so `机构号` beats `序号` as the identifier.
"""

from __future__ import annotations

import unicodedata

__all__ = [
    "FIELD_ALIASES",
    "KINDS",
    "KIND_FIELDS",
    "LEVEL_WORDS",
    "OUTLET_KIND_WORDS",
    "STATUS_WORDS",
    "match_headers",
    "normalise_header",
]

FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("code", "机构号", "机构代码", "代码", "id", "编号", "序号"),
    "name": ("name", "名称", "店名", "网点名称"),
    "address": ("address", "地址"),
    "lon": ("lon", "lng", "longitude", "经度", "x"),
    "lat": ("lat", "latitude", "纬度", "y"),
    "crs": ("crs", "坐标系"),
    "kind": ("kind", "类型"),
    "status": ("status", "状态"),
    "operator": ("operator", "经营者", "经营人"),
    "opened_on": ("opened_on", "开业日期"),
    "reported_on": ("reported_on", "报送日期", "上报日期"),
    "area_m2": ("area_m2", "营业面积"),
    "display_m2": ("display_m2", "展示面积"),
    "months_in_business": ("months_in_business", "经营月数"),
    "signage": ("signage", "户外标识位"),
    "line": ("line", "通信线路"),
    "level": ("level", "级别"),
    "population": ("population", "人口"),
    "households": ("households", "户数"),
    "parent": ("parent", "所属"),
    "station_id": ("station_id", "网点编号"),
    "month": ("month", "月份"),
    "count": ("count", "笔数"),
}

_SITE = ("code", "name", "address", "lon", "lat", "crs")
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "branches": _SITE + ("kind",),
    "stations": _SITE + ("status", "operator", "opened_on"),
    "candidates": _SITE
    + ("status", "reported_on", "area_m2", "display_m2", "months_in_business", "signage", "line"),
    "areas": ("code", "name", "level", "population", "households", "parent", "lon", "lat", "crs"),
    "transactions": ("station_id", "month", "count"),
}
KINDS = tuple(KIND_FIELDS)

OUTLET_KIND_WORDS = {
    "branch": "branch", "支局": "branch", "邮政支局": "branch", "营业网点": "branch",
    "邮政网点": "branch", "网点": "branch", "邮政所": "branch", "营业所": "branch",
    "agency": "agency", "代办点": "agency", "代办所": "agency", "邮政代办所": "agency",
    "邮政代办点": "agency",
}
STATUS_WORDS = {
    "submitted": "submitted", "已申请": "submitted", "申请": "submitted", "待勘察": "submitted",
    "surveyed": "surveyed", "已勘察": "surveyed",
    "approved": "approved", "已批准": "approved", "批准": "approved", "通过": "approved",
    "rejected": "rejected", "已拒绝": "rejected", "拒绝": "rejected", "不通过": "rejected",
    "opened": "opened", "已开业": "opened",
    "open": "open", "营业": "open", "营业中": "open", "正常": "open",
    "listed_for_exit": "listed_for_exit", "待退出": "listed_for_exit", "拟退出": "listed_for_exit",
    "closed": "closed", "已关闭": "closed", "已退出": "closed", "关闭": "closed",
}
LEVEL_WORDS = {
    "community": "community", "社区": "community", "居委会": "community",
    "village": "village", "村": "village", "行政村": "village",
    "subdistrict": "subdistrict", "街道": "subdistrict",
    "township": "township", "乡镇": "township", "镇": "township", "乡": "township",
}


def normalise_header(header) -> str:
    return unicodedata.normalize("NFKC", str(header)).strip().lower()


def match_headers(headers, fields) -> dict[str, int]:
    """Map each field to the position of its header in `headers` (first alias wins)."""
    positions = {}
    for pos, header in enumerate(headers):
        if header is None:
            continue
        positions.setdefault(normalise_header(header), pos)
    found = {}
    for field in fields:
        for alias in FIELD_ALIASES[field]:
            if alias in positions:
                found[field] = positions[alias]
                break
    return found
