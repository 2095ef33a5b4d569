"""Why a station is listed for exit, kept, too new or undecided: the `reasons` of `planner exits`."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

__all__ = ["EXIT_NAV", "EXIT_TEXT", "reason_texts"]

EXIT_NAV = {"zh": {"exits": "退出评估"}, "en": {"exits": "Exit review"}}  # the top bar's link

EXIT_TEXT = {
    "zh": {
        "zero": "{month} 无交易",
        "low": "连续 {n} 个月每月交易不足 {min} 笔（{months}）",
        "keep": "{months} 交易达到 {min} 笔",
        "too_new": "开业仅 {full} 个完整月，规则需要 {n} 个月",
        "missing": "{months} 无交易数据，无法判断",
        "sep": "、",
        "verdict_exit": "列入退出", "verdict_keep": "保留", "verdict_too_new": "开业未满",
        "verdict_missing": "数据不全",
        "exits": "退出评估", "exit_rule": "退出机制", "month": "月份", "judged": "参评服务站",
        "proposed": "提议退出", "already_listed": "已列入退出", "lost_population": "失去服务人口",
        "lost_alone": "单独关闭将失去服务的人口", "lost_cells": "将失去服务的网格", "closing_stations": "拟退出服务站",
        "covered_before": "现覆盖率", "covered_after": "关闭后覆盖率", "lost_by_parent": "各街道/乡镇失去服务人口",
        "lost_by_area": "各村/社区失去服务人口", "restorers": "可弥补的加盟申请户", "restored": "可恢复服务人口",
        "marginal": "新增服务人口", "choice": "推荐", "decision": "决定", "deciding_months": "判定月份",
        "confirm_listing": "确认列入退出", "keep_station": "保留并说明理由", "list_anyway": "列入退出（须说明理由）",
        "close_station": "关闭服务站", "confirm_close": "确认关闭该服务站（记录保留，不删除）",
        "note_required": "说明（必填）", "note_optional": "说明（选填）", "decided": "本月已作决定",
        "action_list_for_exit": "列入退出", "action_keep": "保留", "action_close": "关闭",
        "exit_rule_text": "当月无交易，或连续 {n} 个月每月交易不足 {min} 笔，列入退出名单",
        "no_stations": "没有参评的服务站", "take_back": "撤销列入退出，恢复营业", "download_exits": "下载评估结果",
        "decided_done": "已记录决定",
    },
    "en": {
        "zero": "no transactions in {month}",
        "low": "fewer than {min} transactions in each of {n} consecutive months ({months})",
        "keep": "{min} transactions or more in {months}",
        "too_new": "open only {full} full month(s); the rule needs {n}",
        "missing": "no transaction figures for {months}: the rule cannot decide",
        "sep": ", ",
        "verdict_exit": "listed for exit", "verdict_keep": "kept", "verdict_too_new": "too new",
        "verdict_missing": "figures missing",
        "exits": "Exit review", "exit_rule": "Exit rule", "month": "Month", "judged": "Stations judged",
        "proposed": "Proposed for exit", "already_listed": "Listed for exit",
        "lost_population": "People losing service",
        "lost_alone": "People losing service if this station alone closes", "lost_cells": "Cells losing service",
        "closing_stations": "Stations closing", "covered_before": "Covered now", "covered_after": "Covered after",
        "lost_by_parent": "People losing service by sub-district/town", "lost_by_area": "People losing service by area",
        "restorers": "Applicants that would win them back", "restored": "People restored",
        "marginal": "People added", "choice": "Choice", "decision": "Decision", "deciding_months": "Deciding months",
        "confirm_listing": "Confirm the listing", "keep_station": "Keep, with a reason", "list_anyway":
        "List for exit (reason required)", "close_station": "Close the station",
        "confirm_close": "I confirm closing this station (its records are kept)", "note_required": "Note (required)",
        "note_optional": "Note (optional)", "decided": "Decided this month", "action_list_for_exit": "listed",
        "action_keep": "kept", "action_close": "closed",
        "exit_rule_text": "no transactions in a month, or fewer than {min} a month for {n} consecutive months",
        "no_stations": "No station to judge", "take_back": "Take the listing back (open again)",
        "download_exits": "Download the judgement", "decided_done":
        "Decision recorded",
    },
}


@dataclass(frozen=True)
class ReasonTexts:
    words: dict[str, str]

    def reason(self, verdict: str, months: list[str], counts: Any, full: int, zero: bool, rule: Any) -> str:
        """One station's reason, from the window's months and counts (NaN: no figure) and the rule."""
        w, sep = self.words, self.words["sep"]
        present = [(m, int(c)) for m, c in zip(months, counts) if not math.isnan(c)]
        if verdict == "exit":
            if zero:
                return w["zero"].format(month=months[-1])
            listed = sep.join(f"{m}: {c}" for m, c in present)
            return w["low"].format(n=rule.low_months, min=rule.min_monthly_count, months=listed)
        if verdict == "missing":
            gone = [m for m, c in zip(months, counts) if math.isnan(c)]
            return w["missing"].format(months=sep.join(gone))
        if verdict == "too_new":
            return w["too_new"].format(full=int(min(full, rule.low_months)), n=rule.low_months)
        kept = sep.join(f"{m}: {c}" for m, c in present if c >= rule.min_monthly_count)
        return w["keep"].format(min=rule.min_monthly_count, months=kept)


def reason_texts(lang: str) -> ReasonTexts:
    return ReasonTexts(EXIT_TEXT["en" if lang == "en" else "zh"])
