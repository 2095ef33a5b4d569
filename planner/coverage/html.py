"""A self-contained HTML coverage report: map, charts and tables in one file, no network needed to open it.

Rendered by Jinja (autoescaped) from templates/coverage/report_file.html with the same chart macros as the
coverage page; the map's tooltips are escaped by planner.maps.render. The file carries its own
Content-Security-Policy: only the inline scripts written here run (Leaflet and the map), by hash. Tables
scroll sideways on a phone, so the page fits a 390 px window; positions keep six decimals.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import geopandas as gpd
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from planner.coverage.compute import CoverageReport
from planner.coverage.tables import (
    label,
    parent_shares,
    readable,
    scope_note,
    share_histogram,
    summary_items,
    summary_text,
    with_parent_names,
)
from planner.maps.csp import checked_script, policy, script_hash, tile_hosts
from planner.maps.render import BASEMAPS, SHARE_COLOURS, coverage_map
from planner.texts.formatting import format_coordinate, format_number, format_percent
from planner.texts.interface import texts

__all__ = ["chart_data", "coverage_page"]

_PLANNER = Path(__file__).resolve().parents[1]
_LEAFLET = _PLANNER / "static" / "vendor" / "leaflet"
_PLACEHOLDER = "planner-inline-leaflet"
_COORDINATES = ("lon", "lat", "centre_lon", "centre_lat")
_SHARES = ("covered_share", "covered_share_straight")


def _inline_leaflet(header: str) -> tuple[str, str]:
    """Swap the links to the app's Leaflet files for their content; also the CSP hash of Leaflet's script."""
    script = checked_script((_LEAFLET / "leaflet.js").read_text(encoding="utf-8"))
    style = (_LEAFLET / "leaflet.css").read_text(encoding="utf-8")
    header = header.replace(f'<script src="{_PLACEHOLDER}/leaflet.js"></script>', f"<script>{script}</script>")
    return (header.replace(f'<link rel="stylesheet" href="{_PLACEHOLDER}/leaflet.css"/>', f"<style>{style}</style>"),
            script_hash(script))


def cell_text(column: str, value) -> tuple[str, bool]:
    """A table cell as people read it, and whether it is a number (aligned right)."""
    if value is None or (isinstance(value, float) and value != value):
        return "", False
    if column in _COORDINATES:
        return format_coordinate(value), True
    if column in _SHARES:
        return format_percent(value), True
    if isinstance(value, bool):
        return str(value), False
    if isinstance(value, (int, float)) or hasattr(value, "dtype"):
        number = float(value)
        return format_number(number, 0 if number.is_integer() or abs(number) >= 100 else 1), True
    return str(value), False


def _rows(frame, lang: str) -> dict:
    columns = [str(c) for c in frame.columns]
    return {"headers": [label(c, lang) for c in columns],
            "rows": [[cell_text(c, v) for c, v in zip(columns, row)]
                     for row in frame.itertuples(index=False, name=None)]}


def chart_data(report: CoverageReport, lang: str) -> dict:
    """What the coverage charts draw: each parent area's covered share, and the spread of area shares."""
    names, shares = parent_shares(report)
    bins, counts = share_histogram(report, lang)
    return {"parent_names": names, "parent_shares": shares, "bins": bins, "counts": counts}


@cache
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(_PLANNER / "templates"), autoescape=select_autoescape(["html"]))


def coverage_page(report: CoverageReport, *, lang: str = "zh") -> str:
    t = texts(lang)
    areas = gpd.GeoDataFrame(report.areas, geometry=report.area_geometry.values, crs=4326)
    parts = coverage_map(areas, report.gaps, report.sites, report.options.profile.service_distance_m, t,
                         assets_url=_PLACEHOLDER, basemap="osm")
    header, leaflet_hash = _inline_leaflet(parts.header)
    csp = policy((leaflet_hash, *parts.script_hashes), img_hosts=tile_hosts({"osm": BASEMAPS["osm"]}), standalone=True)
    summary = [(name, summary_text(key, value, lang)) for key, name, value in summary_items(report, lang)]
    # Our own map markup and scripts (their data escaped by planner.maps.render; scripts allowed by hash).
    return _environment().get_template("coverage/report_file.html").render(
        t=t, lang=lang, csp=csp, summary=summary, scope=scope_note(report, lang), colours=SHARE_COLOURS,
        map_header=Markup(header), map_html=Markup(parts.html), map_script=Markup(parts.script),  # noqa: S704
        charts=chart_data(report, lang), gaps=_rows(report.gaps.head(50), lang),
        areas=_rows(readable(with_parent_names(report), lang), lang))
