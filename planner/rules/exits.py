"""The exit rule (退出机制) applied to many stations at once: months of transaction counts in, verdicts out.

For one judged month a station is `exit` when the month had no transactions
(`zero_month_exits`) or when each of the `low_months` months ending with it had
fewer than `min_monthly_count`; `keep` when neither can happen; `too_new` when it
has been open fewer full months than the rule needs; `missing` when months
without a figure leave the rule unable to decide (a missing month is not a zero
month unless the profile says so). Pure arrays: the workflow reads the registry.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from planner.rules.profiles import ExitRule
from planner.spatial.arrays import Floats, Ints

__all__ = ["VERDICTS", "ExitJudgement", "full_months_open", "judge_exits", "month_index", "month_text",
           "window_months"]

VERDICTS = ("exit", "keep", "too_new", "missing")
UNKNOWN_OPENING = np.iinfo(np.int64).max // 2  # a station without an opening date: judged on its figures alone


def month_index(month: str) -> int:
    """'YYYY-MM' as a count of months (so that consecutive months differ by one)."""
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def month_text(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def window_months(month: str, rule: ExitRule) -> list[str]:
    """The months the rule reads to judge `month`, oldest first, `month` last."""
    last = month_index(month)
    return [month_text(i) for i in range(last - rule.low_months + 1, last + 1)]


def full_months_open(opened: Ints, judged: int) -> Ints:
    """Whole calendar months each station was open up to and including the judged month.

    `opened` holds month indexes of the first full month open (a station opened on the 1st counts its
    opening month; otherwise from the next month), or UNKNOWN_OPENING's negative for no date."""
    full = judged - np.asarray(opened, np.int64) + 1
    return np.clip(full, 0, None)


@dataclass(frozen=True)
class ExitJudgement:
    verdict: NDArray[np.str_]  # one of VERDICTS per station
    zero: NDArray[np.bool_]  # listed because the judged month had no transactions
    low: NDArray[np.bool_]  # listed because every month of the window was below the threshold
    deciding: NDArray[np.bool_]  # (stations, window months): the months that decided each verdict


def judge_exits(counts: Floats, full_months: Ints, rule: ExitRule) -> ExitJudgement:
    """Judge stations by the window of counts (stations × rule.low_months, judged month last; NaN = no figure).

    `full_months`: whole months each station was open by the end of the judged month."""
    counts = np.asarray(counts, float).reshape(-1, rule.low_months)
    full = np.asarray(full_months, np.int64)
    if rule.missing_month_is_zero:
        counts = np.where(np.isnan(counts), 0.0, counts)
    present = ~np.isnan(counts)
    below = present & (counts < rule.min_monthly_count)
    at_least = present & ~below
    judged = counts[:, -1]
    month_open = full >= 1
    window_open = full >= rule.low_months
    zero = rule.zero_month_exits & month_open & present[:, -1] & (judged == 0)
    low = window_open & below.all(axis=1)
    exit_ = zero | low
    zero_unknown = rule.zero_month_exits & month_open & ~present[:, -1]
    low_unknown = window_open & ~at_least.any(axis=1) & ~present.all(axis=1)
    missing = ~exit_ & (zero_unknown | low_unknown)
    too_new = ~exit_ & ~missing & ~window_open
    verdict = np.select([exit_, missing, too_new], ["exit", "missing", "too_new"], "keep")
    deciding = _deciding(present, below, at_least, zero, low, missing, too_new, full)
    return ExitJudgement(verdict.astype(np.str_), zero, low, deciding)


def _deciding(present: NDArray[np.bool_], below: NDArray[np.bool_], at_least: NDArray[np.bool_],
              zero: NDArray[np.bool_], low: NDArray[np.bool_], missing: NDArray[np.bool_],
              too_new: NDArray[np.bool_], full: Ints) -> NDArray[np.bool_]:
    """The months each verdict rests on: the window when it is low, the empty month when zero, the months
    without a figure when missing, the months at or above the threshold when kept, the open ones when new."""
    width = present.shape[1]
    in_window = np.arange(width)[None, :] >= (width - np.minimum(full, width))[:, None]
    deciding = np.zeros_like(present)
    last = np.zeros_like(present)
    last[:, -1] = True
    deciding[zero] = last[zero]
    deciding[low] = True
    deciding[missing] = (~present & in_window)[missing]
    deciding[too_new] = (present & in_window)[too_new]
    keep = ~(zero | low | missing | too_new)
    deciding[keep] = (at_least & in_window)[keep]
    return deciding
