"""QGIS styles of the exported layers, in the colours of our maps (planner.maps.render), labelled by code or name.

Points are coloured as the overview colours them: by status (stations, applicants) or kind (outlets), a value
without a colour of its own in the layer's colour; soft-deleted rows form a grey category of their own, off by
default. Areas are filled lightly with their outline; the road network is a thin grey line. The renderer and
labelling elements are built once and used both in the QML of the `layer_styles` table and in the QGIS project.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from planner.maps.render import LAYER_STYLES, STATUS_FILL
from planner.rules.vocabulary import CANDIDATE_STATUSES, OUTLET_KINDS, STATION_STATUSES

__all__ = ["CATEGORIES", "QGIS_VERSION", "label_field", "labeling_element", "qml", "raster_pipe", "renderer_element"]

QGIS_VERSION = "3.34.0-Prizren"
DELETED = "deleted"
DELETED_COLOUR = ("#6b7280", "#d1d5db")
ROAD_COLOUR = "#9ca3af"
# Population has no layer on our maps (they draw the coverage it yields): a light-to-dark orange of the gaps' hue.
POPULATION_RAMP = ("#fff7ed", "#7c2d12")
POINT_ALPHA = 0.9  # the overview's point fill opacity
AREA_ALPHA = 0.15  # the overview's area fill opacity
# layer -> (field it is categorised by, its values in order)
CATEGORIES = {
    "outlets": ("kind", OUTLET_KINDS),
    "stations": ("status", STATION_STATUSES),
    "candidates": ("status", CANDIDATE_STATUSES),
}


def label_field(layer: str) -> str | None:
    return {"areas": "name", "outlets": "code", "stations": "code", "candidates": "code"}.get(layer)


def _rgba(colour: str, alpha: float = 1.0) -> str:
    colour = colour.lstrip("#")
    r, g, b = (int(colour[i:i + 2], 16) for i in (0, 2, 4))
    return f"{r},{g},{b},{round(alpha * 255)}"


def _options(parent: ET.Element, values: dict[str, str]) -> None:
    """A symbol layer's properties twice: as an Option map (what QGIS 3.26 and later write) and as `prop`
    elements (what earlier 3.x versions read)."""
    holder = ET.SubElement(parent, "Option", type="Map")
    for name, value in values.items():
        ET.SubElement(holder, "Option", type="QString", name=name, value=str(value))
    for name, value in values.items():
        ET.SubElement(parent, "prop", k=name, v=str(value))


def _symbol(name: str, kind: str, fill: str, outline: str, *, size_px: float = 10.0) -> ET.Element:
    symbol = ET.Element("symbol", type=kind, name=name, alpha="1", clip_to_extent="1", force_rhr="0")
    if kind == "marker":
        layer = ET.SubElement(symbol, "layer", attrib={"class": "SimpleMarker", "enabled": "1", "locked": "0",
                                                       "pass": "0"})
        _options(layer, {"name": "circle", "color": _rgba(fill, POINT_ALPHA), "outline_color": _rgba(outline),
                         "outline_style": "solid", "outline_width": "1", "outline_width_unit": "Pixel",
                         "size": f"{size_px:g}", "size_unit": "Pixel", "angle": "0"})
    elif kind == "fill":
        layer = ET.SubElement(symbol, "layer", attrib={"class": "SimpleFill", "enabled": "1", "locked": "0",
                                                       "pass": "0"})
        _options(layer, {"color": _rgba(fill, AREA_ALPHA), "style": "solid", "outline_color": _rgba(outline),
                         "outline_style": "solid", "outline_width": "1", "outline_width_unit": "Pixel"})
    else:
        layer = ET.SubElement(symbol, "layer", attrib={"class": "SimpleLine", "enabled": "1", "locked": "0",
                                                       "pass": "0"})
        _options(layer, {"line_color": _rgba(outline), "line_style": "solid", "line_width": "0.6",
                         "line_width_unit": "Pixel", "capstyle": "round", "joinstyle": "round"})
    return symbol


def _point_renderer(layer: str) -> ET.Element:
    field, values = CATEGORIES[layer]
    style = LAYER_STYLES[layer]
    size = 2 * style["radius"]
    expression = f'CASE WHEN "{DELETED}" THEN \'{DELETED}\' ELSE "{field}" END'
    renderer = ET.Element("renderer-v2", type="categorizedSymbol", attr=expression, symbollevels="0",
                          enableorderby="0", forceraster="0")
    categories, symbols = ET.SubElement(renderer, "categories"), ET.SubElement(renderer, "symbols")
    entries = [(value, STATUS_FILL.get(value, style["fill"]), style["color"], "true") for value in values]
    entries.append((DELETED, DELETED_COLOUR[1], DELETED_COLOUR[0], "false"))  # shown when ticked in the legend
    entries.append(("", style["fill"], style["color"], "true"))  # any other value
    for i, (value, fill, outline, render) in enumerate(entries):
        ET.SubElement(categories, "category", symbol=str(i), value=value, label=value or "…", render=render)
        symbols.append(_symbol(str(i), "marker", fill, outline, size_px=size))
    source = ET.SubElement(renderer, "source-symbol")
    source.append(_symbol("0", "marker", style["fill"], style["color"], size_px=size))
    return renderer


def renderer_element(layer: str, geometry_type: str | None) -> ET.Element | None:
    """The layer's renderer-v2 element (None for a table without geometry)."""
    if geometry_type is None:
        return None
    if layer in CATEGORIES:
        return _point_renderer(layer)
    renderer = ET.Element("renderer-v2", type="singleSymbol", symbollevels="0", enableorderby="0", forceraster="0")
    symbols = ET.SubElement(renderer, "symbols")
    if geometry_type == "LineString":
        symbols.append(_symbol("0", "line", ROAD_COLOUR, ROAD_COLOUR))
    else:
        style = LAYER_STYLES.get(layer, LAYER_STYLES["areas"])
        symbols.append(_symbol("0", "fill", style["fill"], style["color"]))
    return renderer


