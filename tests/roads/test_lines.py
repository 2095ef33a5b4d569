"""Reading line layers as road segments: projected files, the walkable columns, shared vertices, refusals."""

from __future__ import annotations

import zipfile

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString, MultiLineString, Point

from planner.errors import UsageError
from planner.roads.lines import read_line_layer
from planner.roads.read import read_road_file

# named positions in Wuhan, inside the CGCS2000 Gauss-Krüger zone of EPSG:4547 (central meridian 114°E)
P = {
    "a": (114.3000000, 30.6000000), "b": (114.3010000, 30.6000000), "c": (114.3020000, 30.6010000),
    "d": (114.3020000, 30.6020000), "e": (114.3005000, 30.5990000), "f": (114.3005000, 30.6010000),
    "g": (114.3100000, 30.6100000), "h": (114.3110000, 30.6100000), "i": (114.3030000, 30.6025000),
    "j": (114.3040000, 30.6030000), "k": (114.3050000, 30.6031234),
}


def _line(*names: str) -> LineString:
    return LineString([P[n] for n in names])


def _write(path, rows: list[dict], crs: str | None) -> None:
    """Write rows ({'geometry': … in WGS84, columns…}) to `path`, converted to `crs` (None: no CRS at all)."""
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    if crs is None:
        frame = frame.set_crs(None, allow_override=True)
    elif crs != "EPSG:4326":
        frame = frame.to_crs(crs)
    frame.to_file(path)


def _named_pairs(segments) -> list[tuple[str, str]]:
    """Each segment as the names of its ends; every node must be within 1e-7 degree of a named position."""
    names = []
    for lon, lat in zip(segments.node_lon, segments.node_lat):
        near = [n for n, (x, y) in P.items() if abs(x - lon) <= 1e-7 and abs(y - lat) <= 1e-7]
        assert len(near) == 1, (lon, lat)
        names.append(near[0])
    assert len(set(names)) == len(names)  # one node per position
    return sorted(tuple(sorted((names[u], names[v]))) for u, v in zip(segments.u, segments.v))


def test_a_geopackage_in_web_mercator_comes_back_to_the_positions_joined_at_shared_vertices(tmp_path):
    path = tmp_path / "roads.gpkg"
    _write(path, [
        {"geometry": _line("a", "b", "c"), "walkable": "是"},
        {"geometry": _line("c", "d"), "walkable": None},  # blank: walkable; meets the first line at c
        {"geometry": _line("e", "f"), "walkable": "yes"},  # crosses a–b without a vertex there: not joined
        {"geometry": _line("g", "h"), "walkable": "否"},  # marked not walkable: left out
        {"geometry": MultiLineString([[P["d"], P["i"]], [P["j"], P["k"]]]), "walkable": "1"},
    ], "EPSG:3857")
    segments = read_line_layer(path)
    assert _named_pairs(segments) == [("a", "b"), ("b", "c"), ("c", "d"), ("d", "i"), ("e", "f"), ("j", "k")]
    assert segments.nodes == 9  # g and h are not nodes
    assert segments.source == "roads.gpkg"
    assert "lines marked not walkable, left out: 1" in segments.notes


def test_a_shapefile_in_gauss_krueger_with_a_foot_column(tmp_path):
    path = tmp_path / "道路.shp"
    _write(path, [
        {"geometry": MultiLineString([[P["a"], P["b"], P["c"]], [P["c"], P["d"]]]), "foot": "yes"},
        {"geometry": _line("b", "e"), "foot": "no"},
        {"geometry": _line("d", "f"), "foot": None},
    ], "EPSG:4547")
    segments = read_line_layer(path)
    assert _named_pairs(segments) == [("a", "b"), ("b", "c"), ("c", "d"), ("d", "f")]
    assert segments.nodes == 5
    for lon, lat in zip(segments.node_lon, segments.node_lat):  # round trip through metres, to 1e-7 degree
        assert min(abs(x - lon) + abs(y - lat) for x, y in P.values()) < 1e-7


def test_vertices_join_within_a_tenth_of_a_microdegree_and_no_further(tmp_path):
    path = tmp_path / "near.gpkg"
    x, y = P["b"]
    _write(path, [
        {"geometry": _line("a", "b")},
        {"geometry": LineString([(x + 3e-8, y - 3e-8), P["c"]])},  # within b's 1e-7 degree cell: joined at b
        {"geometry": LineString([(x + 3e-7, y), P["d"]])},  # 3e-7 degree (3 cm) east of b: a node of its own
    ], "EPSG:4326")
    segments = read_line_layer(path)
    assert (segments.nodes, segments.edges) == (5, 3)
    b = int(np.argmin(np.abs(segments.node_lon - x) + np.abs(segments.node_lat - y)))
    assert sorted(np.r_[segments.u, segments.v].tolist()).count(b) == 2


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_a_file_without_a_coordinate_system(tmp_path):
    projected = tmp_path / "metres.shp"  # Gauss-Krüger coordinates without their .prj
    gpd.GeoSeries([_line("a", "b")], crs="EPSG:4326").to_crs("EPSG:4547").set_crs(None, allow_override=True) \
        .to_frame("geometry").to_file(projected)
    assert not projected.with_suffix(".prj").exists()
    with pytest.raises(UsageError) as caught:
        read_line_layer(projected)
    assert caught.value.en.startswith("metres.shp: the file names no coordinate system")
    assert "--crs" in caught.value.en and "--crs" in caught.value.zh
    assert _named_pairs(read_line_layer(projected, crs="EPSG:4547")) == [("a", "b")]
    degrees = tmp_path / "degrees.shp"
    _write(degrees, [{"geometry": _line("a", "b")}], None)
    assert _named_pairs(read_line_layer(degrees)) == [("a", "b")]  # longitude/latitude: read as WGS84


