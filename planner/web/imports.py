"""Registry files loaded through the web, by planners and admins: what `planner import` does, on a page.

The file is read and checked as the CLI reads it (planner.files.prepare_import): any bad row refuses the
whole file, every problem listed by row and column as the CLI lists them; a good file is written in one
transaction (planner.registry.load_records) or not at all. Staff are refused (403). Populations and road
networks stay with the CLI (large files, long runs).
"""

from __future__ import annotations

import tempfile
import unicodedata
from pathlib import Path

from flask import Blueprint, render_template, request

from planner.errors import InputError, PlannerError
from planner.files.imports import TABLE_OF_KIND, prepare_import
from planner.registry.tables import load_records
from planner.texts.interface import texts
from planner.web.auth import actor, role_required
from planner.web.context import get_engine
from planner.web.i18n import current_lang

__all__ = ["bp"]

bp = Blueprint("imports", __name__, url_prefix="/imports")

KINDS = tuple(TABLE_OF_KIND)  # branches, stations, candidates, areas, transactions
_MAX_PROBLEMS = 200  # listed on the page; the count says how many there were


_NAME_BYTES = 200  # of the name's UTF-8 (a folder entry holds at most 255 bytes)


def _upload_name(name: str) -> str:
    """The uploaded file's own name (messages quote it), without folders, invisible characters or characters a
    path cannot hold: '.' and '..' are not names, and a long name keeps its end (the suffix says how to read
    it) within _NAME_BYTES bytes, however many bytes its characters take."""
    name = Path((name or "").replace("\\", "/")).name
    # Control and format characters go: an unclosed right-to-left override would turn the page's words around.
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf"))
    if name in ("", ".", ".."):
        return "upload"
    return name.encode("utf-8", "ignore")[-_NAME_BYTES:].decode("utf-8", "ignore") or "upload"


def _page(lang: str, status: int = 200, **context):
    context.setdefault("kind", request.form.get("kind", "branches"))
    return render_template("imports/imports.html", t=texts(lang), lang=lang, kinds=KINDS, **context), status


@bp.get("/")
@role_required("planner")
def form():
    return _page(current_lang())


@bp.post("/")
@role_required("planner")
def load():
    """Read, check and load one file; on any problem nothing changes and every problem is listed."""
    lang = current_lang()
    t = texts(lang)
    kind = request.form.get("kind", "")
    upload = request.files.get("file")
    if kind not in KINDS:
        return _page(lang, 400, problems=[f"{kind!r}: " + t["import_kind"]])
    if upload is None or not upload.filename:
        return _page(lang, 400, problems=[t["import_no_file"]])
    name = _upload_name(upload.filename)
    with tempfile.TemporaryDirectory(prefix="planner-import-") as folder:
        path = Path(folder) / name
        upload.save(path)
        try:
            batch = prepare_import(path, kind)
            summary = load_records(get_engine(), batch, actor=actor(), replace=request.form.get("replace") == "on")
        except InputError as exc:
            problems = [p.text(lang) for p in exc.problems]
            return _page(lang, 400, problems=problems[:_MAX_PROBLEMS], problem_count=len(problems), file=name)
        except PlannerError as exc:
            return _page(lang, exc.http_status, problems=[exc.zh if lang == "zh" else exc.en], file=name)
    return _page(lang, done=t["import_summary"].format(**vars(summary)), file=name, notes=batch.notes,
                 repairs=[r.text(lang) for r in batch.repairs])