def labeling_element(layer: str) -> ET.Element | None:
    """Simple labels by code (sites) or name (areas), white-buffered; None for layers without labels."""
    field = label_field(layer)
    if field is None:
        return None
    labeling = ET.Element("labeling", type="simple")
    settings = ET.SubElement(labeling, "settings", calloutType="simple")
    text_style = ET.SubElement(settings, "text-style", fieldName=field, isExpression="0", fontSize="8",
                               fontSizeUnit="Point", textColor=_rgba("#1f2937"), fontFamily="Noto Sans CJK SC",
                               fontWeight="50", textOpacity="1", namedStyle="Regular", multilineHeight="1")
    ET.SubElement(text_style, "text-buffer", bufferDraw="1", bufferSize="0.8", bufferSizeUnits="MM",
                  bufferColor=_rgba("#ffffff"), bufferOpacity="1", bufferJoinStyle="128")
    point = layer != "areas"
    ET.SubElement(settings, "placement", placement="6" if point else "1", dist="1" if point else "0",
                  distUnits="MM", offsetType="1" if point else "0", placementFlags="10", priority="5")
    ET.SubElement(settings, "rendering", obstacle="1", displayAll="0", limitNumLabels="0", fontMinPixelSize="3",
                  fontMaxPixelSize="10000", scaleVisibility="0", upsidedownLabels="0", drawLabels="1")
    return labeling


def qml(layer: str, geometry_type: str | None) -> str:
    """The layer's style as a QML document (what QGIS stores in layer_styles.styleQML)."""
    labels = labeling_element(layer)
    root = ET.Element("qgis", version=QGIS_VERSION, styleCategories="Symbology|Labeling",
                      labelsEnabled="1" if labels is not None else "0")
    for element in (renderer_element(layer, geometry_type), labels):
        if element is not None:
            root.append(element)
    ET.SubElement(root, "layerGeometryType").text = {"Point": "0", "LineString": "1"}.get(geometry_type or "", "2")
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + ET.tostring(root, encoding="unicode")


def raster_pipe(maximum: float) -> ET.Element:
    """The population raster's pipe: people per pixel from none (transparent) to `maximum` on an orange ramp."""
    pipe = ET.Element("pipe")
    top = f"{maximum:g}"
    renderer = ET.SubElement(pipe, "rasterrenderer", type="singlebandpseudocolor", band="1", opacity="0.7",
                             alphaBand="-1", classificationMin="0", classificationMax=top, nodataColor="")
    shader = ET.SubElement(ET.SubElement(renderer, "rastershader"), "colorrampshader", colorRampType="INTERPOLATED",
                           classificationMode="1", clip="0", minimumValue="0", maximumValue=top)
    ET.SubElement(shader, "item", value="0", color="#ffffff", alpha="0", label="0")
    ET.SubElement(shader, "item", value=f"{maximum / 100:g}", color=POPULATION_RAMP[0], alpha="255",
                  label=f"{maximum / 100:g}")
    ET.SubElement(shader, "item", value=top, color=POPULATION_RAMP[1], alpha="255", label=top)
    return pipe
