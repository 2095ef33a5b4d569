"""What a batch check reads of the population grid, kept on disk per registry version.

A province's 100 m grid is built from every area polygon: seconds of work and
hundreds of megabytes (people, area labels, the cells no site serves yet). A
check reads only two things of it: the row prefix sums of the people and of
the people not yet served (planner.spatial.plane.RowPrefixes: service and
marginal population are disc sums over them), and the coarse reach of the
areas (the region rule). Both are written once per registry version and
profile — cell size, area levels, counted outlets, service distance — and
later checks of the same registry map the files read-only instead of
rebuilding the grid. A registry change bumps its version (planner.registry.changes),
so a kept entry never describes another state of the registry.

The folder: $PLANNER_CACHE_DIR when set (`off`: keep nothing), else `cache/`
beside a SpatiaLite file, else `planner/` in the user's cache folder. The
newest `KEEP` entries stay; older ones are removed as new ones are written.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from planner.config import setting
from planner.registry.engine import database_file
from planner.rules.profiles import Profile
from planner.rules.region import AreaReach, Region, coarse_blocks, reach_block, reach_of_blocks, region_of
from planner.sites.kept_prefixes import open_prefixes, sink_for
from planner.spatial.bands import BandSites
from planner.spatial.plane import GridFrame, RowPrefixes

__all__ = ["KEEP", "KeptSums", "cache_folder", "kept_sums", "open_entry"]

CACHE_FORMAT = 1  # bump when what is written changes
KEEP = 4


@dataclass(frozen=True)
class KeptSums:
    """Row prefixes of [people, people not yet served] and the registry's region, for one profile."""

    prefixes: RowPrefixes
    region: Region
    entry: Path | None = None  # the folder it is kept in (workers on this machine map it themselves)


def cache_folder(database_url: str) -> Path | None:
    """Where kept sums of this database live (None: keep nothing)."""
    configured = setting("PLANNER_CACHE_DIR")
    if configured:
        return None if configured.lower() == "off" else Path(configured)
    file = database_file(database_url)
    if file is not None:
        return file.resolve().parent / "cache"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "planner"


def _key(network, database_url: str, version: tuple[int, int], profile: Profile) -> str:
    """The entry's name: the registry state and what of the profile the sums depend on, plus a fingerprint
    of the areas and sites read (a database file copied over another at the same version is not taken
    for it)."""
    facts = [CACHE_FORMAT, database_url, list(version), network.cell_m, sorted(profile.area_levels),
             sorted(profile.outlet_kinds), profile.service_distance_m, _fingerprint(network)]
    return "sums-" + hashlib.sha256(json.dumps(facts).encode()).hexdigest()[:32]


def _fingerprint(network) -> list:
    areas = network.areas
    codes = hashlib.sha256("\n".join(map(str, areas["code"])).encode()).hexdigest()
    site_lon, site_lat = network.site_positions()
    return [len(areas), codes, float(np.nansum(areas["population"].to_numpy(dtype=float))),
            [float(v) for v in areas.total_bounds], int(site_lon.size), float(site_lon.sum()), float(site_lat.sum())]


