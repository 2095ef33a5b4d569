"""The interface texts: Simplified Chinese (the default) and English."""

from __future__ import annotations

from planner.texts.coverage import COVERAGE_TEXT
from planner.texts.error_roles import ERROR_ROLE_TEXT
from planner.texts.exits import EXIT_NAV
from planner.texts.layout import LAYOUT_TEXT
from planner.texts.lifecycle import LIFECYCLE_TEXT
from planner.texts.map_tables import MAP_TABLE_TEXT
from planner.texts.monthly import MONTHLY_TEXT
from planner.texts.ogc import OGC_TEXT
from planner.texts.overview import OVERVIEW_TEXT
from planner.texts.ranking import RANKING_TEXT
from planner.texts.tables import TABLE_TEXT
from planner.texts.workspace import WORKSPACE_TEXT

LANGUAGES = ("zh", "en")

TEXT = {
    "zh": {
        "app": "邮政便民服务站网点规划", "overview": "总览地图", "basemap": "底图",
        "areas": "行政区域", "outlets": "邮政网点", "stations": "便民服务站", "candidates": "加盟申请户",
        "name": "名称", "code": "编号", "kind": "类型", "status": "状态", "address": "地址",
        "population": "人口", "legend": "图例", "counts": "登记库", "transactions": "交易记录",
        "empty": "登记库为空：请先运行 planner import 导入数据。", "language": "English",
        "api": "接口文档", "check": "批量检查", "check_title": "加盟申请批量检查",
        "file": "申请表文件（.xlsx、.csv、.geojson、.gpkg）", "profile": "布点规则", "crs": "坐标系",
        "crs_other": "或填写 EPSG 代码", "result_language": "结果语言", "start": "开始检查",
        "crs_wgs84": "WGS84（GPS、天地图）", "crs_gcj02": "GCJ-02（高德、腾讯）", "crs_bd09": "BD-09（百度）",
        "queued": "排队中", "running": "正在检查", "done": "检查完成", "failed": "检查失败",
        "stage_read": "读取文件", "stage_registry": "读取登记库", "stage_rules": "执行布点规则",
        "stage_write": "写出结果", "download": "下载结果文件", "pass": "通过", "fail": "不通过", "error": "数据有误",
        "rows": "行", "verdict": "结论", "reasons": "原因", "nearest_outlet": "最近邮政网点",
        "nearest_station": "最近便民服务站", "again": "检查另一份文件", "metres": "米",
        "coverage": "覆盖分析", "covered_share": "覆盖率", "service_circles": "服务半径", "sites": "网点与服务站",
        "gaps": "覆盖空白区", "report": "覆盖情况报告", "downloads": "下载报告", "totals": "汇总",
        "legend_share": "覆盖率（图例）", "what_if": "假设分析", "assume_candidates": "申请户均按已批准计入",
        "close_listed": "待退出服务站按已关闭计", "apply": "重新计算", "area_table": "各村/社区覆盖情况",
        "review": "工作队列", "review_rule": "报送后 {days} 个工作日内完成实地勘察（按国家法定节假日及调休安排）",
        "today": "今天", "overdue_count": "{n} 户已超期", "reported_on": "报送日期", "survey_due": "勘察截止",
        "workdays_left": "剩余工作日", "status_submitted": "待勘察", "status_surveyed": "待决定",
        "queue_empty": "没有待办的申请户", "calendar_estimate": "该年份尚无官方节假日安排，暂按周一至周五计算",
        "survey": "勘察情况", "yes": "有", "no": "无", "history": "变更记录", "fact_area_m2": "营业面积（平方米）",
        "fact_display_m2": "展示面积（平方米）", "fact_months_in_business": "经营月数", "fact_signage": "户外标识位",
        "fact_line": "通信线路", "status_approved": "已批准", "status_rejected": "已拒绝", "status_opened": "已开业",
        "on_foot": "步行", "straight_line": "直线",
    },
    "en": {
        "app": "Postal convenience station planner", "overview": "Overview map", "basemap": "Base map",
        "areas": "Areas", "outlets": "Post outlets", "stations": "Stations",
        "candidates": "Applicants", "name": "Name", "code": "Code", "kind": "Kind", "status": "Status",
        "address": "Address", "population": "Population", "legend": "Legend", "counts": "Registry",
        "transactions": "Transactions",
        "empty": "The registry is empty: load data with planner import first.", "language": "中文",
        "api": "API", "check": "Batch check", "check_title": "Check an applicant list",
        "file": "Applicant list (.xlsx, .csv, .geojson, .gpkg)", "profile": "Siting rules", "crs": "Coordinates",
        "crs_other": "or an EPSG code", "result_language": "Result language", "start": "Check",
        "crs_wgs84": "WGS84 (GPS, Tianditu)", "crs_gcj02": "GCJ-02 (Amap, Tencent)", "crs_bd09": "BD-09 (Baidu)",
        "queued": "Queued", "running": "Checking", "done": "Done", "failed": "Failed",
        "stage_read": "reading the file", "stage_registry": "reading the registry", "stage_rules": "applying the rules",
        "stage_write": "writing the result", "download": "Download the result", "pass": "pass", "fail": "fail",
        "error": "error", "rows": "rows", "verdict": "Verdict", "reasons": "Reasons",
        "nearest_outlet": "Nearest post outlet", "nearest_station": "Nearest station", "again": "Check another file",
        "metres": "m", "coverage": "Coverage", "covered_share": "Covered share", "service_circles": "Service distance",
        "sites": "Outlets and stations", "gaps": "Coverage gaps", "report": "Coverage report",
        "downloads": "Download the report", "totals": "Totals", "legend_share": "Covered share (legend)",
        "what_if": "What if", "assume_candidates": "count applicants as approved",
        "close_listed": "stations listed for exit closed", "apply": "Recalculate", "area_table": "Coverage by area",
        "review": "Work queue",
        "review_rule": ("site survey within {days} working days of the report "
                        "(Chinese public holidays and make-up days)"),
        "today": "Today", "overdue_count": "{n} overdue", "reported_on": "Reported", "survey_due": "Survey due",
        "workdays_left": "Working days left", "status_submitted": "awaiting survey",
        "status_surveyed": "awaiting decision", "queue_empty": "Nothing waiting",
        "calendar_estimate": "no official holiday arrangement for that year yet: Monday to Friday assumed",
        "survey": "Site survey", "yes": "yes", "no": "no", "history": "History", "fact_area_m2": "Floor area (m²)",
        "fact_display_m2": "Display area (m²)", "fact_months_in_business": "Months in business",
        "fact_signage": "Outdoor signage place", "fact_line": "Communication line", "status_approved": "approved",
        "status_rejected": "rejected", "status_opened": "opened",
        "on_foot": "on foot", "straight_line": "straight line",
    },
}


