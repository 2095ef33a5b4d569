"""How the road readers tell a caller which stage they are in (a line per stage on large files).

The convention is the batch check's: `progress(stage, done, total)` is called
as each stage starts, `done` being the number of stages finished and `total`
the number of stages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

__all__ = ["Progress", "stage_reporter"]

Progress = Callable[[str, int, int], None]


def stage_reporter(progress: Progress | None, stages: Sequence[str]) -> Callable[[str], None]:
    """A function that reports the start of one of `stages` (by name) to `progress`, if any."""

    def report(stage: str) -> None:
        if progress is not None:
            progress(stage, stages.index(stage), len(stages))

    return report
