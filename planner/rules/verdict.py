"""The verdict of the rules, defined once: distances to post outlets and existing stations, survey facts.

Every door that judges a position asks here: the batch check (whole columns),
the single-site check of the pages, the API and decisions (columns of one),
the ranking (which applicants keep the distance rules) and the map layers'
verdict colours. A distance is compared as the reason prints it: geodesic
metres to the centimetre (planner.spatial.compared), and 以上 includes the
threshold itself. A minimum of 0 turns a rule off; no site at all (NaN) is
never too close.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, SupportsInt, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from planner.errors import UsageError
from planner.rules.profiles import Profile
from planner.rules.reason_columns import reason_column
from planner.rules.reasons import reason
from planner.spatial.arrays import Bools, Floats, Ints
from planner.spatial.compared import below_minimum, compared_metres

__all__ = ["SURVEY_FLAGS", "SURVEY_MINIMUMS", "RowNotes", "area_rule", "distance_rules", "require_road_network",
           "rule_key", "survey_rules", "too_close"]


class RowNotes:
    """Reasons attached to rows, kept in the order they were added; most rows have none.

    Texts come one at a time (`add`) or as whole columns (`add_many`: a list, a numpy array or a
    pyarrow string array, planner.rules.reason_columns), and leave as Arrow text (`joined_text`)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self._rows: list[int] = []
        self._texts: list[str] = []
        self._chunks: list[tuple[np.ndarray, Any]] = []

    def add(self, row: SupportsInt, text: str) -> None:
        self._rows.append(int(row))
        self._texts.append(text)

    def add_many(self, rows: ArrayLike, texts: Any) -> None:
        """Attach texts[k] to rows[k] for every k (the fast path for whole columns)."""
        self._flush()
        self._chunks.append((np.asarray(rows, dtype=np.int64), texts))

    def _flush(self) -> None:
        if self._rows:
            self._chunks.append((np.asarray(self._rows, dtype=np.int64), self._texts))
            self._rows, self._texts = [], []

    def _row_numbers(self) -> Ints:
        self._flush()
        if not self._chunks:
            return np.empty(0, np.int64)
        return np.concatenate([c[0] for c in self._chunks])

    def _text_values(self) -> Any:
        """Every text, in the order of `_row_numbers`, as one Arrow string array."""
        import pyarrow as pa

        self._flush()
        return pa.concat_arrays([t if isinstance(t, pa.Array) else pa.array(np.asarray(t, dtype=object), pa.string())
                                 for _, t in self._chunks] or [pa.array([], pa.string())])

    def mask(self) -> np.ndarray:
        out = np.zeros(self.n, bool)
        out[self._row_numbers()] = True
        return out

    def of(self, row: int) -> list[str]:
        return cast(list[str], self._text_values().filter(self._row_numbers() == row).to_pylist())

    def joined(self, sep: str = "; ") -> np.ndarray:
        """One string per row: its reasons in the order added, joined by `sep` ('' for none)."""
        return cast(NDArray[np.object_], self.joined_text(sep).to_numpy(zero_copy_only=False).astype(object))

    def joined_text(self, sep: str = "; ") -> Any:
        """`joined` as an Arrow string array (a million rows' reasons without a Python string each)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        rows = self._row_numbers()
        if rows.size == 0:
            return pa.array(np.full(self.n, "", dtype=object), type=pa.string())
        order = np.argsort(rows, kind="stable")
        offsets = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=self.n), out=offsets[1:])
        values = self._text_values().take(pa.array(order))
        lists = pa.LargeListArray.from_arrays(pa.array(offsets), values)
        return pc.binary_join(lists, sep)


def require_road_network(profile: Profile, roads: object | None) -> None:
    """Refuse a walking profile when the registry has no road network to walk on."""
    if profile.metric == "walking" and roads is None:
        raise UsageError(
            f"profile {profile.name!r} measures walking distance, but no road network is loaded: "
            "import one with `planner import network FILE` (an OpenStreetMap .pbf or a line layer)",
            f"规则配置“{profile.name}”按步行距离计算，但尚未导入路网：请先运行 `planner import network 文件`"
            "（OpenStreetMap .pbf 或线图层）",
        )


def rule_key(profile: Profile, key: str) -> str:
    """The reason key of a distance rule as the profile measures it (`…_walking` on foot)."""
    return f"{key}_walking" if profile.metric == "walking" else key


def too_close(profile: Profile, outlet_m: Floats, station_m: Floats) -> tuple[Bools, Bools]:
    """Per position: closer than the profile allows to the nearest counted outlet, to the nearest existing station."""
    outlet = np.asarray(outlet_m, dtype=float)
    station = np.asarray(station_m, dtype=float)
    return (below_minimum(outlet, profile.min_outlet_distance_m) if profile.min_outlet_distance_m > 0
            else np.zeros(outlet.shape, bool),
            below_minimum(station, profile.min_station_distance_m) if profile.min_station_distance_m > 0
            else np.zeros(station.shape, bool))


def distance_rules(profile: Profile, outlet_id: np.ndarray, outlet_m: Floats, station_id: np.ndarray,
                   station_m: Floats, fails: RowNotes, lang: str) -> None:
    """The reasons of positions too close to an outlet or a station, in `fails`, naming the metres compared."""
    outlet_close, station_close = too_close(profile, outlet_m, station_m)
    for close, minimum, ids, metres, key in (
            (outlet_close, profile.min_outlet_distance_m, outlet_id, outlet_m, rule_key(profile, "outlet_too_close")),
            (station_close, profile.min_station_distance_m, station_id, station_m,
             rule_key(profile, "station_too_close"))):
        rows = np.flatnonzero(close)
        if rows.size == 0:
            continue
        reported = compared_metres(np.asarray(metres, dtype=float)[rows])
        fails.add_many(rows, reason_column(key, lang, rows.size, m=reported, id=ids[rows], min=minimum))


def area_rule(profile: Profile, area: tuple[str, tuple[str, ...]] | None, lang: str) -> str | None:
    """The reason one position breaks the per-area limit, else None; `area` is the name of the village or
    community it lies in and the existing stations there (None: in none). The batch check applies the same
    limit to a whole list at once, the list's own applicants competing in priority order."""
    if profile.max_stations_per_area <= 0:
        return None
    if area is None:
        return reason("area_missing", lang)
    name, stations = area
    if len(stations) >= profile.max_stations_per_area:
        return reason("area_taken", lang, area=name, id=stations[0])
    return None


