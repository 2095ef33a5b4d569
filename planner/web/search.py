"""The search page: registry records by code, name or address, each linked to its page or the map.

An exact code with a page of its own goes straight there. Stations and applicants have pages; outlets and
areas open the overview map centred on them (`focus`, `focus_layer`: planner.js asks the layer API for the
record in the map's coordinates).
"""

from __future__ import annotations

import unicodedata

from flask import Blueprint, redirect, render_template, request, url_for

from planner.registry.search import MAX_LIMIT, MAX_QUERY, search_registry
from planner.texts.interface import texts
from planner.web.context import read_connection
from planner.web.i18n import current_lang

__all__ = ["bp", "hit_url"]

bp = Blueprint("search", __name__, url_prefix="/search")


def hit_url(kind: str, code: str) -> str:
    """Where a found record is shown: its page, else the overview map centred on it (also for a code with a
    '/', which a page address cannot carry: /stations/a/b is no page)."""
    if "/" in code:
        return url_for("overview.index", focus=code, focus_layer=kind)
    if kind == "stations":
        return url_for("stations.page", code=code)
    if kind == "candidates":
        return url_for("candidates.page", code=code)
    return url_for("overview.index", focus=code, focus_layer=kind)


@bp.get("/")
def results():
    """Records whose code, name or address holds `q` (case-insensitive), at most MAX_LIMIT."""
    lang = current_lang()
    # Shown back as typed, less control and format characters (an unclosed right-to-left override would turn
    # the page's words around; the search drops them too).
    typed = request.args.get("q", "")
    query = "".join(ch for ch in typed if unicodedata.category(ch) not in ("Cc", "Cf")).strip()[:MAX_QUERY]
    hits = search_registry(read_connection(), query, limit=MAX_LIMIT) if query else []
    exact = [hit for hit in hits if hit.exact]
    if len(exact) == 1:
        return redirect(hit_url(exact[0].kind, exact[0].code))
    rows = [(hit, hit_url(hit.kind, hit.code)) for hit in hits]
    return render_template("search/results.html", t=texts(lang), lang=lang, query=query, rows=rows,
                           limit=MAX_LIMIT)
