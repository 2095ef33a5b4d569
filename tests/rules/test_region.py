"""The region rule on its own: which country rule a registry follows, and what each refuses.

No database: Regions are made by hand, or from a district of arrays (what `planner.sites.postal.Network`
gives the rule).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
import shapely

from planner.errors import UsageError
from planner.rules.reasons import reason
from planner.rules.region import (
    Region,
    area_reach,
    region_of,
    region_refusals,
    registry_in_china,
    require_in_region,
)
from planner.spatial.grid import PopulationGrid, build_population_grid
from planner.spatial.nearest import SiteIndex

HELSINKI, ESPOO, BEIJING, PARIS = (24.94, 60.17), (24.65, 60.21), (116.4, 39.9), (2.35, 48.85)
ABROAD = Region(in_china=False)  # a registry outside China with no sites yet: no district to leave


@dataclass
class _District:
    """Sites and areas as arrays, as a Network gives them."""

    sites: list
    areas: list  # polygons

    @property
    def grid(self) -> PopulationGrid | None:
        if not self.areas:
            return None
        return build_population_grid(self.areas, np.full(len(self.areas), 100.0), margin_m=2_000.0)

    def site_positions(self):
        return np.array([p[0] for p in self.sites], float), np.array([p[1] for p in self.sites], float)

    def area_positions(self):
        points = shapely.point_on_surface(np.array(self.areas, dtype=object))
        return shapely.get_x(points), shapely.get_y(points)


@pytest.mark.parametrize(("points", "china"), [
    ([], True),  # an empty registry counts as in China
    ([HELSINKI], False), ([BEIJING], True),
    ([HELSINKI, BEIJING], True),  # half is enough
    ([HELSINKI, ESPOO, BEIJING], False),
])
def test_a_registry_is_in_china_when_at_least_half_of_it_is(points, china):
    lon, lat = (np.array([p[i] for p in points], float) for i in (0, 1))
    assert registry_in_china(lon, lat) is china


def test_a_registry_abroad_refuses_only_offset_systems_outside_china():
    lon, lat = [HELSINKI[0], HELSINKI[0], HELSINKI[0], BEIJING[0], 80.0], [HELSINKI[1]] * 3 + [BEIJING[1], 40.0]
    systems = ["wgs84", "EPSG:3067", "gcj02", "bd09", "gcj02"]
    refused = region_refusals(ABROAD, lon, lat, systems)
    assert refused == {2: ("offset_outside_china", {"lon": HELSINKI[0], "lat": HELSINKI[1], "crs": "GCJ-02"})}
    assert region_refusals(ABROAD, lon, lat) == {}  # all WGS84
    assert region_refusals(ABROAD, [40.0], [80.0], ["bd09"]) == {0: ("swapped", {"lon": 40.0, "lat": 80.0})}


def test_a_registry_in_china_refuses_every_system_outside_china():
    refused = region_refusals(Region(), [HELSINKI[0], BEIJING[0], 40.0, np.nan], [HELSINKI[1], BEIJING[1], 80.0, 1.0],
                              ["wgs84", "wgs84", "gcj02", "wgs84"])
    assert refused == {0: ("outside_china", {"lon": HELSINKI[0], "lat": HELSINKI[1]}),
                       2: ("swapped", {"lon": 40.0, "lat": 80.0})}  # NaN is the position rules' to refuse


def test_the_district_applies_everywhere_after_the_country_rule():
    helsinki = region_of(_District([HELSINKI], [shapely.box(24.90, 60.15, 24.99, 60.19)]))
    assert not helsinki.in_china and helsinki.reach is not None
    refused = region_refusals(helsinki, [HELSINKI[0], ESPOO[0], BEIJING[0], BEIJING[0]],
                              [HELSINKI[1], ESPOO[1], BEIJING[1], BEIJING[1]], ["wgs84", "wgs84", "wgs84", "gcj02"])
    assert refused == dict.fromkeys((1, 2, 3), ("outside_region", {"km": 1.0}))
    sites_only = region_of(_District([HELSINKI, ESPOO], []))
    assert sites_only.reach is None and len(sites_only.sites) == 2
    assert region_refusals(sites_only, [PARIS[0], 25.0], [PARIS[1], 60.3]) == {
        0: ("far_from_network", {"km": 50.0})}


def test_require_in_region_says_what_the_batch_check_says():
    with pytest.raises(UsageError) as caught:
        require_in_region(Region(), *HELSINKI)
    assert caught.value.message("en") == reason("outside_china", "en", lon=HELSINKI[0], lat=HELSINKI[1])
    assert caught.value.message("zh") == reason("outside_china", "zh", lon=HELSINKI[0], lat=HELSINKI[1])
    require_in_region(ABROAD, *HELSINKI)  # no district, not China's rule: nothing to refuse
    with pytest.raises(UsageError, match="more than 50 km"):
        require_in_region(Region(False, sites=SiteIndex([ESPOO[0]], [ESPOO[1]])), *PARIS)


def test_the_reach_is_a_block_of_about_the_tolerance_widened_by_one():
    grid = build_population_grid([shapely.box(24.90, 60.15, 24.99, 60.19)], [100.0], margin_m=2_000.0)
    reach = area_reach(grid, 1_000.0)
    assert reach.block_m == 1_000.0 and reach.blocks.shape == (-(-grid.shape[0] // 10), -(-grid.shape[1] // 10))
    # 500 m outside the area's edge is near; 3.5 km is not (whatever the blocks' alignment).
    lon_500, lon_3500 = 24.99 + 500 / 55_600, 24.99 + 3_500 / 55_600
    assert reach.contains([24.94, lon_500, lon_3500, np.nan], [60.17, 60.17, 60.17, 60.17]).tolist() == [
        True, True, False, False]
