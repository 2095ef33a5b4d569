"""Metres on the WGS84 ellipsoid, fast enough for millions of pairs.

Points are placed in Earth-centred (ECEF) coordinates, where the straight
chord between two points is a strictly increasing function of their
geodesic distance up to far below a millimetre at the distances we compare.
That lets a plain 3-D KD-tree find nearest neighbours anywhere in the country
without choosing a projection. The chord converts to the geodesic length
by the arc-chord relation s = c + c³ / (24 R²) (error under 1 mm below 50 km);
longer pairs are handed to `pyproj.Geod`, the reference for every number we
report.
"""

from __future__ import annotations

import math
from typing import TypeVar

import numpy as np
from numpy.typing import ArrayLike
from pyproj import Geod

from planner.spatial.arrays import Floats

__all__ = ["CHORD_LIMIT_M", "GEOD", "arc_length", "chord_metres", "chord_to_geodesic", "ecef_of_point",
           "geodesic_distance", "to_ecef"]

GEOD = Geod(ellps="WGS84")

_A = 6378137.0
_F = 1.0 / 298.257223563
_E2 = _F * (2.0 - _F)
# Radius used in the arc-chord correction (geometric mean of M and N at 35°N).
# The correction is 0.13 m at 50 km; the radius varies by < 1 %, i.e. < 2 mm.
_R_CORRECTION = 6_367_000.0
# Above this chord length the geodesic is computed by pyproj.Geod.
CHORD_LIMIT_M = 50_000.0

_Chord = TypeVar("_Chord", float, Floats)


def to_ecef(lon: ArrayLike, lat: ArrayLike) -> Floats:
    """WGS84 lon/lat degrees (ellipsoid surface) → (n, 3) ECEF metres."""
    lon_r = np.radians(np.asarray(lon, dtype=float))
    lat_r = np.radians(np.asarray(lat, dtype=float))
    sin_lat = np.sin(lat_r)
    cos_lat = np.cos(lat_r)
    n = _A / np.sqrt(1.0 - _E2 * sin_lat * sin_lat)
    out = np.empty((lon_r.size, 3))
    out[:, 0] = n * cos_lat * np.cos(lon_r).ravel()
    out[:, 1] = n * cos_lat * np.sin(lon_r).ravel()
    out[:, 2] = n * (1.0 - _E2) * sin_lat.ravel()
    return out


def ecef_of_point(lon: float, lat: float) -> tuple[float, float, float]:
    """`to_ecef` for one point, in plain floats (a web request's single question)."""
    lon_r, lat_r = math.radians(lon), math.radians(lat)
    sin_lat, cos_lat = math.sin(lat_r), math.cos(lat_r)
    n = _A / math.sqrt(1.0 - _E2 * sin_lat * sin_lat)
    return n * cos_lat * math.cos(lon_r), n * cos_lat * math.sin(lon_r), n * (1.0 - _E2) * sin_lat


def chord_metres(chord: float, lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """`chord_to_geodesic` for one pair, in plain floats."""
    if chord > CHORD_LIMIT_M:
        return float(GEOD.inv(lon1, lat1, lon2, lat2)[2])
    return arc_length(chord)


def arc_length(chord: _Chord) -> _Chord:
    """The arc-chord relation s = c + c³ / (24 R²), for a float or an array."""
    return chord + chord**3 / (24.0 * _R_CORRECTION**2)


def chord_to_geodesic(chord: ArrayLike, lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike) -> Floats:
    """Geodesic metres from ECEF chord lengths; long pairs go through pyproj.Geod.

    All arguments are arrays of one shape; NaN or inf chords stay as they are.
    """
    chord = np.asarray(chord, dtype=float)
    out = arc_length(chord)
    far = np.isfinite(chord) & (chord > CHORD_LIMIT_M)
    if far.any():
        _, _, dist = GEOD.inv(
            np.asarray(lon1, dtype=float)[far],
            np.asarray(lat1, dtype=float)[far],
            np.asarray(lon2, dtype=float)[far],
            np.asarray(lat2, dtype=float)[far],
        )
        out[far] = dist
    return out


def geodesic_distance(lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike) -> Floats:
    """Geodesic metres between paired points (arrays broadcast like numpy)."""
    lon1, lat1, lon2, lat2 = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (lon1, lat1, lon2, lat2))
    )
    shape = lon1.shape
    flat = [v.ravel() for v in (lon1, lat1, lon2, lat2)]
    chord = np.linalg.norm(to_ecef(flat[0], flat[1]) - to_ecef(flat[2], flat[3]), axis=1)
    return chord_to_geodesic(chord, *flat).reshape(shape)
