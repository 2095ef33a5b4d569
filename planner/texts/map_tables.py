"""Texts of the tables linked to a folium map (planner/static/map_link.js): the coverage page's gaps and areas."""

from __future__ import annotations

MAP_TABLE_TEXT = {
    "zh": {
        "gap_no": "空白区", "gap_area": "所在区域", "area_table": "各区域覆盖情况", "area_level": "级别",
        "area_status": "覆盖状态",
    },
    "en": {
        "gap_no": "Gap", "gap_area": "Area", "area_table": "Coverage by area", "area_level": "Level",
        "area_status": "Status",
    },
}
