"""Texts of the table component (planner/static/table.js), the batch-check result table, the check history
and the work queue's added columns."""

from __future__ import annotations

TABLE_TEXT = {
    "zh": {
        "table_filter": "筛选", "table_filter_hint": "输入关键字筛选", "table_all": "全部",
        "table_prev": "上一页", "table_next": "下一页", "table_page": "第 {page}/{pages} 页 · 共 {n} 行",
        "table_none": "没有符合条件的行", "table_sort": "点击排序", "table_sort_by": "排序",
        "row_id": "编号", "row_outside": "在区域外", "row_outside_note": "在区域外：未在地图上绘出",
        "row_no_position": "无坐标", "check_rows": "检查结果明细", "show_lines": "显示到最近网点/服务站的连线",
        "legend_check": "图例", "district": "辖区范围",
        "line_outlet": "到最近邮政网点", "line_station": "到最近便民服务站",
        "applicant_template": "申请表模板", "template_xlsx": "下载模板（.xlsx）", "template_csv": "下载模板（.csv）",
        "template_example_name": "示例便民店", "template_example_address": "示例路 1 号",
        "check_history": "我的检查记录", "check_history_all": "全部检查记录（管理员）",
        "history_file": "文件", "history_when": "时间", "history_user": "提交人", "history_counts": "通过/不通过/有误",
        "history_state": "状态", "history_none": "还没有检查记录", "history_open": "查看",
        "overdue_by": "逾期 {n} 个工作日", "due_in": "剩余 {n} 个工作日", "due_today": "今天到期",
        "queue_area": "所在区域", "queue_nearest": "最近距离（米）", "queue_verdict": "规则判断",
        "queue_overdue_chip": "已逾期", "queue_map": "队列地图",
        "confirm_approve": "确认批准该申请户？", "confirm_reject": "确认拒绝该申请户？",
        "confirm_needs_info": "确认要求补充材料？",
    },
    "en": {
        "table_filter": "Filter", "table_filter_hint": "type to filter", "table_all": "all",
        "table_prev": "Previous", "table_next": "Next", "table_page": "page {page} of {pages} · {n} rows",
        "table_none": "No rows match", "table_sort": "click to sort", "table_sort_by": "Sort by",
        "row_id": "ID", "row_outside": "outside the district", "row_outside_note": "outside the district: not drawn",
        "row_no_position": "no position", "check_rows": "Checked rows", "show_lines": "Lines to the nearest sites",
        "legend_check": "Legend", "district": "District",
        "line_outlet": "to the nearest post outlet", "line_station": "to the nearest station",
        "applicant_template": "Applicant list template", "template_xlsx": "Template (.xlsx)",
        "template_csv": "Template (.csv)",
        "template_example_name": "Example shop", "template_example_address": "1 Example Road",
        "check_history": "My checks", "check_history_all": "All checks (admin)",
        "history_file": "File", "history_when": "When", "history_user": "By", "history_counts": "pass/fail/error",
        "history_state": "State", "history_none": "No checks yet", "history_open": "open",
        "overdue_by": "{n} working days overdue", "due_in": "{n} working days left", "due_today": "due today",
        "queue_area": "Area", "queue_nearest": "Nearest site (m)", "queue_verdict": "Rules",
        "queue_overdue_chip": "overdue", "queue_map": "Queue map",
        "confirm_approve": "Approve this applicant?", "confirm_reject": "Reject this applicant?",
        "confirm_needs_info": "Ask this applicant for more information?",
    },
}
