"""The distance a rule compares and the figure its reason prints: geodesic metres to the centimetre.

Every distance rule (post outlets, existing stations, applicants of the same
list; in the batch check, the single-site check, the ranking and the map's
verdicts) rounds the geodesic metres to the centimetre the output shows and
compares that value: 以上 includes the threshold, so a distance keeps a minimum
when its rounded value is at least the minimum. Reasons print the same rounded
value with METRES_FORMAT, so a reason never contradicts its verdict: 499.99 m
fails 500 m and says 499.99 m; 499.996 m is 500.00 m and passes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, overload

import numpy as np
from numpy.typing import NDArray

from planner.spatial.arrays import Bools, Floats

__all__ = ["METRES_FORMAT", "below_minimum", "compared_metres"]

DIGITS = 2
METRES_FORMAT = f".{DIGITS}f"


@overload
def compared_metres(metres: float) -> float: ...
@overload
def compared_metres(metres: NDArray[Any] | Sequence[float | None]) -> Floats: ...
def compared_metres(metres: float | NDArray[Any] | Sequence[float | None]) -> float | Floats:
    """Metres as the rules compare them and the output shows them; NaN stays NaN.

    An array gives an array, a single number a float. The array and the
    single-number paths round alike (numpy's rounding, not Python's `round`).
    """
    rounded = np.round(np.asarray(metres, dtype=float), DIGITS)
    return float(rounded) if rounded.ndim == 0 else rounded


@overload
def below_minimum(metres: float, minimum: float) -> bool: ...
@overload
def below_minimum(metres: NDArray[Any] | Sequence[float | None], minimum: float) -> Bools: ...
def below_minimum(metres: float | NDArray[Any] | Sequence[float | None], minimum: float) -> bool | Bools:
    """Whether the compared metres fall short of `minimum` (以上 includes it; NaN never falls short)."""
    with np.errstate(invalid="ignore"):
        short = compared_metres(metres) < minimum
    return bool(short) if np.ndim(short) == 0 else short