for _lang, _texts in WORKSPACE_TEXT.items():
    TEXT[_lang].update(_texts)
for _lang, _texts in LIFECYCLE_TEXT.items():
    TEXT[_lang].update(_texts)
for _lang, _texts in MONTHLY_TEXT.items():
    TEXT[_lang].update(_texts)
for _lang, _texts in EXIT_NAV.items():
    TEXT[_lang].update(_texts)
for _lang, _texts in RANKING_TEXT.items():
    TEXT[_lang].update(_texts)
for _lang, _texts in TABLE_TEXT.items():
    TEXT[_lang].update(_texts)
for _lang, _texts in LAYOUT_TEXT.items():
    TEXT[_lang].update(_texts)
for _lang, _texts in COVERAGE_TEXT.items():
    TEXT[_lang].update(_texts)
for _lang, _texts in MAP_TABLE_TEXT.items():
    TEXT[_lang].update(_texts)
for _lang, _texts in OVERVIEW_TEXT.items():
    TEXT[_lang].update(_texts)
for _lang, _texts in ERROR_ROLE_TEXT.items():
    TEXT[_lang].update(_texts)
for _lang, _texts in OGC_TEXT.items():
    TEXT[_lang].update(_texts)


def texts(lang: str) -> dict:
    return TEXT[lang]