def kept_sums(network, profile: Profile, origin: tuple[str, tuple[int, int]] | None) -> KeptSums | None:
    """The check's sums of `network` (planner.sites.postal.Network) under `profile`; None when the registry
    has no areas. Read from the cache when `origin` (database URL, registry version) is kept, else built
    band by band (planner.spatial.bands: never the whole grid at once) and, with an origin, kept: the
    arrays are written straight into the entry's files."""
    if not len(network.areas):
        return None
    folder = cache_folder(origin[0]) if origin else None
    key = _key(network, origin[0], origin[1], profile) if origin else ""
    if folder is not None:
        found = _read(folder / key)
        if found is not None:
            return found
        try:
            folder.mkdir(parents=True, exist_ok=True)
            work = Path(tempfile.mkdtemp(prefix=".writing-", dir=folder))
        except OSError:
            folder = None  # a cache that cannot be written is only slower next time
    if folder is None:
        return _build(network, profile, None)[0]
    try:
        made, layout = _build(network, profile, work)
        return _keep(folder, key, work, made, layout)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def _build(network, profile: Profile, work: Path | None) -> tuple[KeptSums, dict]:
    """Row prefixes of the people and of the people no site serves yet, and the areas' reach, band by band
    of grid rows; into files of `work` (memory-mapped) when given, else in memory. Also what meta.json
    says of the prefixes' layout."""
    block = reach_block(network.cell_m)
    bands = network.grid_bands(row_multiple=block)
    frame = bands.frame
    sink = sink_for(frame, work)
    sites = BandSites(frame, *network.site_positions(), profile.service_distance_m)
    coarse = []
    for first, end in bands.bands():
        people, labels = bands.band(first, end)
        covered = sites.count(first, end) > 0
        sink.band(first, end, (people, np.where(covered, 0.0, people)))
        coarse.append(coarse_blocks(labels >= 0, block))
        del people, labels, covered
    reach = reach_of_blocks(frame, block, np.vstack(coarse))
    prefixes, layout = sink.finish()
    return KeptSums(prefixes, region_of(network, reach=reach)), layout


def _read(entry: Path) -> KeptSums | None:
    try:
        found = open_entry(entry)
        os.utime(entry)  # used now: pruning keeps the entries in use
    except FileNotFoundError:
        return None  # not kept (or just pruned): build it
    except (OSError, ValueError, KeyError, TypeError, CRSError):
        shutil.rmtree(entry, ignore_errors=True)  # damaged: build it again, and keep the new one
        return None
    return found


def open_entry(entry: Path) -> KeptSums:
    meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
    if meta.get("format") != CACHE_FORMAT:
        raise ValueError("another format")
    crs = CRS.from_wkt(meta["crs"])
    frame = GridFrame(crs, float(meta["west"]), float(meta["north"]), float(meta["cell_m"]), int(meta["rows"]),
                      int(meta["cols"]))
    prefixes = open_prefixes(entry, meta, frame)
    blocks = np.load(entry / "reach.npy", allow_pickle=False)
    if blocks.ndim != 2:
        raise ValueError("arrays of another grid")
    reach = AreaReach(Transformer.from_crs(4326, crs, always_xy=True), float(meta["reach_west"]),
                      float(meta["reach_north"]), float(meta["block_m"]), blocks.astype(bool))
    return KeptSums(prefixes, Region(bool(meta["in_china"]), reach=reach), entry)


def _keep(folder: Path, key: str, work: Path, made: KeptSums, layout: dict) -> KeptSums:
    """Finish the entry in `work` (its arrays are written) and rename it into place whole, then prune old
    entries. Returns the kept sums, read from the entry (workers on this machine map it themselves)."""
    plane, reach = made.prefixes.plane, made.region.reach
    if reach is None:
        shutil.rmtree(work, ignore_errors=True)
        return made
    rows, cols = plane.shape
    meta = {"format": CACHE_FORMAT, "crs": plane.crs.to_wkt(), "west": float(plane.west), "north": float(plane.north),
            "cell_m": float(plane.cell_m), "rows": int(rows), "cols": int(cols), "in_china": made.region.in_china,
            "reach_west": float(reach.west), "reach_north": float(reach.north), "block_m": float(reach.block_m),
            **layout}
    try:
        np.save(work / "reach.npy", np.asarray(reach.blocks), allow_pickle=False)
        (work / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        try:
            work.rename(folder / key)
        except OSError:  # another process kept the same entry first
            shutil.rmtree(work, ignore_errors=True)
        _prune(folder)
        return open_entry(folder / key)
    except (OSError, ValueError):
        shutil.rmtree(work, ignore_errors=True)
        return made  # a cache that cannot be written is only slower next time


def _prune(folder: Path) -> None:
    """Keep the `KEEP` entries used last; remove half-written folders a stopped process left (after an hour)."""
    for left in folder.glob(".writing-*"):
        if left.stat().st_mtime < time.time() - 3600:
            shutil.rmtree(left, ignore_errors=True)
    entries = sorted((p for p in folder.glob("sums-*") if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        shutil.rmtree(old, ignore_errors=True)
