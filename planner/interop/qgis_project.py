"""A QGIS project (.qgz: a zip holding one .qgs XML) that opens an export's layers with our styles and labels.

Written without QGIS: the project references the GeoPackage beside it by a relative path (the two travel
together), its CRS is the storage CRS, the layers with geometry are drawn with the renderers and labels of
planner.interop.qgis_styles (the road network starts hidden), and the tables without geometry (history,
transactions, accounts, rasters) are in a folded group of their own, ready for the attribute table. The active
population raster, when there is one, is a raster layer under the others, unticked.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from pyproj import CRS

from planner.interop.gpkg_raster import RasterLayer
from planner.interop.qgis_styles import QGIS_VERSION, labeling_element, raster_pipe, renderer_element
from planner.rules.vocabulary import SRID

__all__ = ["DRAW_ORDER", "layer_source", "project_xml", "raster_source", "write_project"]

DRAW_ORDER = ("outlets", "stations", "candidates", "areas", "road_edges")  # top of the layer tree first
_HIDDEN = {"road_edges"}
_WKB_TYPES = {"Point": "Point", "LineString": "LineString", "MultiPolygon": "MultiPolygon"}
_GEOMETRY = {"Point": "Point", "LineString": "Line", "MultiPolygon": "Polygon"}


def layer_source(gpkg_name: str, layer: str) -> str:
    return f"./{gpkg_name}|layername={layer}"


def _layer_id(layer: str) -> str:
    return f"{layer}_planner_export"


def _spatial_ref(parent: ET.Element, crs_wkt: str | None = None) -> None:
    """The storage CRS as QGIS describes it (or, for a raster in another CRS, that CRS by WKT and code)."""
    ref = ET.SubElement(parent, "spatialrefsys", nativeFormat="Wkt")
    if crs_wkt is not None:
        crs = CRS.from_wkt(crs_wkt)
        authority = crs.to_authority()
        ET.SubElement(ref, "wkt").text = crs.to_wkt()
        ET.SubElement(ref, "authid").text = ":".join(authority) if authority else ""
        ET.SubElement(ref, "description").text = crs.name
        return
    crs = CRS.from_epsg(SRID)
    for tag, value in (("wkt", crs.to_wkt()), ("proj4", "+proj=longlat +datum=WGS84 +no_defs"), ("srsid", "3452"),
                       ("srid", str(SRID)), ("authid", f"EPSG:{SRID}"), ("description", crs.name),
                       ("projectionacronym", "longlat"), ("ellipsoidacronym", "EPSG:7030"), ("geographicflag", "true")):
        ET.SubElement(ref, tag).text = value


def _tree_layer(parent: ET.Element, gpkg_name: str, layer: str, checked: bool) -> None:
    node = ET.SubElement(parent, "layer-tree-layer", id=_layer_id(layer), name=layer, providerKey="ogr",
                         source=layer_source(gpkg_name, layer), expanded="1" if checked else "0",
                         checked="Qt::Checked" if checked else "Qt::Unchecked")
    ET.SubElement(node, "customproperties")


def _map_layer(parent: ET.Element, gpkg_name: str, layer: str, geometry: str | None) -> None:
    labels = labeling_element(layer)
    attributes = {"type": "vector", "labelsEnabled": "1" if labels is not None else "0",
                  "hasScaleBasedVisibilityFlag": "0", "readOnly": "0", "refreshOnNotifyEnabled": "0",
                  "geometry": _GEOMETRY[geometry] if geometry else "No geometry",
                  "wkbType": _WKB_TYPES[geometry] if geometry else "NoGeometry"}
    element = ET.SubElement(parent, "maplayer", attributes)
    ET.SubElement(element, "id").text = _layer_id(layer)
    ET.SubElement(element, "datasource").text = layer_source(gpkg_name, layer)
    ET.SubElement(element, "layername").text = layer
    if geometry:
        _spatial_ref(ET.SubElement(element, "srs"))
    ET.SubElement(element, "provider", encoding="UTF-8").text = "ogr"
    for part in (renderer_element(layer, geometry), labels):
        if part is not None:
            element.append(part)


def raster_source(gpkg_name: str, layer: str) -> str:
    return f"GPKG:./{gpkg_name}:{layer}"


def _raster_layer(parent: ET.Element, gpkg_name: str, raster: RasterLayer) -> None:
    element = ET.SubElement(parent, "maplayer", type="raster", hasScaleBasedVisibilityFlag="0")
    ET.SubElement(element, "id").text = _layer_id(raster.name)
    ET.SubElement(element, "datasource").text = raster_source(gpkg_name, raster.name)
    ET.SubElement(element, "layername").text = raster.name
    _spatial_ref(ET.SubElement(element, "srs"), raster.crs_wkt)
    ET.SubElement(element, "provider").text = "gdal"
    element.append(raster_pipe(raster.maximum))


def _map_canvas(root: ET.Element, extent: tuple[float, float, float, float]) -> None:
    """The view the project opens on: the registry's extent (west, south, east, north) in the storage CRS."""
    canvas = ET.SubElement(root, "mapcanvas", name="theMapCanvas", annotationsVisible="1")
    ET.SubElement(canvas, "units").text = "degrees"
    box = ET.SubElement(canvas, "extent")
    for tag, value in zip(("xmin", "ymin", "xmax", "ymax"), extent):
        ET.SubElement(box, tag).text = repr(float(value))
    ET.SubElement(canvas, "rotation").text = "0"
    _spatial_ref(ET.SubElement(canvas, "destinationsrs"))


