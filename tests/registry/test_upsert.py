"""Re-importing updates by id and logs who changed what; --replace soft-deletes."""

from planner.registry.tables import history, read_table
from tests.conftest import DATA
from tests.file_support import load_file, write_xlsx

_load = load_file


def test_reimport_unchanged_writes_no_change_events(engine):
    _load(engine, DATA / "branches_zh.csv")
    summary = _load(engine, DATA / "branches_zh.csv")
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 3)
    assert [e["action"] for e in history(engine, "outlets", "B001")] == ["create"]


def test_moved_and_renamed_site_is_updated_and_logged(engine, tmp_path):
    _load(engine, DATA / "branches_zh.csv", actor="alice")
    path = write_xlsx(tmp_path / "u.xlsx", ["机构号", "网点名称", "类型", "经度", "纬度"],
                      [["B001", "顺义邮政支局", "支局", 116.655, 40.130]])
    summary = _load(engine, path, actor="bob")
    assert summary.updated == 1
    events = history(engine, "outlets", "B001")
    assert [(e["action"], e["actor"]) for e in events] == [("create", "alice"), ("update", "bob")]
    assert set(events[1]["changes"]) >= {"geom"}
    assert events[1]["changes"]["geom"][1].startswith("POINT (116.655 40.13")
    assert events[1]["source"] == "u.xlsx"
    frame = read_table(engine, "outlets").set_index("code")
    assert abs(frame.loc["B001"].geometry.x - 116.655) < 1e-12
    assert frame.loc["B002", "name"] == "石园代办点"  # not in the file, untouched


def test_replace_soft_deletes_missing_rows_and_restores_returning_ones(engine, tmp_path):
    _load(engine, DATA / "branches_zh.csv")
    only_one = write_xlsx(tmp_path / "one.xlsx", ["机构号", "网点名称", "类型", "地址", "经度", "纬度"],
                          [["B001", "顺义邮政支局", "支局", "北京市顺义区府前街1号", 116.654, 40.130]])
    summary = _load(engine, only_one, replace=True)
    assert summary.deleted == 2
    assert read_table(engine, "outlets")["code"].tolist() == ["B001"]
    everything = read_table(engine, "outlets", include_deleted=True)
    assert len(everything) == 3 and everything["deleted_at"].notna().sum() == 2  # nothing physically deleted
    assert [e["action"] for e in history(engine, "outlets", "B002")] == ["create", "delete"]
    summary = _load(engine, DATA / "branches_zh.csv")
    assert summary.restored == 2
    assert len(read_table(engine, "outlets")) == 3
    assert [e["action"] for e in history(engine, "outlets", "B002")] == ["create", "delete", "restore"]


def test_each_import_is_logged(engine):
    _load(engine, DATA / "branches_zh.csv", actor="carol")
    imports = history(engine, "outlets", "*")
    assert imports[0]["action"] == "import" and imports[0]["actor"] == "carol"
    assert imports[0]["changes"]["created"] == 3
