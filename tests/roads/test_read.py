"""The one door for road files: told apart by name, refused when unusable or when nothing in them is walkable."""

from __future__ import annotations

import pytest

from planner.errors import UsageError
from planner.roads.read import read_road_file
from tests.roads.osm_support import write_osm

NODES = {1: (126.630, 45.750), 2: (126.631, 45.750), 3: (126.632, 45.751)}


@pytest.mark.parametrize("name", ["city.osm.pbf", "city.pbf", "city.osm", "city.osm.xml"])
def test_openstreetmap_files_go_to_the_osm_reader(tmp_path, name):
    path = write_osm(tmp_path / name, NODES, {1: ([1, 2, 3], {"highway": "footway"})})
    seen = []
    segments = read_road_file(path, progress=lambda *stage: seen.append(stage))
    assert (segments.nodes, segments.edges) == (3, 2)
    assert seen[0] == ("reading ways", 0, 2)


def test_an_extract_with_only_a_motorway_has_no_walkable_lines(tmp_path):
    path = write_osm(tmp_path / "ring.osm.pbf", NODES, {1: ([1, 2, 3], {"highway": "motorway"})})
    with pytest.raises(UsageError) as caught:
        read_road_file(path)
    assert caught.value.en == "ring.osm.pbf has no walkable lines"
    assert caught.value.zh == "ring.osm.pbf 中没有可步行的道路"


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(UsageError) as caught:
        read_road_file(tmp_path / "nowhere.pbf")
    assert caught.value.en == "nowhere.pbf: file not found"
    assert caught.value.zh == "nowhere.pbf：文件不存在"


@pytest.mark.parametrize("name", ["roads.csv", "roads.xlsx", "roads.dxf", "roads"])
def test_another_kind_of_file_is_refused(tmp_path, name):
    path = tmp_path / name
    path.write_text("lon,lat\n126.63,45.75\n", encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        read_road_file(path)
    assert caught.value.en.startswith(f"{name}: not a road network file")
    assert ".pbf" in caught.value.en and ".gpkg" in caught.value.zh
