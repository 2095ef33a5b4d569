"""Write small real files (XLSX, GIS layers) for the tests."""

from __future__ import annotations

import geopandas as gpd
from openpyxl import Workbook


def write_xlsx(path, headers, rows, *, title=None, sheets_before=()):
    """A workbook whose data sheet may follow other sheets and sit under a merged title."""
    book = Workbook()
    first = book.active
    for i, (name, content) in enumerate(sheets_before):
        sheet = first if i == 0 else book.create_sheet()
        sheet.title = name
        for row in content:
            sheet.append(row)
    sheet = book.create_sheet("数据") if sheets_before else first
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def write_points(path, columns: dict, lon, lat, *, crs=4326):
    frame = gpd.GeoDataFrame(columns, geometry=gpd.points_from_xy(lon, lat), crs=4326)
    if crs != 4326:
        frame = frame.to_crs(crs)
    frame.to_file(path)
    return path


def load_file(engine, path, kind="branches", *, crs=None, actor="tester", **kw):
    """Import a file into the registry the way `planner import` does."""
    from planner.files.imports import prepare_import
    from planner.registry.tables import load_records

    return load_records(engine, prepare_import(path, kind, crs=crs), actor=actor, **kw)
