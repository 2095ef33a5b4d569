"""Which OpenStreetMap ways a pedestrian may use: the tag rule, as data.

A way is walkable when its `highway` value is one a person on foot may walk
(footways, paths, steps, pedestrian streets and areas, residential and service
roads, tracks, and ordinary roads up to trunk, which in China and most of
Europe carry a footway or verge), unless a `foot` tag forbids it or an
`access` tag closes it and no `foot` tag opens it again. Cycleways count only
where `foot` says walking is allowed. Motorways, ways under construction or
only proposed, platforms and indoor corridors never count (corridors are
indoor routes, not streets; a platform is part of a station).

A pedestrian area (`highway=pedestrian` with `area=yes`) is a closed way; the
reader walks its outline like any other way.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "ACCESS_CLOSES",
    "FOOT_ALLOWS",
    "FOOT_FORBIDS",
    "NEVER_WALKABLE",
    "RULE_KEYS",
    "WALKABLE_HIGHWAYS",
    "WALKABLE_WITH_FOOT",
    "is_walkable",
]

# highway values a pedestrian may walk unless other tags say otherwise
WALKABLE_HIGHWAYS = frozenset({
    "footway", "path", "steps", "pedestrian", "living_street", "residential", "service", "track",
    "unclassified", "road", "tertiary", "tertiary_link", "secondary", "secondary_link",
    "primary", "primary_link", "trunk", "trunk_link", "crossing", "bridleway",
})
# highway values walkable only where a foot tag allows it (FOOT_ALLOWS)
WALKABLE_WITH_FOOT = frozenset({"cycleway"})
# highway values never walkable, whatever else is tagged; any value in neither set above is left out
# too, this set names the ones a reader might expect to count
NEVER_WALKABLE = frozenset({
    "motorway", "motorway_link", "construction", "proposed", "abandoned", "platform", "raceway",
    "bus_guideway", "corridor",
})
# foot values that allow walking (and reopen a way closed by access)
FOOT_ALLOWS = frozenset({"yes", "designated", "permissive"})
# foot values that forbid walking
FOOT_FORBIDS = frozenset({"no", "use_sidepath", "private"})
# access values that close a way to pedestrians unless foot allows it
ACCESS_CLOSES = frozenset({"private", "no"})
# the only tags the rule reads (a reader may fetch just these)
RULE_KEYS = ("highway", "foot", "access")


def _value(tags: Mapping[str, str], key: str) -> str:
    return str(tags.get(key) or "").strip().lower()


def is_walkable(tags: Mapping[str, str]) -> bool:
    """Whether a way with these OSM tags is one a pedestrian may use (see the module's rule)."""
    highway = _value(tags, "highway")
    foot = _value(tags, "foot")
    if highway in NEVER_WALKABLE or foot in FOOT_FORBIDS:
        return False
    if highway in WALKABLE_WITH_FOOT:
        return foot in FOOT_ALLOWS
    if highway not in WALKABLE_HIGHWAYS:
        return False
    return _value(tags, "access") not in ACCESS_CLOSES or foot in FOOT_ALLOWS
