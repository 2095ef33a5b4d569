"""Hostile input files built in the test: zip bombs, huge lines and headers, odd encodings."""

from __future__ import annotations

import struct
import zipfile

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
_SHEET_START = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns='
                b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
_SHEET_END = b"</sheetData></worksheet>"


def small_workbook(path, rows=(("code", "lon", "lat"), ("A1", 116.6, 40.1))):
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    book.save(path)
    return path


def with_sheet(base, path, write_sheet):
    """`base` with its first sheet's XML replaced by what `write_sheet(stream)` writes (streamed, deflated)."""
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename == SHEET:
                with target.open(SHEET, "w", force_zip64=True) as stream:
                    stream.write(_SHEET_START)
                    write_sheet(stream)
                    stream.write(_SHEET_END)
            else:
                target.writestr(info, source.read(info))
    return path


def declared_bomb(path, declared=1_100_000_000):
    """A real workbook of a few KB whose sheet claims to unpack to `declared` bytes (a 3.7 MB file
    that unpacks to 1.1 GB, as the issue found, without spending the time to make one)."""
    small_workbook(path)
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at >= 0:  # central directory entries: uncompressed size at +24, name length at +28, name at +46
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46:at + 46 + name_length]) == SHEET.encode():
            struct.pack_into("<I", data, at + 24, declared)
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))
    return path


def ratio_bomb(path, megabytes=40):
    """A workbook whose sheet really unpacks to `megabytes` of rows from a few hundred KB."""
    base = small_workbook(path.with_name("base-" + path.name))
    block = b"<row><c><v>1</v></c></row>" * 40_000

    def rows(stream):
        stream.write(b'<row r="1"><c t="inlineStr"><is><t>code</t></is></c></row>')
        for _ in range(megabytes):
            stream.write(block)

    return with_sheet(base, path, rows)


def wide_csv(path, columns=1_000_000):
    path.write_text(",".join(f"c{i % 10}" for i in range(columns)) + "\n1,2,3\n", encoding="ascii")
    return path


def long_line_csv(path, megabytes=200):
    """A valid header, then one line of `megabytes` MB, written in 1 MB pieces."""
    piece = b"x" * (1024 * 1024)
    with open(path, "wb") as handle:
        handle.write(b"code,lon,lat\nA1,116.6,40.1\nA2,")
        for _ in range(megabytes):
            handle.write(piece)
        handle.write(b",40.1\n")
    return path
