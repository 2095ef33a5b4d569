"""A self-contained HTML coverage report: map and tables in one file, no network needed to open it.

Every value is escaped (tables with html.escape, map tooltips by planner.maps.render), and the file carries its
own Content-Security-Policy: only the inline scripts written here run (Leaflet and the map), by hash.
"""

from __future__ import annotations

import html
from pathlib import Path

import geopandas as gpd

from planner.coverage.compute import CoverageReport
from planner.coverage.tables import label, readable, summary_rows, with_parent_names
from planner.maps.csp import checked_script, policy, script_hash, tile_hosts
from planner.maps.render import BASEMAPS, SHARE_COLOURS, coverage_map
from planner.texts.interface import texts

__all__ = ["coverage_page"]

_LEAFLET = Path(__file__).resolve().parents[1] / "static" / "vendor" / "leaflet"
_PLACEHOLDER = "planner-inline-leaflet"


def _inline_leaflet(header: str) -> tuple[str, str]:
    """Swap the links to the app's Leaflet files for their content; also the CSP hash of Leaflet's script."""
    script = checked_script((_LEAFLET / "leaflet.js").read_text(encoding="utf-8"))
    style = (_LEAFLET / "leaflet.css").read_text(encoding="utf-8")
    header = header.replace(f'<script src="{_PLACEHOLDER}/leaflet.js"></script>', f"<script>{script}</script>")
    return (header.replace(f'<link rel="stylesheet" href="{_PLACEHOLDER}/leaflet.css"/>', f"<style>{style}</style>"),
            script_hash(script))


def _table(frame, lang, labels) -> str:
    head = "".join(f"<th>{html.escape(label(c, lang))}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row) + "</tr>"
                   for row in frame.itertuples(index=False, name=None))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float):
        return f"{value:,.4f}".rstrip("0").rstrip(".") if abs(value) < 1 else f"{value:,.0f}"
    return str(value)


def coverage_page(report: CoverageReport, *, lang: str = "zh") -> str:
    t = texts(lang)
    areas = gpd.GeoDataFrame(report.areas, geometry=report.area_geometry.values, crs=4326)
    parts = coverage_map(areas, report.gaps, report.sites, report.options.profile.service_distance_m, t,
                         assets_url=_PLACEHOLDER, basemap="osm")
    legend = "".join(f'<span class="swatch" style="background:{c}"></span>≥{s:.0%} ' for s, c in SHARE_COLOURS)
    summary = "".join(f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(_cell(v))}</td></tr>"
                      for k, v in summary_rows(report, lang))
    header, leaflet_hash = _inline_leaflet(parts.header)
    csp = policy((leaflet_hash, *parts.script_hashes), img_hosts=tile_hosts({"osm": BASEMAPS["osm"]}), standalone=True)
    return f"""<!doctype html>
<html lang="{'zh-CN' if lang == 'zh' else 'en'}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{html.escape(csp)}">
<title>{html.escape(t['report'])}</title>
{header}
<style>
body {{ font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 1rem 2rem; color: #111827; }}
.map {{ position: relative; height: 560px; border: 1px solid #d1d5db; }}
table {{ border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }}
th, td {{ border: 1px solid #e5e7eb; padding: 0.2rem 0.5rem; text-align: left; }}
td {{ font-variant-numeric: tabular-nums; }}
.swatch {{ display: inline-block; width: 14px; height: 10px; margin: 0 0.2rem 0 0.8rem; }}
</style></head><body>
<h1>{html.escape(t['report'])}</h1>
<table>{summary}</table>
<p>{html.escape(t['legend_share'])}: {legend}</p>
<div class="map">{parts.html}</div>
<h2>{html.escape(t['gaps'])}</h2>
{_table(report.gaps.head(50), lang, t)}
<h2>{html.escape(t['area_table'])}</h2>
{_table(readable(with_parent_names(report), lang), lang, t)}
<script>{parts.script}</script>
</body></html>"""
