"""The sample district (Shunyi, Beijing) shipped in data/: find it and load it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from planner.errors import UsageError
from planner.files.imports import prepare_import
from planner.registry.roads import replace_road_network
from planner.registry.schema import upgrade_schema
from planner.registry.tables import has_outlets, load_records
from planner.roads.read import read_road_file

__all__ = ["SAMPLE_FILES", "build_demo_database", "sample_dir"]

# (kind, file, default CRS) in load order: transactions need their stations.
SAMPLE_FILES = (
    ("areas", "areas.gpkg", None),
    ("branches", "branches.csv", None),
    ("stations", "stations.xlsx", None),
    ("candidates", "candidates.xlsx", "gcj02"),
    ("transactions", "transactions.csv", None),
)
SAMPLE_NETWORK = "roads.gpkg"  # the synthetic walking network, for the heilongjiang profile


def sample_dir() -> Path:
    """data/shunyi of the repository (or of the current directory)."""
    for base in (Path(__file__).resolve().parents[2], Path.cwd()):
        candidate = base / "data" / "shunyi"
        if (candidate / "areas.gpkg").exists():
            return candidate
    msg = "sample data not found: expected data/shunyi/ beside the planner package"
    raise UsageError(msg, "找不到示例数据：应位于 planner 包旁的 data/shunyi/")


def build_demo_database(engine: Engine, *, actor: str):
    """Create or upgrade the schema and load the sample files unless the database has data; yields progress lines."""
    upgrade_schema(engine)
    if has_outlets(engine):
        yield "sample database already built"
        return
    folder = sample_dir()
    for kind, name, crs in SAMPLE_FILES:
        batch = prepare_import(folder / name, kind, crs=crs)
        summary = load_records(engine, batch, actor=actor)
        yield summary.line()
    yield replace_road_network(engine, read_road_file(folder / SAMPLE_NETWORK), actor=actor)
