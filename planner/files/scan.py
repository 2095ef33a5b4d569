"""Look at a user's file before reading it: its size, the length of its lines, the parts of a zip.

Each scan streams the file in chunks and stops at the first thing over a
limit, so a 200 MB line, a million-column header or a zip that unpacks to
gigabytes is refused after reading a few megabytes, not after holding it all.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

import numpy as np

from planner.config import Limits, unusable_file

__all__ = ["check_size", "check_zip", "scan_lines", "scan_xlsx_parts"]

_CHUNK = 4 * 1024 * 1024
_MB = 1024 * 1024
_RATIO_FLOOR = _MB  # parts smaller than this may compress as well as they like
_MAX_PARTS = 10_000
# The start of a sheet row or a shared string, with or without a namespace prefix.
_ELEMENT = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,15}:)?(?:row|si)[\s>/]")
_ELEMENT_MAX = 32  # no match of _ELEMENT is longer
_OUTSIDE_ROWS = 16  # what comes before the first row or after the last may be this many lines long


def _mb(n: int) -> str:
    return f"{n / _MB:,.1f} MB" if n < 10 * _MB else f"{n / _MB:,.0f} MB"


def check_size(path: Path, limits: Limits) -> int:
    """The file's size; refuses a file larger than PLANNER_MAX_FILE_MB."""
    size = path.stat().st_size
    if size > limits.file_bytes:
        raise unusable_file(path, f"the file is {_mb(size)}, more than the {_mb(limits.file_bytes)} allowed "
                            "(PLANNER_MAX_FILE_MB)", f"文件大小 {_mb(size)}，超过允许的 {_mb(limits.file_bytes)}"
                            "（PLANNER_MAX_FILE_MB）")
    return size


def scan_lines(path: Path, limits: Limits) -> int:
    """The number of lines of a text file; refuses, naming the row, a line longer than PLANNER_MAX_LINE_KB."""
    lines, current, offset = 0, 0, 0  # lines ended so far, length of the line in progress, chunk's offset
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            ends = np.flatnonzero(np.frombuffer(chunk, np.uint8) == 0x0A)
            if ends.size == 0:
                current += len(chunk)
            else:
                lengths = np.empty(ends.size, np.int64)
                lengths[0] = current + ends[0]
                lengths[1:] = np.diff(ends) - 1
                too_long = np.flatnonzero(lengths > limits.line_bytes)
                if too_long.size:
                    k = int(too_long[0])
                    start = offset - current if k == 0 else offset + int(ends[k - 1]) + 1
                    raise _long_line(path, lines + k + 1, start, limits)
                lines += ends.size
                current = len(chunk) - int(ends[-1]) - 1
            if current > limits.line_bytes:
                raise _long_line(path, lines + 1, offset + len(chunk) - current, limits)
            offset += len(chunk)
    return lines + (current > 0)


def _long_line(path: Path, row: int, start: int, limits: Limits):
    """The refusal of a long line: about its columns when that is what makes it long."""
    with open(path, "rb") as handle:
        handle.seek(start)
        sample = handle.read(limits.line_bytes)
    columns = 1 + max(sample.count(d) for d in (b",", b";", b"\t"))
    if columns > limits.columns:
        return unusable_file(path, f"at least {columns:,} columns, more than the {limits.columns:,} allowed "
                             "(PLANNER_MAX_COLUMNS)", f"至少 {columns:,} 列，超过允许的 {limits.columns:,} 列"
                             "（PLANNER_MAX_COLUMNS）", row=row)
    kb = limits.line_bytes // 1024
    return unusable_file(path, f"the line is longer than {kb:,} KB (PLANNER_MAX_LINE_KB)",
                         f"该行长度超过 {kb:,} KB（PLANNER_MAX_LINE_KB）", row=row)


