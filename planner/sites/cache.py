"""The sites' indexes kept per process while the registry stays the same: the web app's
repeated nearest-site questions (check API, popups, layer context) are answered from memory.

Each cached set of sites is read in one snapshot together with the registry
version it belongs to, so a version number always names exactly the rows it was
built from. Only KD-trees and code arrays are kept: a GeoDataFrame's per-site
geometry objects would make every full garbage collection in a worker walk
them. A request compares the current version (one tiny query, `planner.registry.changes`)
and either uses the sites or, when asked not to wait, gets None while a
background thread reads the new ones — it then asks the database directly.
"""

from __future__ import annotations

import logging
import os
import threading

from sqlalchemy import Engine

from planner.recent import Recent
from planner.registry.changes import registry_version
from planner.registry.engine import snapshot
from planner.rules.profiles import Profile
from planner.sites.postal import NearestSites, load_nearest_sites

__all__ = ["cached_sites"]

_log = logging.getLogger(__name__)
_CACHE = Recent(4)  # (database URL, outlet kinds, metric, registry version) -> NearestSites
_LOCK = threading.Lock()  # guards _LOADING
_LOADING: dict = {}  # (database URL, outlet kinds) -> pid of the process whose thread is reading it


def _read(engine: Engine, profile: Profile, base: tuple) -> NearestSites:
    """The sites, read in one transaction together with the registry version they are kept under."""
    with snapshot(engine) as conn:
        version, sites = registry_version(conn), load_nearest_sites(conn, profile)
    _CACHE.put(base + (version,), sites)
    return sites


def _load_in_background(engine: Engine, profile: Profile, base: tuple) -> None:
    with _LOCK:
        if _LOADING.get(base) == os.getpid():
            return
        _LOADING[base] = os.getpid()

    def load():
        try:
            _read(engine, profile, base)
        except Exception:  # the requests go on asking the database; the next one retries
            _log.warning("reading the sites into memory failed", exc_info=True)
        finally:
            with _LOCK:
                _LOADING.pop(base, None)

    threading.Thread(target=load, name="planner-sites-load", daemon=True).start()


def cached_sites(engine: Engine, profile: Profile, *, version: tuple | None = None,
                 wait: bool = True) -> NearestSites | None:
    """Counted outlets and existing stations with their indexes (no areas) at registry `version`
    (read now when None). Not cached yet: read it now, or with `wait=False` start reading it in
    the background and return None."""
    base = (engine.url.render_as_string(hide_password=True), tuple(profile.outlet_kinds), profile.metric)
    if version is None:
        version = registry_version(engine)
    found = _CACHE.get(base + (version,))
    if found is not None:
        return found
    if not wait:
        _load_in_background(engine, profile, base)
        return None
    return _read(engine, profile, base)
