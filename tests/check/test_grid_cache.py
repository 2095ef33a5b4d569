"""The grid's sums kept on disk per registry version (planner.sites.grid_cache): a second check of the
same registry reads them, a changed registry never does, a damaged entry is built again, and every
answer equals the one computed without any cache."""

import json
import shutil

import numpy as np
import pytest

from planner.check.batch import check_file
from planner.files.imports import prepare_import
from planner.registry.tables import load_records
from planner.rules.profiles import load_profile
from planner.sites import grid_cache
from tests.check_support import SITES, load_small_registry, offset, row, write_list

YIWU = load_profile("yiwu")
ROWS = [row("near-S1", offset("S1", 700, 0)), row("open", offset("O1", 900, 200)),
        row("east", offset("R1", 800, 90)), row("twin", offset("R1", 1000, 90))]


def _answers(engine, tmp_path, name="list.csv"):
    result = check_file(write_list(tmp_path / name, ROWS), engine, YIWU)
    return result.added[["verdict", "reasons", "service_population", "marginal_population"]].astype(str) \
        .to_numpy().tolist()


def _uncached(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("PLANNER_CACHE_DIR", "off")
    try:
        return _answers(engine, tmp_path, "plain.csv")
    finally:
        monkeypatch.setenv("PLANNER_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def kept(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("PLANNER_CACHE_DIR", str(tmp_path / "cache"))
    load_small_registry(engine)
    return tmp_path / "cache"


def _entries(folder):
    return sorted(folder.glob("sums-*"))


def test_a_second_check_reads_the_kept_sums(engine, tmp_path, monkeypatch, kept):
    first = _answers(engine, tmp_path)
    (entry,) = _entries(kept)
    assert first == _uncached(engine, tmp_path, monkeypatch)
    assert float(first[0][2]) > 0  # the answers hold people: the sums matter
    # The second check reads the entry: doubled prefixes double every population it reports.
    for name in ("prefix_0.npy", "prefix_1.npy"):
        np.save(entry / name, 2 * np.load(entry / name))
    doubled = _answers(engine, tmp_path)
    for column in (2, 3):  # whole people in the output: doubling may move the rounding by one
        assert all(abs(float(d[column]) - 2 * float(f[column])) <= 1 for d, f in zip(doubled, first))
    assert float(doubled[0][2]) > float(first[0][2])


def test_a_changed_registry_is_never_answered_from_an_older_entry(engine, tmp_path, monkeypatch, kept):
    before = _answers(engine, tmp_path)
    station = tmp_path / "new_station.csv"
    lon, lat = offset("S1", 900, 0)  # 200 m north of 'near-S1'
    station.write_text(f"机构号,名称,状态,经度,纬度\nS9,新站,营业,{lon},{lat}\n", encoding="utf-8")
    load_records(engine, prepare_import(station, "stations"), actor="test")
    after = _answers(engine, tmp_path)
    assert len(_entries(kept)) == 2
    assert after == _uncached(engine, tmp_path, monkeypatch)
    assert before[0][0] == "pass" and after[0][0] == "fail"  # too close to the new station now
    assert float(after[0][3]) < float(before[0][3])  # which serves people counted as new before


def test_a_damaged_entry_is_built_again(engine, tmp_path, monkeypatch, kept):
    first = _answers(engine, tmp_path)
    (entry,) = _entries(kept)
    (entry / "meta.json").write_text(json.dumps({"format": grid_cache.CACHE_FORMAT, "crs": "no such"}))
    assert _answers(engine, tmp_path) == first
    (entry,) = _entries(kept)  # written again whole
    prefix = entry / "prefix_1.npy"
    prefix.write_bytes(prefix.read_bytes()[:200])  # cut short
    assert _answers(engine, tmp_path) == first
    assert json.loads((_entries(kept)[0] / "meta.json").read_text())["rows"] > 0


def test_old_entries_go(engine, tmp_path, monkeypatch, kept):
    monkeypatch.setattr(grid_cache, "KEEP", 2)
    for k in range(3):
        station = tmp_path / f"station_{k}.csv"
        lon, lat = offset(SITES["O1"], 300 + 200 * k, 180)
        station.write_text(f"机构号,名称,状态,经度,纬度\nK{k},站{k},营业,{lon},{lat}\n", encoding="utf-8")
        load_records(engine, prepare_import(station, "stations"), actor="test")
        _answers(engine, tmp_path)
    assert len(_entries(kept)) == 2


@pytest.mark.parametrize("layout", ["rows", "runs"])
@pytest.mark.parametrize("keep", [True, False])
def test_sums_built_band_by_band_are_the_whole_grids(engine, tmp_path, monkeypatch, kept, keep, layout):
    """Kept or not, the sums are built in bands of grid rows (never the whole grid at once) and give, bit for
    bit, the disc sums of the whole grid's people and of its people no site serves; the areas' reach too.
    A grid too large for whole rows keeps only its populated runs."""
    from planner.registry.engine import snapshot
    from planner.rules.region import area_reach
    from planner.sites import kept_prefixes
    from planner.sites.postal import load_network
    from planner.spatial import bands
    from planner.spatial.plane import RowPrefixes

    monkeypatch.setattr(bands, "BAND_CELLS", 500)  # bands of a few rows: many bands on the small district
    monkeypatch.setattr(kept_prefixes, "DENSE_CELLS", 10**12 if layout == "rows" else 0)
    with snapshot(engine) as conn:
        network = load_network(conn, YIWU)
    assert len(list(network.grid_bands().bands())) > 5
    made = grid_cache.kept_sums(network, YIWU, (str(engine.url), (1, 0)) if keep else None)
    assert (made.entry is not None) == keep
    grid = network.grid
    whole = RowPrefixes.of(grid, [grid.population, network.uncovered_population(YIWU.service_distance_m)])
    assert made.prefixes.plane.shape == grid.shape
    if layout == "rows":
        for built, expected in zip(made.prefixes.prefixes, whole.prefixes):
            assert np.array_equal(np.asarray(built), expected)
    else:
        assert made.prefixes.kept_cells < whole.prefixes[0].size  # empty cells are not kept
    rng = np.random.default_rng(4)
    rows, cols = grid.shape
    x = grid.west + rng.uniform(-500, cols * grid.cell_m + 500, 3000)
    y = grid.north - rng.uniform(-500, rows * grid.cell_m + 500, 3000)
    for radius in (150.0, 1000.0, 2500.0):
        got, expected = made.prefixes.disc_sums(x, y, radius), whole.disc_sums(x, y, radius)
        assert all(np.array_equal(a, b) for a, b in zip(got, expected))
        assert (expected[0] > expected[1]).any() and (expected[1] > 0).any()  # some served, some not
    assert np.array_equal(made.region.reach.blocks, area_reach(grid).blocks)


def test_a_check_reads_kept_runs_as_it_reads_whole_rows(engine, tmp_path, monkeypatch, kept):
    from planner.sites import kept_prefixes

    rows_answers = _answers(engine, tmp_path)
    shutil.rmtree(kept)
    monkeypatch.setattr(kept_prefixes, "DENSE_CELLS", 0)
    runs_answers = _answers(engine, tmp_path, "again.csv")  # built as runs, kept
    (entry,) = _entries(kept)
    assert json.loads((entry / "meta.json").read_text())["layout"] == "runs"
    assert _answers(engine, tmp_path, "third.csv") == runs_answers == rows_answers  # and read back
