"""Texts of the coverage page and the coverage report file (charts, the note on what is counted)."""

from __future__ import annotations

COVERAGE_TEXT = {
    "zh": {
        "coverage_charts": "图表", "chart_parent_shares": "各街道/乡镇覆盖率（%）",
        "chart_share_spread": "村/社区覆盖率分布（村/社区数）", "coverage_scope": "统计范围",
        "coverage_generated": "生成时间（北京时间）", "coverage_file_note": "本文件离线可用；地图底图需联网。",
    },
    "en": {
        "coverage_charts": "Charts", "chart_parent_shares": "Covered share by parent area (%)",
        "chart_share_spread": "Areas by covered share (number of areas)", "coverage_scope": "What is counted",
        "coverage_generated": "Generated (China time)",
        "coverage_file_note": "This file works offline; the base map needs a connection.",
    },
}
