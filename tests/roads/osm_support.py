"""Small OpenStreetMap files written by the tests: OSM XML text, and the same data as .pbf through pyosmium."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import quoteattr

import osmium


def write_osm(path: Path, nodes: dict[int, tuple[float, float]],
              ways: dict[int, tuple[list[int], dict[str, str]]]) -> Path:
    """Write nodes {id: (lon, lat)} and ways {id: (node ids, tags)} as OSM XML, or as PBF if `path` ends .pbf.

    A way may name a node that is not written: an extract cut at its edge.
    """
    lines = ["<?xml version='1.0' encoding='UTF-8'?>", '<osm version="0.6" generator="planner tests">']
    lines += [f'  <node id="{i}" version="1" lat="{lat:.7f}" lon="{lon:.7f}"/>' for i, (lon, lat) in nodes.items()]
    for i, (refs, tags) in ways.items():
        lines.append(f'  <way id="{i}" version="1">')
        lines += [f'    <nd ref="{ref}"/>' for ref in refs]
        lines += [f"    <tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.items()]
        lines.append("  </way>")
    lines.append("</osm>")
    if not path.name.endswith(".pbf"):
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path
    xml = path.with_name(path.name.removesuffix(".pbf").removesuffix(".osm") + ".source.osm")
    xml.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with osmium.SimpleWriter(str(path)) as writer:
        for obj in osmium.FileProcessor(str(xml)):
            writer.add(obj)
    xml.unlink()
    return path