def check_zip(path: Path, limits: Limits) -> list[zipfile.ZipInfo]:
    """The parts of a zip (.xlsx, zipped shapefile) from its directory, refusing a zip bomb by the sizes
    the parts declare, which Python's zipfile then holds them to, before anything is unpacked."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        what = ("workbook", "工作簿") if path.suffix.lower() in (".xlsx", ".xlsm") else ("zip file", "zip 文件")
        raise unusable_file(path, f"cannot open {what[0]}: not a valid zip (an .xlsx workbook is one), the file is "
                            "damaged or of another type",
                            f"无法打开{what[1]}：不是有效的 zip 压缩包（.xlsx 工作簿即 zip），"
                            "文件已损坏或类型不符") from None
    if len(parts) > _MAX_PARTS:
        raise unusable_file(path, f"{len(parts):,} parts in the zip: refused as a possible zip bomb",
                            f"压缩包内有 {len(parts):,} 个部件：疑似压缩炸弹，拒绝读取")
    unpacked = sum(p.file_size for p in parts)
    if unpacked > limits.unpacked_bytes:
        raise unusable_file(path, f"unpacks to {_mb(unpacked)}, more than the {_mb(limits.unpacked_bytes)} allowed "
                            "(PLANNER_MAX_UNPACKED_MB): refused as a possible zip bomb",
                            f"解压后 {_mb(unpacked)}，超过允许的 {_mb(limits.unpacked_bytes)}"
                            "（PLANNER_MAX_UNPACKED_MB）：疑似压缩炸弹，拒绝读取")
    for part in parts:
        if part.file_size > _RATIO_FLOOR and part.file_size > limits.zip_ratio * max(part.compress_size, 1):
            ratio = part.file_size / max(part.compress_size, 1)
            raise unusable_file(path, f"part {part.filename} unpacks {ratio:,.0f} times its packed size "
                                f"(more than {limits.zip_ratio:g}×, PLANNER_MAX_ZIP_RATIO): refused as a possible "
                                "zip bomb", f"部件 {part.filename} 解压后为压缩大小的 {ratio:,.0f} 倍（超过 "
                                f"{limits.zip_ratio:g} 倍，PLANNER_MAX_ZIP_RATIO）：疑似压缩炸弹，拒绝读取")
    return parts


def scan_xlsx_parts(path: Path, limits: Limits) -> None:
    """Refuse a workbook whose XML declares entities, or has a row or shared string longer than
    PLANNER_MAX_LINE_KB, or more rows than PLANNER_MAX_ROWS (openpyxl builds a whole row in memory)."""
    parts = check_zip(path, limits)
    try:
        with zipfile.ZipFile(path) as archive:
            for part in parts:
                if not part.is_dir():
                    with archive.open(part) as stream:
                        _scan_part(path, part.filename, stream, limits)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError) as exc:
        # a damaged part, an unknown compression method, a password
        raise unusable_file(path, f"cannot open workbook: the file is damaged ({exc})",
                            f"无法打开工作簿：文件已损坏（{exc}）") from None


def _scan_part(path: Path, name: str, stream, limits: Limits) -> None:
    chunk = stream.read(_CHUNK)
    if not chunk.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return  # not XML (an image, a binary part): openpyxl does not parse it
    previous, rows, offset, carry = None, 0, 0, b""  # last element start, rows seen, offset of `carry`
    while chunk:
        following = stream.read(_CHUNK)
        buffer = carry + chunk
        if b"<!DOCTYPE" in buffer or b"<!ENTITY" in buffer:
            raise unusable_file(path, f"part {name} declares XML entities, which no spreadsheet program writes",
                                f"部件 {name} 含有 XML 实体声明，不是电子表格软件生成的文件")
        cut = len(buffer) if not following else len(buffer) - _ELEMENT_MAX
        for match in _ELEMENT.finditer(buffer, 0, len(buffer)):
            if match.start() >= cut:
                break
            at = offset + match.start()
            _check_gap(path, name, previous, at, limits)
            previous = at
            rows += match.group().lstrip(b"<").split(b":")[-1].startswith(b"row")
        if rows > limits.rows + 30:
            raise unusable_file(path, f"part {name} has more than {limits.rows:,} rows (PLANNER_MAX_ROWS)",
                                f"部件 {name} 超过 {limits.rows:,} 行（PLANNER_MAX_ROWS）")
        offset, carry, chunk = offset + cut, buffer[cut:], following
    _check_gap(path, name, previous, offset + len(carry), limits, last=True)


def _check_gap(path: Path, name: str, previous: int | None, at: int, limits: Limits, *, last: bool = False):
    """Refuse when the text since the previous row (or shared string) is longer than a line may be."""
    allowed = limits.line_bytes * (_OUTSIDE_ROWS if previous is None or last else 1)
    if at - (previous or 0) > allowed:
        kb = allowed // 1024
        raise unusable_file(path, f"part {name} holds a row or text longer than {kb:,} KB (PLANNER_MAX_LINE_KB)",
                            f"部件 {name} 中有长度超过 {kb:,} KB 的行或文本（PLANNER_MAX_LINE_KB）")
