"""Texts of the overview page's sites table (planner/static/overview_table.js)."""

from __future__ import annotations

OVERVIEW_TEXT = {
    "zh": {
        "site_table": "地图上的网点", "site_outlets": "邮政网点", "site_stations": "便民服务站",
        "site_candidates": "加盟申请户", "site_area": "所在区域",
        "site_table_hint": "点击一行在地图上定位；点击地图上的点选中其行。",
    },
    "en": {
        "site_table": "Sites on the map", "site_outlets": "post outlet", "site_stations": "station",
        "site_candidates": "applicant", "site_area": "Area",
        "site_table_hint": "Click a row to find it on the map; click a point to select its row.",
    },
}
