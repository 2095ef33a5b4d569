"""What each map's legend shows (layout/_legend.html's items): (kind, colour, label), with the colours the map's
layers are drawn in (planner.maps.render), so the legend cannot drift from the map."""

from __future__ import annotations

from flask import Flask

from planner.maps.overview import VERDICT_FILL
from planner.maps.render import (
    CLOSING_COLOUR,
    GAP_COLOUR,
    LAYER_STYLES,
    LOST_COLOUR,
    RANK_COLOUR,
    SHARE_COLOURS,
    STATUS_FILL,
)
from planner.maps.site_map import NEIGHBOUR_COLOUR, ORIGIN_COLOUR

__all__ = ["coverage_legend", "exit_legend", "init_app", "overview_legend", "ranking_legend", "site_legend"]

PICKED_COLOUR = "#2563eb"  # the marker site_map.js places where a relocation is picked (kept in step there)


def site_legend(view, t: dict, *, picking: bool = False) -> list[tuple[str, str, str]]:
    """A candidate or station page: the place, its nearest outlet and station, the rule rings, the walks,
    neighbours, where a moving station stands now, and the marker a relocation is picked with."""
    items = [("dot", LAYER_STYLES["candidates"]["fill"], t["site_new_place"] if view.origin else t["site_here"])]
    if view.origin is not None:
        items.append(("dot", ORIGIN_COLOUR[1], t["site_current_place"]))
    if view.outlet is not None:
        items.append(("dot", LAYER_STYLES["outlets"]["fill"], t["nearest_outlet"]))
    if view.station is not None:
        items.append(("dot", LAYER_STYLES["stations"]["fill"], t["nearest_station"]))
    thresholds = view.verdict.thresholds
    for key, layer, label in (("min_outlet_distance_m", "outlets", "rule_outlet_ring"),
                              ("min_station_distance_m", "stations", "rule_station_ring")):
        if thresholds.get(key):
            items.append(("dashed", LAYER_STYLES[layer]["color"], t[label].format(m=thresholds[key])))
    if view.routes:
        items.append(("line", LAYER_STYLES["outlets"]["color"], t["walking_route"]))
    if len(view.neighbours):
        items.append(("dot", NEIGHBOUR_COLOUR, t["nearby_applicants"]))
    if picking:
        items.append(("ring", PICKED_COLOUR, t["picked_marker"]))
    return items


def overview_legend(t: dict) -> list[tuple[str, str, str]]:
    """The overview's layers as overview.js colours them (cfg.styles: the same dictionaries)."""
    return [
        ("swatch", LAYER_STYLES["areas"]["fill"], t["areas"]),
        ("dot", LAYER_STYLES["outlets"]["fill"], t["outlets"]),
        ("dot", STATUS_FILL["agency"], t["kind_agency"]),
        ("dot", LAYER_STYLES["stations"]["fill"], t["stations"]),
        ("dot", STATUS_FILL["listed_for_exit"], t["status_listed_for_exit"]),
        ("dot", VERDICT_FILL["pass"], f"{t['candidates']} · {t['pass']}"),
        ("dot", VERDICT_FILL["fail"], f"{t['candidates']} · {t['fail']}"),
        ("dot", STATUS_FILL["approved"], f"{t['candidates']} · {t['status_approved']}"),
        ("dot", STATUS_FILL["rejected"], f"{t['candidates']} · {t['status_rejected']}"),
    ]


def exit_legend(t: dict) -> list[tuple[str, str, str]]:
    return [("line", LAYER_STYLES["areas"]["color"], t["areas"]), ("swatch", LOST_COLOUR, t["lost_cells"]),
            ("dot", CLOSING_COLOUR, t["closing_stations"])]


def coverage_legend(t: dict) -> list[tuple[str, str, str]]:
    """Areas by covered share (the choropleth's steps), the service rings of outlets and stations, the gaps."""
    shares = [("swatch", colour, f"{t['covered_share']} ≥ {share:.0%}") for share, colour in SHARE_COLOURS]
    return shares + [("ring", LAYER_STYLES["outlets"]["fill"], t["outlets"]),
                     ("ring", LAYER_STYLES["stations"]["fill"], t["stations"]),
                     ("dot", GAP_COLOUR[1], t["gaps"])]


def ranking_legend(t: dict, radius_m: float, walking: bool) -> list[tuple[str, str, str]]:
    area = t["service_area_on_foot" if walking else "service_area"].format(m=radius_m)
    return [("dot", RANK_COLOUR[0], t["ranked_picks"]), ("swatch", RANK_COLOUR[1], area),
            ("dot", LAYER_STYLES["outlets"]["fill"], t["outlets"]),
            ("dot", LAYER_STYLES["stations"]["fill"], t["stations"])]


def init_app(app: Flask) -> None:
    """`overview_legend(t)`, `exit_legend(t)` and `coverage_legend(t)` for the templates of pages whose views pass
    no legend."""
    app.jinja_env.globals.update(overview_legend=overview_legend, exit_legend=exit_legend,
                                 coverage_legend=coverage_legend)
