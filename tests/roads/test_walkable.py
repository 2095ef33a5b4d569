"""The tag rule: which OpenStreetMap ways a pedestrian may use."""

from __future__ import annotations

import pytest

from planner.roads.walkable import NEVER_WALKABLE, WALKABLE_HIGHWAYS, is_walkable

CASES = [
    # (tags, walkable, why)
    ({"highway": "footway"}, True, "a footway"),
    ({"highway": "path"}, True, "a path"),
    ({"highway": "steps"}, True, "steps"),
    ({"highway": "pedestrian"}, True, "a pedestrian street"),
    ({"highway": "pedestrian", "area": "yes"}, True, "a pedestrian area (its outline is walked)"),
    ({"highway": "living_street"}, True, "a living street"),
    ({"highway": "residential"}, True, "a residential road"),
    ({"highway": "service"}, True, "a service road"),
    ({"highway": "track"}, True, "a track"),
    ({"highway": "unclassified"}, True, "an unclassified road"),
    ({"highway": "road"}, True, "a road of unknown class"),
    ({"highway": "tertiary_link"}, True, "a tertiary link"),
    ({"highway": "secondary"}, True, "a secondary road"),
    ({"highway": "primary_link"}, True, "a primary link"),
    ({"highway": "trunk"}, True, "a trunk road (verges, footways alongside)"),
    ({"highway": "crossing"}, True, "a crossing"),
    ({"highway": "bridleway"}, True, "a bridleway"),
    ({"highway": "cycleway"}, False, "a cycleway without foot access"),
    ({"highway": "cycleway", "foot": "yes"}, True, "a cycleway with foot=yes"),
    ({"highway": "cycleway", "foot": "designated"}, True, "a shared cycle and foot way"),
    ({"highway": "cycleway", "foot": "permissive"}, True, "a cycleway where walking is tolerated"),
    ({"highway": "cycleway", "foot": "no"}, False, "a cycleway with foot=no"),
    ({"highway": "motorway"}, False, "a motorway"),
    ({"highway": "motorway_link"}, False, "a motorway link"),
    ({"highway": "motorway", "foot": "yes"}, False, "a motorway whatever foot says"),
    ({"highway": "construction"}, False, "a road under construction"),
    ({"highway": "proposed"}, False, "a proposed road"),
    ({"highway": "abandoned"}, False, "an abandoned road"),
    ({"highway": "platform"}, False, "a platform"),
    ({"highway": "raceway"}, False, "a raceway"),
    ({"highway": "bus_guideway"}, False, "a bus guideway"),
    ({"highway": "corridor"}, False, "an indoor corridor"),
    ({"highway": "residential", "foot": "no"}, False, "foot=no"),
    ({"highway": "secondary", "foot": "use_sidepath"}, False, "foot=use_sidepath"),
    ({"highway": "footway", "foot": "private"}, False, "foot=private"),
    ({"highway": "service", "access": "private"}, False, "access=private"),
    ({"highway": "track", "access": "no"}, False, "access=no"),
    ({"highway": "service", "access": "private", "foot": "yes"}, True, "access=private reopened by foot=yes"),
    ({"highway": "track", "access": "no", "foot": "designated"}, True, "access=no reopened by foot=designated"),
    ({"highway": "service", "access": "no", "foot": "permissive"}, True, "access=no reopened by foot=permissive"),
    ({"highway": "service", "access": "destination"}, True, "access=destination lets pedestrians through"),
    ({"highway": "residential", "foot": "discouraged"}, True, "discouraged is not forbidden"),
    ({"highway": " Residential "}, True, "values read without case or spaces"),
    ({"building": "yes"}, False, "not a highway"),
    ({}, False, "no tags"),
    ({"highway": "bus_stop"}, False, "a highway value that is not a way to walk"),
]


@pytest.mark.parametrize(("tags", "walkable", "why"), CASES, ids=[case[2] for case in CASES])
def test_the_tag_rule(tags, walkable, why):
    assert is_walkable(tags) is walkable, why


def test_the_rule_sets_are_apart_and_named_in_full():
    assert not WALKABLE_HIGHWAYS & NEVER_WALKABLE
    assert {"footway", "path", "steps", "residential", "service", "track", "pedestrian"} <= WALKABLE_HIGHWAYS
    assert {"motorway", "motorway_link", "construction", "platform", "corridor"} <= NEVER_WALKABLE
