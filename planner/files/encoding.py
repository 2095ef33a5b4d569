"""Which encoding a text file is in: UTF-8 (with or without BOM), GB18030, or Shift-JIS — or refuse.

Chinese offices save CSV as UTF-8 or GB18030 (Excel's "CSV" on a Chinese
Windows). Almost any byte string decodes as GB18030, so a file in another
encoding (Shift-JIS, Big5) would come out as plausible-looking garbage; it
is recognised instead by how few of its characters are everyday Chinese
(GB2312) ones. Shift-JIS text with kana in it is read as Shift-JIS; anything
else that is not clean UTF-8 or plausible GB18030 is refused, naming the
first row that does not read. The file is read in chunks: nothing here holds
the whole file.
"""

from __future__ import annotations

import codecs
import re

from planner.config import unusable_file

__all__ = ["detect_encoding"]

_CHUNK = 4 * 1024 * 1024
_SAMPLE_CHARS = 2_000_000  # decoded characters judged for plausibility
_MIN_JUDGED = 4  # fewer non-ASCII characters than this: nothing to judge, accept
_GB2312_SHARE = 0.8  # real GB18030 Chinese text is almost all GB2312 characters
_KANA_SHARE = 0.1  # real Japanese text has kana among its non-ASCII characters
_KANA = re.compile("[\u3040-\u30ff]")


class _UnreadableError(Exception):
    def __init__(self, row: int):
        self.row = row


def detect_encoding(path) -> tuple[str, str | None]:
    """(Python codec name, note for the user or None) for the text file at `path`."""
    with open(path, "rb") as handle:
        start = handle.read(4)
    if start[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        raise unusable_file(path, "the text is UTF-16 (Excel's \"Unicode text\"): save it as \"CSV UTF-8\"",
                            "文本为 UTF-16 编码（Excel 的“Unicode 文本”）：请另存为“CSV UTF-8”")
    try:
        _decode_all(path, "utf-8-sig")
        return "utf-8-sig", None
    except _UnreadableError as exc:
        first_bad = exc.row  # the first row that is not UTF-8 is where another encoding starts to show
    for encoding, plausible, note in (("gb18030", _mostly_gb2312, None),
                                      ("cp932", _has_kana, "read as Shift-JIS (Japanese) text")):
        try:
            if plausible(_decode_all(path, encoding)):
                return encoding, note
        except _UnreadableError:
            continue
    raise unusable_file(path, "the text is not UTF-8 or GB18030 (Chinese) and would read as garbage: "
                        "save it as \"CSV UTF-8\"",
                        "文本不是 UTF-8 或 GB18030 编码，读出来会是乱码：请另存为“CSV UTF-8”",
                        row=first_bad)


def _decode_all(path, encoding: str) -> str:
    """The first `_SAMPLE_CHARS` characters of the whole file decoded as `encoding`; raises
    _UnreadableError with the row (line, from 1) of the first byte that does not decode."""
    decoder = codecs.getincrementaldecoder(encoding)()
    sample, kept, lines_before = [], 0, 0
    with open(path, "rb") as handle:
        while True:
            chunk = handle.read(_CHUNK)
            final = not chunk
            try:
                text = decoder.decode(chunk, final=final)
            except UnicodeDecodeError as exc:
                pending = len(exc.object) - len(chunk)  # bytes the decoder held back from the last chunk
                bad = max(0, exc.start - pending)
                raise _UnreadableError(lines_before + chunk[:bad].count(b"\n") + 1) from None
            if kept < _SAMPLE_CHARS:
                sample.append(text[:_SAMPLE_CHARS - kept])
                kept += len(sample[-1])
            if final:
                return "".join(sample)
            lines_before += chunk.count(b"\n")


def _non_ascii(text: str) -> int:
    return len(text) - len(text.encode("ascii", "ignore"))


def _mostly_gb2312(text: str) -> bool:
    """True when nearly every non-ASCII character is an everyday (GB2312) one, counted in C: each
    GB2312 character encodes as two bytes, every other non-ASCII one as none."""
    non_ascii = _non_ascii(text)
    if non_ascii < _MIN_JUDGED:
        return True
    common = (len(text.encode("gb2312", "ignore")) - (len(text) - non_ascii)) // 2
    return common >= _GB2312_SHARE * non_ascii


def _has_kana(text: str) -> bool:
    non_ascii = _non_ascii(text)
    return non_ascii > 0 and len(_KANA.findall(text)) >= _KANA_SHARE * non_ascii
