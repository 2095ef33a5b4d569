"""The HTML representation of /ogc/: the same documents in the site's layout, in the user's language.

Pages are rendered for the signed-in person (the layout names them and carries their form token), so
they are never kept in the shared answer cache the JSON representation uses.
"""

from __future__ import annotations

import json

from flask import render_template, url_for

from planner.texts.interface import texts
from planner.texts.words import change_label, value_words, word
from planner.web.i18n import current_lang
from planner.web.ogc.documents import title_and_description
from planner.web.ogc.features import Collection, Rows

__all__ = ["render_page"]

_WORDED = ("kind", "status", "level", "verdict")


def render_page(template: str, **context) -> str:
    lang = current_lang()
    t = texts(lang)
    if "collection" in context:
        context["title"] = title_and_description(context["collection"], lang)[0]
        context["table"] = _table(context["collection"], context["rows"], context["page"], lang)
    return render_template(template, t=t, lang=lang, **context)


def _label(name: str, lang: str) -> str:
    t = texts(lang)
    if name in ("code", "name", "kind", "status", "address", "verdict", "reasons", "nearest_outlet",
                "nearest_station"):
        return t[name]
    if "ogc_" + name in t:
        return t["ogc_" + name]
    if name.endswith("_m") and name[:-2] in t:
        return f"{t[name[:-2]]}（{t['metres']}）" if lang == "zh" else f"{t[name[:-2]]} ({t['metres']})"
    return change_label(name, lang)


def _cell(name: str, value, lang: str):
    if value is None:
        return ""
    if name in _WORDED:
        return word(value_words(name), value, lang)
    if isinstance(value, bool):
        return texts(lang)["yes" if value else "no"]
    if isinstance(value, str) and len(value) > 19 and value[10] == "T":  # a change time: to the second
        return value[:19].replace("T", " ")
    return value


def _table(collection: Collection, rows: Rows, page, lang: str) -> dict:
    """Columns and rows for the table component: the page's features, each code linked to its own page."""
    columns = [{"key": name, "label": _label(name, lang),
                "num": name.endswith(("_m", "_m2")) or name in ("population", "households", "months_in_business")}
               for name in collection.properties]
    shown = []
    for i in list(page):
        properties = json.loads("{" + rows.properties[i] + "}")
        cells = {name: _cell(name, properties.get(name), lang) for name in collection.properties}
        cells["code"] = {"text": rows.codes[i], "href": url_for("ogc.item", cid=collection.id, code=rows.codes[i],
                                                                  f="html")}
        shown.append({"cells": cells})
    return {"columns": columns, "rows": shown}