SURVEY_MINIMUMS = (
    ("min_area_m2", "area_m2", "floor area (m²)"),
    ("min_display_m2", "display_m2", "display area (m²)"),
    ("min_months_in_business", "months_in_business", "months in business"),
)
SURVEY_FLAGS = (("require_signage", "signage", "outdoor signage place"), ("require_line", "line", "communication line"))


def survey_rules(profile: Profile, facts: Mapping[str, NDArray[Any]], fails: RowNotes, lang: str) -> None:
    """Survey conditions the profile enables, for columns of facts (numbers: float, NaN = not given)."""
    survey = profile.survey
    for key, fact, label in SURVEY_MINIMUMS:
        minimum = getattr(survey, key)
        if minimum <= 0:
            continue
        values = facts[fact]
        for i in np.flatnonzero(np.isnan(values)):
            fails.add(i, reason("survey_missing", lang, field=label))
        for i in np.flatnonzero(values < minimum):
            fails.add(i, reason("survey_below", lang, field=label, value=values[i], min=minimum))
    for key, fact, label in SURVEY_FLAGS:
        if not getattr(survey, key):
            continue
        for row, value in enumerate(facts[fact]):
            if value is None:
                fails.add(row, reason("survey_missing", lang, field=label))
            elif not value:
                fails.add(row, reason("survey_no", lang, field=label))
