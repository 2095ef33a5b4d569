"""`planner import all FILE.gpkg`: an export of `planner export` back into an empty registry.

The file is read and checked whole before the database is touched (our marker, every layer, its fields and
CRS); then every layer goes in, ids as they are, in one transaction that holds the registry's write turn —
a failure changes nothing. The history comes back as it was, and the import adds no event of its own (like a
restore), so exporting the imported registry gives the same layers again. Accounts come back without a
password or token (an export never holds them): `planner user password NAME` lets each sign in again.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pyarrow as pa
import pyogrio
from pyogrio.errors import DataSourceError
from sqlalchemy import Engine

from planner.errors import UsageError
from planner.interop.gpkg_export import FORMAT, FORMAT_VERSION, MARKER
from planner.registry.export_checks import layer_problems
from planner.registry.whole_registry import LAYERS, STORAGE_CRS, expected_fields, load_whole_registry

__all__ = ["import_registry", "read_export"]

_SQLITE_MAGIC = b"SQLite format 3\x00"  # the first bytes of every GeoPackage


def _not_ours(path: Path, why: str, why_zh: str) -> UsageError:
    return UsageError(f"{path} is not a planner registry export ({why})",
                      f"{path} 不是 planner 登记库导出文件（{why_zh}）")


def read_export(file) -> dict[str, pa.Table]:
    """Every layer of an export, checked: our marker, each layer with its fields, the storage CRS. GDAL's own
    warnings about a damaged file stay quiet: the refusal names what is wrong, in the one line a refusal is."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return _read_export(Path(file))


def _read_export(path: Path) -> dict[str, pa.Table]:
    if not path.is_file():
        raise UsageError(f"{path}: file not found", f"{path}：文件不存在")
    with open(path, "rb") as head:
        if head.read(16) != _SQLITE_MAGIC:  # GDAL would open a CSV or a shapefile as well
            raise _not_ours(path, "not a GeoPackage", "不是 GeoPackage")
    try:
        listed = pyogrio.list_layers(path)
    except DataSourceError as exc:
        said = str(exc).splitlines()[0]
        raise _not_ours(path, f"not a GeoPackage GDAL can open: {said}", f"不是可读取的 GeoPackage：{said}") from None
    present = {str(name): geometry for name, geometry in listed}
    if MARKER not in present:
        raise _not_ours(path, f"no {MARKER} table", f"没有 {MARKER} 表")
    marker = dict(zip(*pyogrio.read_arrow(path, layer=MARKER)[1].select(["key", "value"]).to_pydict().values()))
    if marker.get("format") != FORMAT or marker.get("format_version") != FORMAT_VERSION:
        found = f"{marker.get('format')!r} {marker.get('format_version')!r}"
        raise _not_ours(path, f"format {found}, expected {FORMAT!r} {FORMAT_VERSION!r}",
                        f"格式 {found}，应为 {FORMAT!r} {FORMAT_VERSION!r}")
    layers, problems = {}, []
    for spec in LAYERS:
        if spec.name not in present:
            problems.append(f"no layer {spec.name}")
            continue
        meta, table = pyogrio.read_arrow(path, layer=spec.name)
        missing = [name for name in expected_fields(spec) if name not in table.column_names]
        if missing:
            problems.append(f"layer {spec.name} lacks {', '.join(missing)}")
        if spec.geometry_type and (meta.get("crs") or "").upper() != STORAGE_CRS:
            problems.append(f"layer {spec.name} is in {meta.get('crs')}, not {STORAGE_CRS}")
        if not missing:
            problems += layer_problems(path, spec, table)
        layers[spec.name] = table
    if problems:
        raise UsageError(f"{path}: {'; '.join(problems)}", f"{path}：{'；'.join(problems)}")
    return layers


def import_registry(engine: Engine, file) -> list[str]:
    """Load the export `file` into the empty registry at `engine` (schema already at head); summary lines."""
    path = Path(file)
    counts = load_whole_registry(engine, read_export(path), source=str(path))
    shown = ", ".join(f"{name} {n:,}" for name, n in counts.items())
    return [f"imported {path}: {shown}"]
