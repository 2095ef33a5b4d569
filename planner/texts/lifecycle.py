"""Interface texts of a station's life after approval: the work queue, opening, visits, monthly counts' history."""

LIFECYCLE_TEXT = {
    "zh": {
        "work_queue": "工作队列", "all_tasks": "全部", "task": "任务", "due": "期限",
        "overdue": "已逾期", "no_due": "无期限", "since": "起算", "overdue_tasks": "{n} 项逾期",
        "no_tasks": "没有待办任务",
        "task_survey": "实地勘察", "task_decision": "审核决定", "task_install": "安装培训",
        "task_follow_up": "开业回访", "task_inspect": "季度巡检", "task_exit_decision": "退出决定",
        "work_rule": ("期限按工作日计（国家法定节假日及调休）：报送后 {survey} 个工作日内勘察，"
                      "批准后 {install} 个工作日内安装培训，开业后 {follow_up} 个工作日内回访，"
                      "每季度至少巡检一次（季度最后一个工作日前）"),
        "approved_on": "批准日期", "opened_on": "开业日期", "quarter": "季度", "applicant": "申请户", "on": "日期",
        "month": "月份", "count": "交易笔数",
        "open_station": "登记开业",
        "open_station_help": "申请户已开业：登记为便民服务站（位置、名称、地址沿用申请户）。",
        "station_code": "服务站编号（机构号）", "station_code_help": "留空则沿用申请户编号",
        "confirm_opening": "确认开业", "opened": "已登记开业",
        "action_open": "开业", "action_install": "安装培训", "action_follow_up": "开业回访", "action_inspect": "巡检",
        "visits": "走访记录", "deadlines": "服务期限", "record_visit": "记录走访", "visit_kind": "走访类型",
        "visit_install": "安装培训完成", "visit_follow_up": "开业回访", "visit_inspect": "巡检",
        "visit_recorded": "走访已记录", "no_visits": "尚无走访记录", "no_deadlines": "没有未完成的期限",
        "visit_help": "日期不得晚于今天，也不得早于其所跟随的批准或开业日期。",
        "install_deadline": "安装培训期限",
    },
    "en": {
        "work_queue": "Work queue", "all_tasks": "All", "task": "Task", "due": "Due",
        "overdue": "overdue", "no_due": "no deadline", "since": "From", "overdue_tasks": "{n} overdue",
        "no_tasks": "Nothing to do",
        "task_survey": "Site survey", "task_decision": "Decision", "task_install": "Installation and training",
        "task_follow_up": "Opening follow-up", "task_inspect": "Quarterly inspection",
        "task_exit_decision": "Exit decision",
        "work_rule": ("deadlines in working days (Chinese public holidays and make-up days): survey within {survey} of "
                      "the report, installation and training within {install} of the approval, follow-up visit "
                      "within {follow_up} of the opening, an inspection every quarter (by its last working day)"),
        "approved_on": "Approved", "opened_on": "Opened", "quarter": "Quarter", "applicant": "Applicant",
        "on": "Date", "month": "Month", "count": "transactions",
        "open_station": "Record the opening",
        "open_station_help": "The applicant has opened: record it as a station (place, name, address as applied).",
        "station_code": "Station code", "station_code_help": "empty: the applicant's code",
        "confirm_opening": "Confirm the opening", "opened": "Opening recorded",
        "action_open": "opened", "action_install": "installation and training", "action_follow_up": "follow-up visit",
        "action_inspect": "inspection",
        "visits": "Visits", "deadlines": "Deadlines", "record_visit": "Record a visit", "visit_kind": "Visit",
        "visit_install": "Installation and training done", "visit_follow_up": "Opening follow-up visit",
        "visit_inspect": "Inspection", "visit_recorded": "Visit recorded", "no_visits": "No visits recorded yet",
        "no_deadlines": "No open deadlines",
        "visit_help": "The date can be neither later than today nor before the approval or opening it follows.",
        "install_deadline": "Installation due",
    },
}
