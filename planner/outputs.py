"""Small pieces every file writer shares: checking the output name, cell values for Excel."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from planner.errors import UsageError

__all__ = ["excel_value", "output_path"]


def output_path(out_path, suffixes) -> tuple[Path, str]:
    """The output path (its folder created) and its lower-case suffix; refuses other formats."""
    out_path = Path(out_path)
    suffix = out_path.suffix.lower()
    if suffix not in suffixes:
        raise UsageError(f"{out_path}: output must end in {', '.join(suffixes)}",
                         f"{out_path}：输出文件扩展名应为 {'、'.join(suffixes)}")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    return out_path, suffix


def excel_value(value):
    """A value openpyxl writes as a number, text or an empty cell."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value
