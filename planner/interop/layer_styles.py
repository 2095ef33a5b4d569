"""The `layer_styles` table of an export: QGIS's own schema, one default style per layer with geometry.

QGIS reads it when a layer of the GeoPackage is opened and applies the style marked `useAsDefault`. It is
written as QGIS itself writes it, through OGR: an attribute table registered in gpkg_contents, `id` its
key, with a QML style for QGIS and an SLD one (the same colours and labels) for other tools.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import pyarrow as pa
import pyogrio

from planner.interop.qgis_styles import CATEGORIES, label_field, qml
from planner.maps.render import LAYER_STYLES, STATUS_FILL

__all__ = ["STYLE_NAME", "sld", "write_layer_styles"]

STYLE_NAME = "planner"
_SLD = "http://www.opengis.net/sld"
_OGC = "http://www.opengis.net/ogc"


def write_layer_styles(path: Path, layers: list[tuple[str, str | None]], *, now: dt.datetime) -> int:
    """Add `layer_styles` to the GeoPackage at `path` for (layer, geometry type) pairs; returns rows written."""
    drawn = [(name, geometry) for name, geometry in layers if geometry is not None]
    n = len(drawn)
    columns = {
        "f_table_catalog": [""] * n, "f_table_schema": [""] * n, "f_table_name": [name for name, _ in drawn],
        "f_geometry_column": ["geom"] * n, "styleName": [STYLE_NAME] * n,
        "styleQML": [qml(name, geometry) for name, geometry in drawn],
        "styleSLD": [sld(name, geometry) for name, geometry in drawn],
        "useAsDefault": pa.array([True] * n, pa.bool_()),
        "description": [f"planner: {name} in the colours of planner's maps" for name, _ in drawn],
        "owner": ["planner"] * n, "ui": pa.array([None] * n, pa.string()),
        "update_time": pa.array([now] * n, pa.timestamp("ms", tz="UTC")),
    }
    pyogrio.write_arrow(pa.table(columns), path, layer="layer_styles", driver="GPKG",
                        layer_options={"FID": "id", "DESCRIPTION": "QGIS layer styles"})
    return n


def _rule(parent: ET.Element, name: str, field: str | None, value: str | None, fill: str, outline: str,
          geometry: str, label: str | None, radius: int) -> None:
    rule = ET.SubElement(parent, f"{{{_SLD}}}Rule")
    ET.SubElement(rule, f"{{{_SLD}}}Name").text = name
    if field is not None:
        equal = ET.SubElement(ET.SubElement(rule, f"{{{_OGC}}}Filter"), f"{{{_OGC}}}PropertyIsEqualTo")
        ET.SubElement(equal, f"{{{_OGC}}}PropertyName").text = field
        ET.SubElement(equal, f"{{{_OGC}}}Literal").text = value
    if geometry == "Point":
        symbolizer = ET.SubElement(rule, f"{{{_SLD}}}PointSymbolizer")
        graphic = ET.SubElement(symbolizer, f"{{{_SLD}}}Graphic")
        mark = ET.SubElement(graphic, f"{{{_SLD}}}Mark")
        ET.SubElement(mark, f"{{{_SLD}}}WellKnownName").text = "circle"
        _paint(mark, fill, outline, 0.9)
        ET.SubElement(graphic, f"{{{_SLD}}}Size").text = str(2 * radius)
    elif geometry == "LineString":
        _stroke(ET.SubElement(rule, f"{{{_SLD}}}LineSymbolizer"), outline, 0.6)
    else:
        _paint(ET.SubElement(rule, f"{{{_SLD}}}PolygonSymbolizer"), fill, outline, 0.15)
    if label:
        text = ET.SubElement(rule, f"{{{_SLD}}}TextSymbolizer")
        ET.SubElement(ET.SubElement(text, f"{{{_SLD}}}Label"), f"{{{_OGC}}}PropertyName").text = label


def _paint(parent: ET.Element, fill: str, outline: str, opacity: float) -> None:
    fill_element = ET.SubElement(parent, f"{{{_SLD}}}Fill")
    ET.SubElement(fill_element, f"{{{_SLD}}}CssParameter", name="fill").text = fill
    ET.SubElement(fill_element, f"{{{_SLD}}}CssParameter", name="fill-opacity").text = f"{opacity:g}"
    _stroke(parent, outline, 1)


def _stroke(parent: ET.Element, colour: str, width: float) -> None:
    stroke = ET.SubElement(parent, f"{{{_SLD}}}Stroke")
    ET.SubElement(stroke, f"{{{_SLD}}}CssParameter", name="stroke").text = colour
    ET.SubElement(stroke, f"{{{_SLD}}}CssParameter", name="stroke-width").text = f"{width:g}"


def sld(layer: str, geometry: str | None) -> str:
    """The layer's style as an SLD 1.0 document: one rule per category, labels by code or name (soft-deleted
    rows keep their category here; filter on `deleted` to hide them)."""
    ET.register_namespace("sld", _SLD)
    ET.register_namespace("ogc", _OGC)
    root = ET.Element(f"{{{_SLD}}}StyledLayerDescriptor", version="1.0.0")
    named = ET.SubElement(root, f"{{{_SLD}}}NamedLayer")
    ET.SubElement(named, f"{{{_SLD}}}Name").text = layer
    user = ET.SubElement(named, f"{{{_SLD}}}UserStyle")
    ET.SubElement(user, f"{{{_SLD}}}Name").text = STYLE_NAME
    feature_style = ET.SubElement(user, f"{{{_SLD}}}FeatureTypeStyle")
    style = LAYER_STYLES.get(layer, {"fill": "#9ca3af", "color": "#9ca3af", "radius": 5})
    label, radius = label_field(layer), style.get("radius", 5)
    if layer in CATEGORIES:
        field, values = CATEGORIES[layer]
        for value in values:
            _rule(feature_style, value, field, value, STATUS_FILL.get(value, style["fill"]), style["color"],
                  geometry or "", label, radius)
    else:
        _rule(feature_style, layer, None, None, style["fill"], style["color"], geometry or "", label, radius)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)
