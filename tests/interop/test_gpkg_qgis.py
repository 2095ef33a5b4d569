"""What QGIS reads from an export: the declared CRS, the `layer_styles` table (our maps' colours, labels by code
or name) and the .qgz project beside the GeoPackage that opens every layer by a relative path."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile

import pyogrio
import pytest
import rasterio

from planner.interop.gpkg_export import export_registry
from planner.maps.render import LAYER_STYLES, STATUS_FILL
from planner.registry.population_raster import active_raster
from planner.registry.tables import extent
from planner.registry.whole_registry import LAYERS

DRAWN = ["areas", "outlets", "candidates", "stations", "road_edges"]


def _rgba(colour: str, alpha: int) -> str:
    return ",".join(str(int(colour[i:i + 2], 16)) for i in (1, 3, 5)) + f",{alpha}"


def _xml(document: str) -> ET.Element:
    return ET.fromstring(document.split("\n", 1)[1] if document.startswith("<!DOCTYPE") else document)  # noqa: S314 (our own file)


@pytest.fixture
def exported(filled, tmp_path):
    export_registry(filled, tmp_path / "r.gpkg")
    return tmp_path / "r.gpkg"


def test_layers_declare_the_storage_crs(exported):
    listed = dict(pyogrio.list_layers(exported).tolist())
    assert [name for name in DRAWN if listed[name]] == DRAWN
    for name in DRAWN:
        assert pyogrio.read_info(exported, layer=name)["crs"] == "EPSG:4326"
    marker = pyogrio.read_dataframe(exported, layer="planner_export").set_index("key")["value"]
    assert marker["storage_crs"] == "EPSG:4326" and marker["format"] == "planner-registry"
    assert "password_hash" in marker["left_out"]


def test_layer_styles_is_qgis_table_with_our_colours(exported):
    assert "layer_styles" in pyogrio.list_layers(exported)[:, 0]
    styles = pyogrio.read_dataframe(exported, layer="layer_styles")
    for column in ("f_table_catalog", "f_table_schema", "f_table_name", "f_geometry_column", "styleName", "styleQML",
                   "styleSLD", "useAsDefault", "description", "owner", "ui", "update_time"):
        assert column in styles.columns
    assert sorted(styles["f_table_name"]) == sorted(DRAWN)
    assert set(styles["f_geometry_column"]) == {"geom"} and styles["useAsDefault"].astype(bool).all()
    qml = {row.f_table_name: _xml(row.styleQML) for row in styles.itertuples()}
    stations = qml["stations"].find("renderer-v2")
    assert stations.get("type") == "categorizedSymbol" and '"status"' in stations.get("attr")
    categories = {c.get("value"): c for c in stations.iter("category")}
    assert {"open", "listed_for_exit", "closed", "deleted"} <= set(categories)
    assert categories["deleted"].get("render") == "false"  # soft-deleted rows: a category of their own, off
    symbol = stations.find(f"symbols/symbol[@name='{categories['listed_for_exit'].get('symbol')}']")
    colour = symbol.find(".//Option[@name='color']").get("value")
    assert colour == _rgba(STATUS_FILL["listed_for_exit"], 230)
    outlets = qml["outlets"].find("renderer-v2")
    agency = next(c for c in outlets.iter("category") if c.get("value") == "agency")
    assert outlets.find(f"symbols/symbol[@name='{agency.get('symbol')}']//Option[@name='color']").get("value") == \
        _rgba(STATUS_FILL["agency"], 230)
    area_fill = qml["areas"].find(".//Option[@name='color']").get("value")
    assert area_fill == _rgba(LAYER_STYLES["areas"]["fill"], 38)
    assert qml["stations"].find("labeling/settings/text-style").get("fieldName") == "code"
    assert qml["areas"].find("labeling/settings/text-style").get("fieldName") == "name"
    assert qml["stations"].get("labelsEnabled") == "1" and qml["road_edges"].find("labeling") is None
    sld = _xml(styles.set_index("f_table_name").loc["stations", "styleSLD"])
    assert "StyledLayerDescriptor" in sld.tag and len(sld.findall(".//{http://www.opengis.net/sld}Rule")) == 3


def test_qgz_opens_every_layer_by_a_relative_path(exported, filled):
    project = exported.with_suffix(".qgz")
    with zipfile.ZipFile(project) as archive:
        assert archive.namelist() == ["r.qgs"]
        root = _xml(archive.read("r.qgs").decode("utf-8"))
    assert root.tag == "qgis" and root.find("projectCrs/spatialrefsys/authid").text == "EPSG:4326"
    assert root.find("properties/Paths/Absolute").text == "false"
    view = [float(root.find(f"mapcanvas/extent/{edge}").text) for edge in ("xmin", "ymin", "xmax", "ymax")]
    assert view == list(extent(filled))  # the project opens on the registry
    layers = {m.find("layername").text: m for m in root.iter("maplayer")}
    assert sorted(layers) == sorted([spec.name for spec in LAYERS] + ["population"])
    tree = {node.get("name"): node for node in root.iter("layer-tree-layer")}
    listed = dict(pyogrio.list_layers(exported).tolist())
    for name, layer in layers.items():
        source = layer.find("datasource").text
        assert source == tree[name].get("source")
        if layer.get("type") == "raster":
            continue
        assert source == f"./r.gpkg|layername={name}"
        assert name in listed and (project.parent / source.split("|")[0]).resolve() == exported.resolve()
        assert (layer.find("renderer-v2") is not None) == bool(listed[name])
        if listed[name]:
            assert layer.find("srs/spatialrefsys/authid").text == "EPSG:4326"
    assert layers["stations"].get("labelsEnabled") == "1"
    assert layers["stations"].find("labeling/settings/text-style").get("fieldName") == "code"
    assert tree["road_edges"].get("checked") == "Qt::Unchecked"  # the network starts hidden
    population = layers["population"]
    assert population.find("datasource").text == "GPKG:./r.gpkg:population"
    assert population.find("provider").text == "gdal" and population.find("pipe/rasterrenderer") is not None


def test_the_active_population_raster_is_a_raster_layer(exported, filled):
    stored = active_raster(filled)
    with rasterio.open(f"GPKG:{exported}:population") as raster:
        assert raster.crs.to_epsg() == 4326 and tuple(raster.transform)[:6] == stored.transform
        assert (raster.read(1) == stored.values.astype("float32")).all()
