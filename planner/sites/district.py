"""The registry's region (planner.rules.region.Region) for the doors that judge one position at a time.

The batch check takes its Region from the Network it loads anyway. A single
position — `/api/check` and its fast path, the station page's relocation
preview, a relocation — needs the very same Region, so it is built here from
the same sites and areas (`load_network`, without the population raster: only
the areas' cells matter) and kept per process while the registry version
stays the same. Only the Region is kept: a coarse mask of the areas' blocks,
or a KD-tree of the sites when there are no areas.
"""

from __future__ import annotations

from sqlalchemy import Engine

from planner.recent import Recent
from planner.registry.changes import registry_version
from planner.registry.engine import snapshot
from planner.rules.profiles import Profile
from planner.rules.region import Region
from planner.sites.postal import load_network

__all__ = ["cached_region"]

_CACHE = Recent(4)  # (database URL, outlet kinds, area levels, registry version) -> Region


def cached_region(engine: Engine, profile: Profile, *, version: tuple | None = None) -> Region:
    """The registry's Region as `profile` sees it at registry `version` (read now when None); built
    from the database when this process has not kept it yet."""
    base = (engine.url.render_as_string(hide_password=True), tuple(profile.outlet_kinds),
            tuple(profile.area_levels))
    if version is None:
        version = registry_version(engine)
    found = _CACHE.get(base + (version,))
    if found is None:
        found = _read(engine, profile, base)
    return found


def _read(engine: Engine, profile: Profile, base: tuple) -> Region:
    """The Region, read in one transaction together with the registry version it is kept under."""
    with snapshot(engine) as conn:
        version = registry_version(conn)
        region = load_network(conn, profile, with_raster=False).region
    _CACHE.put(base + (version,), region)
    return region
