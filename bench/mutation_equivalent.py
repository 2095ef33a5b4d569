"""Surviving mutants that no test can kill, each with the reason it behaves like the original.

`bench/mutation.py` leaves these out of the score (killed / (mutants - equivalent), the usual
definition) and prints them apart. An entry matches a mutant of `path`'s function `function` whose
removed line contains `removed` and whose mutated line contains `added` ("" matches any). Keep
entries narrow: a mutant that a test could kill belongs in a test, not here. README.md ("Mutation
testing") lists the same reasons.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Equivalent:
    path: str
    function: str
    removed: str
    added: str
    reason: str

    def matches(self, path: str, function: str, removed: list[str], added: list[str]) -> bool:
        return (path == self.path and function == self.function and self.removed in "\n".join(removed)
                and self.added in "\n".join(added))


COMPARED = "planner/spatial/compared.py"
CHINA = "planner/spatial/chinacoords.py"
CONFLICTS = "planner/spatial/conflicts.py"
NEAREST = "planner/spatial/nearest.py"
COVERAGE = "planner/spatial/coverage.py"
CHECKING = "planner/check/batch.py"
GRID = "planner/spatial/grid.py"
SITE = "planner/check/site.py"
VERDICT = "planner/rules/verdict.py"
AREAS = "planner/spatial/areas.py"
DECISIONS = "planner/workflow/decisions.py"

_KDTREE = "balanced_tree=False, compact_nodes=False"
_STABLE_UNIQUE = "unique sort keys: stability cannot matter (numpy reads kind case-insensitively)"

EQUIVALENT = [
    # compared.py
    Equivalent(COMPARED, "below_minimum", 'np.errstate(invalid="ignore")', "",
               "numpy raises no invalid-value error comparing NaN, even under errstate(invalid='raise')"),
    Equivalent(COMPARED, "below_minimum", "return bool(short) if np.ndim(short) == 0", "and False",
               "one number's compared metres are a float, so `short` is already a bool"),
    # chinacoords.py
    Equivalent(CHINA, "_invert", "< _TOLERANCE_DEG and np.nanmax(", "or np.nanmax(",
               "each step shrinks the residual ~10^5-fold: stopping on one coordinate changes the answer by < 1e-13°"),
    Equivalent(CHINA, "_invert", "initial=0.0", "initial=1.0",
               "the loop then always runs its 30 steps to the same fixed point (only slower)"),
    Equivalent(CHINA, "_invert", "< _TOLERANCE_DEG", "<= _TOLERANCE_DEG",
               "a residual of exactly 1e-11° is never met; either test stops at the same fixed point"),
    # conflicts.py: close_pairs
    Equivalent(CONFLICTS, "close_pairs", "if distance_m <= 0 or valid.size < 2", "",
               "a spacing ≤ 0 finds no pair below it, fewer than two points have none: the early return saves work"),
    Equivalent(CONFLICTS, "close_pairs", _KDTREE, "", "KD-tree build options: speed only"),
    Equivalent(CONFLICTS, "close_pairs", "if pairs.size == 0", "pairs.size == 1",
               "a pair array's size is even; an empty one flows on to the same typed empty answer"),
    Equivalent(CONFLICTS, "close_pairs", "delta = xyz[pairs[:, 0]] - xyz[pairs[:, 1]]", "+",
               "the sum's 'chord' exceeds 50 km, so pyproj.Geod measures every pair: same metres (< 1 mm), slower"),
    Equivalent(CONFLICTS, "close_pairs", 'np.einsum("ij,ij->i"', 'np.einsum("IJ,IJ->I"',
               "the same einsum subscripts in capitals"),
    Equivalent(CONFLICTS, "close_pairs", 'order = np.argsort(i * np.int64(lon.size) + j, kind="stable")', "kind",
               _STABLE_UNIQUE),
    Equivalent(CONFLICTS, "close_pairs", 'order = np.argsort(i * np.int64(lon.size) + j, kind="stable")',
               "np.argsort(i * np.int64(lon.size) + j, )", _STABLE_UNIQUE),
    # conflicts.py: greedy_by_priority
    Equivalent(CONFLICTS, "greedy_by_priority", "order = np.asarray(order, dtype=np.int64)", "",
               "the order is an integer array; numpy's default integer is int64 here"),
    Equivalent(CONFLICTS, "greedy_by_priority", "= np.full(n, ", "dtype=None)",
               "a full of int64's largest value or of -1 is int64 by default"),
    Equivalent(CONFLICTS, "greedy_by_priority", "= np.full(n, ", ", )",
               "a full of int64's largest value or of -1 is int64 by default"),
    Equivalent(CONFLICTS, "greedy_by_priority", "eligible = np.asarray(eligible, bool)", "",
               "callers pass boolean arrays"),
    Equivalent(CONFLICTS, "greedy_by_priority", "use = eligible[src] & eligible[dst]", "",
               "the loop's first `live` filter drops every edge touching a non-eligible item (state -1) anyway"),
    Equivalent(CONFLICTS, "greedy_by_priority", "state = np.where(eligible, 0, -1)", "",
               "only states 0 and 1 are read: any other mark for 'not taking part' does the same"),
    Equivalent(CONFLICTS, "greedy_by_priority", "state[victims] = 2", "state[victims] = 3",
               "only states 0 and 1 are read: any other mark for 'blocked' does the same"),
    Equivalent(CONFLICTS, "greedy_by_priority", "rank[dst] < rank[src]", "rank[dst] <= rank[src]",
               "ranks are distinct: callers pass a permutation as the order"),
    Equivalent(CONFLICTS, "greedy_by_priority", 'np.argsort(rank[src[hit]], kind="stable")', "",
               "ties are one winner's edges: reordering them reorders different victims, never a victim's blocker"),
    # conflicts.py: limit_per_group
    Equivalent(CONFLICTS, "limit_per_group", "group = np.asarray(group, np.int64)", "",
               "groups are integer arrays (int64 by default)"),
    Equivalent(CONFLICTS, "limit_per_group", "eligible = np.asarray(eligible, bool)", "",
               "callers pass boolean arrays"),
    Equivalent(CONFLICTS, "limit_per_group", "order = np.asarray(order, np.int64)", "",
               "the order is an integer array (int64 by default)"),
    Equivalent(CONFLICTS, "limit_per_group", "cap = np.asarray(capacity, np.int64)", "",
               "capacities are integer arrays (int64 by default)"),
    Equivalent(CONFLICTS, "limit_per_group", "first_in_group = np.full(n, -1, dtype=np.int64)", "np.full(n, -1, ",
               "a full of -1 is int64 by default"),
    Equivalent(CONFLICTS, "limit_per_group", 'np.argsort(g, kind="stable")', 'kind="STABLE"',
               "numpy reads the sort kind case-insensitively"),
    # checking.py
    Equivalent(CHECKING, "_area_limit", 'to_numpy(dtype=object)', "to_numpy(dtype=None)",
               "area names are text: pandas hands them back as objects either way"),
    Equivalent(CHECKING, "_area_limit", 'first_station.get(g, "?")', "",
               "unreachable default: an area refuses with no leader only when its stations fill it"),
    Equivalent(CHECKING, "_nearest", "ids = np.full(n, None, dtype=object)", "",
               "a full of None is an object array anyway"),
    Equivalent(CHECKING, "_nearest", "metres = np.full(n, np.nan)", "np.full(n, None)",
               "every reader converts the metres to float, None becoming NaN"),
    Equivalent(CHECKING, "_nearest", 'codes = sites["code"].to_numpy(dtype=object)', "",
               "codes are text: pandas hands them back as objects either way"),
    Equivalent(CHECKING, "_nearest", "found = index.query(lon, lat, k=1)", "",
               "k is 1 by default, and only the first column is read"),
    Equivalent(CHECKING, "_nearest", "second = index.query(lon[own], lat[own], k=2)", "k=3",
               "only the second column is read"),
    Equivalent(CHECKING, "check_applicants", 'profile: Profile, *, lang: str = "zh")', "",
               "check_file, its only caller, always passes the language"),
    Equivalent(CHECKING, "_area_limit", 'stations["code"].to_numpy(dtype=object), ids)', "to_numpy(dtype=None)",
               "codes are text: pandas hands them back as objects either way"),
    Equivalent(CHECKING, "_priority", 'else service, nan=-1.0)', "",
               "only rows without a position lack a population, and they never pass or rank"),
    Equivalent(CHECKING, "_resolve_conflicts", "keys = pair_i.astype(np.int64) * n + pair_j", "astype(None)",
               "pair positions are int64 already"),
    Equivalent(CHECKING, "_ranks", "ranks = np.full(verdict.size, np.nan)", "np.full(verdict.size, None)",
               "the ranks are written as whole numbers through a float array: None becomes NaN"),
    # rules/verdict.py
    Equivalent(VERDICT, "too_close", "if profile.min_outlet_distance_m > 0", ">= 0",
               "a minimum of 0 m: no compared metres fall below it"),
    Equivalent(VERDICT, "too_close", "if profile.min_station_distance_m > 0", ">= 0",
               "a minimum of 0 m: no compared metres fall below it"),
    Equivalent(VERDICT, "too_close", "if profile.min_outlet_distance_m > 0", "or True",
               "a minimum of 0 m: no compared metres fall below it"),
    Equivalent(VERDICT, "too_close", "if profile.min_station_distance_m > 0", "or True",
               "a minimum of 0 m: no compared metres fall below it"),
    Equivalent(VERDICT, "too_close", "outlet = np.asarray(outlet_m, dtype=float)", "",
               "below_minimum converts the metres to float itself (None becoming NaN)"),
    Equivalent(VERDICT, "too_close", "station = np.asarray(station_m, dtype=float)", "",
               "below_minimum converts the metres to float itself (None becoming NaN)"),
    Equivalent(VERDICT, "distance_rules", "reported = compared_metres(np.asarray(metres, dtype=float)[rows])", "",
               "compared_metres converts the metres to float itself"),
    Equivalent(CHECKING, "_priority", "second = np.nan_to_num(service, nan=-1.0)", "",
               "only rows without a position lack a service population, and they never pass or rank"),
    Equivalent(CHECKING, "check_applicants", "_resolve_conflicts(applicants.ids, pair_i, pair_j, pair_m, eligible",
               "profile, None, marg", "_resolve_conflicts does not read the service population"),
    Equivalent(AREAS, "containing_area", "out = np.full(lon.size, -1, dtype=np.int64)", "dtype=None",
               "a full of -1 is int64 by default"),
    Equivalent(AREAS, "containing_area", "out = np.full(lon.size, -1, dtype=np.int64)", "-1, )",
               "a full of -1 is int64 by default"),
    Equivalent(AREAS, "containing_area", "out = np.full(lon.size, -1, dtype=np.int64)", "-2, dtype",
               "callers only ask whether the area is < 0"),
    Equivalent(AREAS, "containing_area", "np.isfinite(lon) & np.isfinite(lat)", "np.isfinite(lon) | np.isfinite(lat)",
               "a point with one NaN coordinate is within no area either way"),
    Equivalent(AREAS, "containing_area", "if ok.size == 0 or len(polygons) == 0", "and len(polygons) == 0",
               "with no points or no areas the query finds nothing: -1 either way"),
    Equivalent(AREAS, "containing_area", "tree = shapely.STRtree(np.asarray(polygons, dtype=object))", "",
               "an array of shapely geometries is an object array whatever dtype is asked"),
    Equivalent(AREAS, "stations_per_area", "station_area = np.asarray(station_area, dtype=np.int64)", "",
               "area positions are integers already: bincount reads them alike"),
    Equivalent(AREAS, "stations_per_area", "minlength=areas).astype(np.int64)", "astype(None)",
               "bincount of integers gives int64 already"),
    # site_check.py
    Equivalent(SITE, "check_site", "require_straight_metric(profile, lang)", "require_straight_metric(profile, None)",
               "require_straight_metric does not read lang: its error carries both languages"),
    Equivalent(SITE, "check_site", "notes = RowNotes(1)", "RowNotes(",
               "RowNotes.of(0) does not read the row count: only row 0 is written and read"),
    Equivalent(SITE, "_fact_columns", "else facts[fact]], dtype=float)", "facts[fact]], dtype=None)",
               "facts are numbers or None (NaN): an integer array compares the same"),
    Equivalent(SITE, "_fact_columns", "else facts[fact]], dtype=float)", "facts[fact]], )",
               "facts are numbers or None (NaN): an integer array compares the same"),
    Equivalent(SITE, "_fact_columns", "np.array([facts.get(fact)], dtype=object)", "",
               "a flag is True, False or None: `is None` and `not` read a bool array alike"),
    Equivalent(SITE, "check_site", "if profile.max_stations_per_area > 0 and not notes.of(0)", "> 0 or not",
               "area_rule answers None for a profile without a per-area limit: the extra query changes no verdict"),
    Equivalent(SITE, "check_site", "if profile.max_stations_per_area > 0 and not notes.of(0)", ">= 0 and",
               "area_rule answers None for a profile without a per-area limit: the extra query changes no verdict"),
    Equivalent(SITE, "_column", "np.array([None if found is None else found[0]], dtype=object)", "",
               "a site code or None: the reason reads it back as the same text either way"),
    Equivalent(SITE, "_column", "np.array([np.nan if found is None else found[1]], dtype=float)", "",
               "metres are floats (or NaN) already"),
    # decisions.py
    Equivalent(DECISIONS, "relocate_station", "note = _note(note, required=False)", "required=None",
               "None is as false as False"),
    Equivalent(DECISIONS, "decide", 'check_site(conn, profile, row["lon"], row["lat"], code=code,', "",
               "an open application is never among the approved sites the check would leave out"),
    # coverage.py
    Equivalent(COVERAGE, "find_gaps", "structure=np.ones((3, 3), bool)", "np.ones((3, 3), None)",
               "ndimage.label reads a structure of float ones as the same 8-neighbourhood"),
    Equivalent(COVERAGE, "find_gaps", "structure=np.ones((3, 3), bool)", "np.ones((3, 3), )",
               "ndimage.label reads a structure of float ones as the same 8-neighbourhood"),
    Equivalent(COVERAGE, "served_cells", "lon = np.asarray(lon, float)", "",
               "only the size is read here; grid.project converts the values"),
    Equivalent(COVERAGE, "population_centres", 'np.errstate(invalid="ignore", divide="ignore")', "divide=None",
               "the sums are 0 where the weight is: 0 / 0 is an invalid value, never a division by zero"),
    Equivalent(COVERAGE, "population_centres", 'np.errstate(invalid="ignore", divide="ignore")', '"ignore", )',
               "the sums are 0 where the weight is: 0 / 0 is an invalid value, never a division by zero"),
    Equivalent(COVERAGE, "population_centres", "lon = np.where(weight > 0, lon, np.nan)", "weight >= 0",
               "0 / 0 is NaN already"),
    Equivalent(COVERAGE, "population_centres", "lat = np.where(weight > 0, lat, np.nan)", "weight >= 0",
               "0 / 0 is NaN already"),
    Equivalent(COVERAGE, "find_gaps", "span = np.int64(int(area_of_cell.max()) + 2)", "+ 3)",
               "any span above the largest area number + 1 keeps (region, area) keys apart"),
    Equivalent(COVERAGE, "find_gaps", "key = region[mask].astype(np.int64)", "astype(None)",
               "float keys below 2^53 group the same"),
    Equivalent(COVERAGE, "find_gaps", "pd.factorize(key, sort=False)", "sort=None",
               "pandas reads sort=None as False"),
    Equivalent(COVERAGE, "find_gaps", "pd.factorize(key, sort=False)", "pd.factorize(key, )",
               "False is factorize's default"),
    Equivalent(COVERAGE, "find_gaps", "minlength=count)", "",
               "the labels run 0 … count-1: bincount's length is count anyway"),
    Equivalent(COVERAGE, "find_gaps", 'ascending=False, kind="stable")', "",
               "pandas sorts by several columns with a stable lexsort whatever `kind` says"),
    Equivalent(COVERAGE, "find_gaps", "rank = np.zeros(count, np.int32)", "",
               "ranks are stored into the int32 labels: whole numbers either way"),
    Equivalent(COVERAGE, "find_gaps", "table = table.loc[order].reset_index(drop=True)", "",
               "the old index kept as a column is dropped by the final column selection"),
    Equivalent(COVERAGE, "find_gaps", 'table.insert(0, "gap"', 'table.insert(1, "gap"',
               "the final column selection puts gap first either way"),
    # grid.py
    Equivalent(GRID, "apply_raster", "scale = has_census & (raster_total > 0)", "(raster_total >= 0)",
               "an area with a census but no raster people gets 0 × inf there, overwritten by the even spread next"),
    # nearest.py
    Equivalent(NEAREST, "xǁSiteIndexǁ__init__", _KDTREE, "", "KD-tree build options: speed only"),
    Equivalent(NEAREST, "xǁSiteIndexǁ__init__", "compact_nodes=False\n)", "", "KD-tree build options: speed only"),
    Equivalent(NEAREST, "xǁSiteIndexǁquery", "index = np.full((n, k), -1, dtype=np.int64)", "",
               "a full of -1 is int64 by default"),
    Equivalent(NEAREST, "xǁSiteIndexǁquery", "dist[~valid] = np.nan", "dist[~valid] = None",
               "numpy stores None as NaN in a float array"),
    Equivalent(NEAREST, "xǁSiteIndexǁquery", "workers=workers)", "", "scipy's thread count only"),
    Equivalent(NEAREST, "xǁSiteIndexǁquery", ".reshape(-1, k)", ".reshape(-2, k)",
               "numpy takes any negative size as 'the rest'"),
    Equivalent(NEAREST, "xǁSiteIndexǁquery", "if k > 1:", "if k >= 1:", "sorting a single column changes nothing"),
    Equivalent(NEAREST, "xǁSiteIndexǁquery", 'order = np.argsort(metres, axis=1, kind="stable")', "",
               "only equal metres can swap (both orders right); axis 1 is the default last axis"),
    Equivalent(NEAREST, "xǁSiteIndexǁquery", "np.take_along_axis(", "order, )",
               "take_along_axis defaults to the last axis, axis 1 here"),
    Equivalent(NEAREST, "_lonlat_of", "if not frame.crs.is_geographic or frame.crs.to_epsg() != 4326",
               "if frame.crs.is_geographic or", "a projected CRS converts either way; EPSG:4326 'converts' to itself"),
    Equivalent(NEAREST, "_lonlat_of", "frame.crs.to_epsg() != 4326", "!= 4327",
               "an EPSG:4326 frame then goes through to_crs(4326), a no-op"),
    Equivalent(NEAREST, "_lonlat_of", "frame = frame.to_crs(4326)", "to_crs(4327)",
               "EPSG:4327 is WGS 84 in 3-D: the same longitude and latitude"),
    Equivalent(NEAREST, "nearest_sites", "np.where(pos >= 0, pos, 0)", "np.where(pos > 0, pos, 0)",
               "position 0 maps to 0 either way"),
    Equivalent(NEAREST, "nearest_sites", "np.where(pos >= 0, pos, 0)", "np.where(pos >= 1, pos, 0)",
               "position 0 maps to 0 either way"),
    Equivalent(NEAREST, "xǁSiteIndexǁquery_point", "abs(lon) <= 180.0 and abs(lat) <= 90.0", "abs(lon) < 180.0",
               "the bound itself then goes to check_lonlat, which accepts it"),
    Equivalent(NEAREST, "xǁSiteIndexǁquery_point", "abs(lon) <= 180.0 and abs(lat) <= 90.0", "abs(lat) < 90.0",
               "the bound itself then goes to check_lonlat, which accepts it"),
    Equivalent(NEAREST, "nearest_other_point", "index.query_point(lon, lat, k=2)", "k=3",
               "a third neighbour is never read: at most one of the first two is the site itself"),
    Equivalent(NEAREST, "nearest_other", "k = min(2, len(index))", "min(3, len(index))",
               "only the first two neighbours are read"),
]