def test_the_crs_option_converts_a_file_labelled_wgs84(tmp_path):
    from planner.spatial.crs import parse_crs, points_to_wgs84

    path = tmp_path / "amap.geojson"
    _write(path, [{"geometry": _line("a", "b")}], "EPSG:4326")
    segments = read_line_layer(path, crs="gcj02")
    lon, lat = points_to_wgs84([P["a"][0], P["b"][0]], [P["a"][1], P["b"][1]], parse_crs("gcj02"))
    assert np.allclose(np.sort(segments.node_lon), np.sort(lon), atol=1e-9)
    assert np.allclose(np.sort(segments.node_lat), np.sort(lat), atol=1e-9)


def test_a_point_row_is_refused_by_its_number(tmp_path):
    path = tmp_path / "mixed.gpkg"
    _write(path, [{"geometry": _line("a", "b")}, {"geometry": Point(P["c"])}, {"geometry": Point(P["d"])}],
           "EPSG:4326")
    with pytest.raises(UsageError) as caught:
        read_line_layer(path)
    assert caught.value.en.startswith("mixed.gpkg, row 2: Point where a LineString or MultiLineString")
    assert "1 more rows" in caught.value.en
    assert caught.value.zh.startswith("mixed.gpkg，第 2 行")


def test_an_unreadable_walkable_value_names_file_row_and_column(tmp_path):
    path = tmp_path / "flags.geojson"
    _write(path, [{"geometry": _line("a", "b"), "Walkable": "no"}, {"geometry": _line("b", "c"), "Walkable": "maybe"}],
           "EPSG:4326")
    with pytest.raises(UsageError) as caught:
        read_line_layer(path)
    assert caught.value.en.startswith("flags.geojson, row 2, column 'Walkable': 'maybe' is not yes/no")
    assert "列“Walkable”" in caught.value.zh


def test_empty_geometries_are_left_out_and_said(tmp_path):
    path = tmp_path / "gaps.gpkg"
    _write(path, [{"geometry": None, "name": "x"}, {"geometry": _line("a", "b"), "name": "y"}], "EPSG:4326")
    segments = read_line_layer(path)
    assert _named_pairs(segments) == [("a", "b")]
    assert "rows without a geometry, left out: 1 (row 1)" in segments.notes


def test_stages_are_reported_as_they_start(tmp_path):
    path = tmp_path / "roads.geojson"
    _write(path, [{"geometry": _line("a", "b")}], "EPSG:4326")
    seen = []
    read_line_layer(path, progress=lambda *stage: seen.append(stage))
    assert seen == [("reading lines", 0, 3), ("converting to WGS84", 1, 3), ("joining vertices", 2, 3)]


def test_read_road_file_takes_a_zipped_shapefile(tmp_path):
    _write(tmp_path / "roads.shp", [{"geometry": _line("a", "b", "c")}], "EPSG:4547")
    archive = tmp_path / "roads.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in ("shp", "shx", "dbf", "prj"):
            zipped.write(tmp_path / f"roads.{part}", f"roads.{part}")
    assert _named_pairs(read_road_file(archive)) == [("a", "b"), ("b", "c")]


def test_read_road_file_refuses_a_layer_with_no_walkable_lines(tmp_path):
    path = tmp_path / "closed.gpkg"
    _write(path, [{"geometry": _line("a", "b"), "walkable": "否"}, {"geometry": _line("c", "d"), "walkable": "0"}],
           "EPSG:3857")
    with pytest.raises(UsageError) as caught:
        read_road_file(path)
    assert caught.value.en == "closed.gpkg has no walkable lines"
    assert caught.value.zh == "closed.gpkg 中没有可步行的道路"
    assert caught.value.exit_code == 2


def test_a_vertex_repeated_in_a_row_makes_no_segment(tmp_path):
    path = tmp_path / "doubled.geojson"
    _write(path, [{"geometry": LineString([P["a"], P["a"], P["b"], (P["b"][0] + 1e-8, P["b"][1])])}], "EPSG:4326")
    segments = read_line_layer(path)
    assert _named_pairs(segments) == [("a", "b")]
    assert "vertices repeated in a row inside a line, skipped (no segment from a node to itself): 2" in segments.notes
