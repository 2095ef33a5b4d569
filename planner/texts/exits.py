"""Why a station is listed for exit, kept, too new or undecided: the `reasons` of `planner exits`."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

__all__ = ["EXIT_TEXT", "reason_texts"]

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
