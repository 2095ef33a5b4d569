"""Texts of the search (the top bar's box and the results page)."""

from __future__ import annotations

SEARCH_TEXT = {
    "zh": {
        "search": "搜索", "search_placeholder": "编号、名称或地址", "search_title": "搜索结果",
        "search_none": "没有找到“{q}”", "search_count": "找到 {n} 条（最多显示 {limit} 条）", "search_open": "打开",
        "search_on_map": "在地图上查看", "search_hint": "输入网点、服务站、申请户或行政区域的编号、名称或地址。",
        "search_kind_stations": "便民服务站", "search_kind_candidates": "加盟申请户",
        "search_kind_outlets": "邮政网点", "search_kind_areas": "行政区域",
        "level_community": "社区", "level_village": "村", "level_subdistrict": "街道", "level_township": "乡镇",
    },
    "en": {
        "search": "Search", "search_placeholder": "code, name or address", "search_title": "Search results",
        "search_none": "Nothing found for “{q}”", "search_count": "{n} found (at most {limit} shown)",
        "search_open": "Open", "search_on_map": "Show on the map",
        "search_hint": "Type the code, name or address of an outlet, station, applicant or area.",
        "search_kind_stations": "station", "search_kind_candidates": "applicant",
        "search_kind_outlets": "post outlet", "search_kind_areas": "area",
        "level_community": "community", "level_village": "village", "level_subdistrict": "subdistrict",
        "level_township": "township",
    },
}
