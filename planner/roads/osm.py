"""Read the walkable ways of an OpenStreetMap file (`.pbf`, `.osm` XML) as road segments.

pyosmium streams the file once: libosmium keeps every node's location in
its own index and fills them into the ways, and only ways tagged `highway`
reach Python, where the tag rule (planner.roads.walkable) keeps the ones a
pedestrian may use. Each pair of consecutive nodes of a kept way is a
segment; the OSM node ids the segments use are renumbered 0..N-1, so ways
that share an OSM node share a node here (that is the topology; two nodes at
one position with different ids stay apart, as OSM draws a bridge over a path).

An extract cut from a larger file keeps ways whose far nodes lie outside it;
those nodes have no location, and the segments that reach them are left out
and counted in the notes.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import osmium

from planner.config import unusable_file
from planner.roads.numbering import number_segments
from planner.roads.progress import Progress, stage_reporter
from planner.roads.segments import RoadSegments
from planner.roads.walkable import RULE_KEYS, is_walkable

__all__ = ["OSM_SUFFIXES", "STAGES", "read_osm"]

STAGES = ("reading ways", "numbering nodes")
# file name endings pyosmium reads, and the format it is told for each (XML may be compressed)
OSM_SUFFIXES = {
    ".osm.pbf": "pbf", ".pbf": "pbf",
    ".osm": "osm", ".osm.xml": "osm", ".osm.gz": "osm.gz", ".osm.bz2": "osm.bz2",
}
_PRECISION = 10_000_000  # OSM stores coordinates as integers of 1e-7 degree


@dataclass
class _Ways:
    """The node references of the kept ways, flat: `starts` are the offsets where each way begins."""

    refs: array[int] = field(default_factory=lambda: array("q"))
    x: array[int] = field(default_factory=lambda: array("i"))  # longitude in 1e-7 degree
    y: array[int] = field(default_factory=lambda: array("i"))
    starts: array[int] = field(default_factory=lambda: array("q"))
    highway_ways: int = 0  # ways tagged highway, kept or not

    def add(self, nodes: osmium.osm.WayNodeList) -> None:
        """Keep one way's node references (the loop that runs once per node of the file's walkable ways)."""
        self.starts.append(len(self.refs))
        add_ref, add_x, add_y = self.refs.append, self.x.append, self.y.append
        for node in nodes:
            location = node.location
            add_ref(node.ref)
            add_x(location.x)
            add_y(location.y)


def osm_format(path: Path) -> str | None:
    """The pyosmium format of a file from its name ('pbf', 'osm', 'osm.gz', …), None if not an OSM file."""
    name = path.name.lower()
    endings = sorted(OSM_SUFFIXES, key=len, reverse=True)  # '.osm.pbf' before '.pbf'
    return next((OSM_SUFFIXES[end] for end in endings if name.endswith(end)), None)


def read_osm(path: str | Path, progress: Progress | None = None) -> RoadSegments:
    """The walkable segments of an OSM file, node numbers dense over the nodes they use."""
    path = Path(path)
    if not path.is_file():
        raise unusable_file(path, "file not found", "文件不存在")
    report = stage_reporter(progress, STAGES)
    report("reading ways")
    ways = _read_ways(path)
    report("numbering nodes")
    return _segments(ways, path.name)


def _read_ways(path: Path) -> _Ways:
    """Stream the file: node locations into libosmium's index, walkable ways' references into arrays."""
    source = osmium.io.File(str(path), osm_format(path) or "")
    processor = (osmium.FileProcessor(source).with_locations()
                 .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
                 .with_filter(osmium.filter.KeyFilter("highway")))
    ways = _Ways()
    try:
        for way in processor:
            if not isinstance(way, osmium.osm.Way):  # the entity filter passes ways only
                continue
            ways.highway_ways += 1
            tags = way.tags  # only the keys the rule reads: iterating every tag costs more than the rest
            if not is_walkable({key: value for key in RULE_KEYS if (value := tags.get(key)) is not None}):
                continue
            ways.add(way.nodes)
    except RuntimeError as exc:  # libosmium's parse errors (broken PBF blocks, bad XML)
        text = str(exc).replace(str(path.parent).rstrip("/") + "/", "")
        raise unusable_file(path, f"cannot read the OpenStreetMap file ({text})",
                            f"无法读取 OpenStreetMap 文件（{text}）") from exc
    return ways


def _segments(ways: _Ways, source: str) -> RoadSegments:
    """Consecutive node pairs of each way whose both ends have a location, renumbered densely."""
    refs, x, y = np.asarray(ways.refs, np.int64), np.asarray(ways.x, np.int64), np.asarray(ways.y, np.int64)
    located = (np.abs(x) <= 180 * _PRECISION) & (np.abs(y) <= 90 * _PRECISION)  # undefined is 2**31 - 1
    first = np.zeros(refs.size, dtype=bool)
    first[np.asarray(ways.starts, np.int64)] = True
    pair = np.flatnonzero(~first[1:])  # position p pairs with p + 1 inside one way
    broken = ~(located[pair] & located[pair + 1])
    loops = ~broken & (refs[pair] == refs[pair + 1])  # a node repeated in a row: no segment
    pair_way = np.cumsum(first)[pair]  # which kept way each pair belongs to (1-based)
    kept = pair[~broken & ~loops]
    notes = [f"highway ways walkable: {len(ways.starts):,} of {ways.highway_ways:,} (the others left out by the "
             "tag rule: motorways, foot=no, access=private, platforms, …)"]
    if broken.any():
        notes.append("segments left out because a node they reach is missing from the file (the extract cuts "
                     f"them): {int(broken.sum()):,}, on {np.unique(pair_way[broken]).size:,} ways")
    if loops.any():
        notes.append(f"nodes repeated in a row inside a way, skipped (no segment from a node to itself): "
                     f"{int(loops.sum()):,}")
    return number_segments(refs, x / _PRECISION, y / _PRECISION, kept, kept + 1, source=source, notes=tuple(notes))