def project_xml(gpkg_name: str, layers: list[tuple[str, str | None]], *, title: str,
                raster: RasterLayer | None = None, extent: tuple[float, float, float, float] | None = None) -> str:
    """The .qgs document for the layers (name, geometry type or None) of the GeoPackage `gpkg_name`, and its
    population raster when it has one (drawn under the areas, unticked), opening on `extent` when given."""
    root = ET.Element("qgis", projectname=title, version=QGIS_VERSION)
    ET.SubElement(root, "homePath", path="")
    ET.SubElement(root, "title").text = title
    _spatial_ref(ET.SubElement(root, "projectCrs"))
    if extent is not None:
        _map_canvas(root, extent)
    tree = ET.SubElement(root, "layer-tree-group")
    ET.SubElement(tree, "customproperties")
    kinds = dict(layers)
    drawn = [name for name in DRAW_ORDER if kinds.get(name)] + \
            [name for name, geometry in layers if geometry and name not in DRAW_ORDER]
    tables = [name for name, geometry in layers if not geometry]
    for name in drawn:
        _tree_layer(tree, gpkg_name, name, name not in _HIDDEN)
    if raster is not None:
        node = ET.SubElement(tree, "layer-tree-layer", id=_layer_id(raster.name), name=raster.name,
                             providerKey="gdal", source=raster_source(gpkg_name, raster.name), expanded="0",
                             checked="Qt::Unchecked")
        ET.SubElement(node, "customproperties")
    group = ET.SubElement(tree, "layer-tree-group", name="tables", checked="Qt::Checked", expanded="0")
    ET.SubElement(group, "customproperties")
    for name in tables:
        _tree_layer(group, gpkg_name, name, True)
    project_layers = ET.SubElement(root, "projectlayers")
    for name in drawn + tables:
        _map_layer(project_layers, gpkg_name, name, kinds[name])
    if raster is not None:
        _raster_layer(project_layers, gpkg_name, raster)
    order = ET.SubElement(root, "layerorder")
    for name in drawn + ([raster.name] if raster is not None else []):
        ET.SubElement(order, "layer", id=_layer_id(name))
    properties = ET.SubElement(root, "properties")
    paths = ET.SubElement(properties, "Paths")
    ET.SubElement(paths, "Absolute", type="bool").text = "false"
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + ET.tostring(root, encoding="unicode")


def write_project(path: Path, gpkg_name: str, layers: list[tuple[str, str | None]], *,
                  raster: RasterLayer | None = None, extent: tuple[float, float, float, float] | None = None) -> Path:
    """Write the .qgz at `path` for the GeoPackage `gpkg_name` in the same folder; returns `path`."""
    path = Path(path)
    document = project_xml(gpkg_name, layers, title=f"planner registry ({Path(gpkg_name).stem})", raster=raster,
                           extent=extent)
    partial = path.with_name(f".{path.name}.partial")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{path.stem}.qgs", document)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path
