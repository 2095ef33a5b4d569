"""Hostile text in the search box and in the records it finds, on both backends: LIKE's own characters and
its escape character are text, codes that a page address cannot carry, text as people type it (full-width,
zero-width), markup in names, anonymous visitors."""

from __future__ import annotations

import csv

import pytest

from planner.registry.search import search_registry
from tests.file_support import load_file
from tests.web.conftest import sign_in


@pytest.fixture
def registry(loaded, tmp_path):
    rows = [
        ["S1", "东庄便民站", "营业", 116.66, 40.12, "顺义区东庄路1号"],
        ["back\\slash", "反斜杠\\站", "营业", 116.661, 40.121, "C:\\Users\\x"],
        ["a/b", "<script>alert(1)</script>", "营业", 116.662, 40.122, '"><img src=x onerror=alert(1)>'],
        ["Z%1", "百分之百%站", "营业", 116.663, 40.123, "下划线_路"],
        ["a?b#c", "问号站", "营业", 116.664, 40.124, ""],
    ]
    path = tmp_path / "stations.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["机构号", "名称", "状态", "经度", "纬度", "地址"])
        writer.writerows(rows)
    load_file(loaded, path, "stations")
    return loaded


def _codes(engine, text):
    with engine.connect() as conn:
        return [h.code for h in search_registry(conn, text) if h.kind == "stations"]


def test_likes_escape_character_is_text(registry):
    assert _codes(registry, "\\") == ["back\\slash"]
    assert _codes(registry, "slash\\") == []  # a pattern ending in the escape character is no error
    assert _codes(registry, "C:\\Users") == ["back\\slash"]
    assert _codes(registry, "\\%") == [] and _codes(registry, "\\_") == []
    assert _codes(registry, "%站") == ["Z%1"] and _codes(registry, "_路") == ["Z%1"]
    assert _codes(registry, "[a-z]") == [] and _codes(registry, "*") == []


def test_text_as_people_type_it(registry):
    assert _codes(registry, "Ｓ１") == ["S1"]  # full-width letters and digits
    assert _codes(registry, "S\u200b1") == ["S1"]  # a zero-width space pasted with the code
    assert _codes(registry, "\u200b\u200b") == []  # nothing but invisible characters: nothing is searched
    assert _codes(registry, "\u202eS1") == ["S1"]  # a right-to-left override
    assert _codes(registry, "东庄") == ["S1"]


@pytest.mark.parametrize("query", ["%", "_", "\\", "'", "' OR 1=1 --", "\"", ";", "%%%%%%%%%%" * 10, "\t\n\r",
                                   "\x01\x1f\x7f", "\u202e\u200f", "Ｓ１", "<script>alert(1)</script>", "a/b",
                                   "a?b#c", "💥" * 100, "١٢٣"])
def test_the_page_answers_any_query(registry, app, query):
    client = sign_in(app.test_client(), "alice")
    response = client.get("/search/", query_string={"q": query})
    assert response.status_code in (200, 302), response.status_code
    page = response.get_data(as_text=True)
    assert "<script>alert(1)" not in page and "<img src=x" not in page


@pytest.mark.parametrize(("query", "target"), [
    ("a/b", "/?focus=a/b&focus_layer=stations"),  # /stations/a/b would be no page: the map centred on it
    ("a?b#c", "/stations/a%3Fb%23c"), ("BACK\\SLASH", "/stations/back%5Cslash")])
def test_an_exact_code_goes_where_it_is_shown(registry, app, query, target):
    client = sign_in(app.test_client(), "alice")
    response = client.get("/search/", query_string={"q": query})
    assert response.status_code == 302 and response.headers["Location"] == target
    assert client.get(target).status_code == 200


def test_markup_in_found_names_and_addresses_is_text(registry, app):
    client = sign_in(app.test_client(), "alice")
    page = client.get("/search/", query_string={"q": "alert"}).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert "&lt;img src=x" in page and "<img src=x" not in page


def test_anonymous_visitors_find_nothing(registry, app):
    response = app.test_client().get("/search/", query_string={"q": "S1"})
    assert response.status_code in (302, 401)
    assert "东庄便民站" not in response.get_data(as_text=True)


def test_invisible_characters_leave_the_query_shown_back(registry, app):
    client = sign_in(app.test_client(), "alice")
    page = client.get("/search/", query_string={"q": "\u202enothing\u200b here"}).get_data(as_text=True)
    notice = page.split('id="search-none"')[1].split("</p>")[0]
    again = page.split('class="search-again"')[1].split("</form>")[0]
    assert "nothing here" in notice and not any(ch in notice + again for ch in "\u202e\u200b")
