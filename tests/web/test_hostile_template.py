"""The applicant template as Excel and a check read it, in both languages: no formula anywhere, every header an
accepted alias of its field (interfaces.md, 'Tabular input columns'), the CSV's byte order mark, and a filled
template read back by a check (its example row passes), the same on both backends."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from planner.files.columns import FIELD_ALIASES
from planner.web.check_template import TEMPLATE_HEADERS
from tests.check_support import load_small_registry
from tests.web.conftest import sign_in, wait_for_check

FIELDS = ("code", "name", "address", "lon", "lat", "crs", "area_m2", "display_m2", "months_in_business", "signage",
          "line")


def _rows(body: bytes, fmt: str) -> list[list]:
    if fmt == "csv":
        assert body.startswith(b"\xef\xbb\xbf")  # Excel opens UTF-8 only with its mark
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    book = load_workbook(io.BytesIO(body))
    assert len(book.worksheets) == 1 and not book.defined_names
    cells = [cell for line in book.active.iter_rows() for cell in line]
    assert all(cell.data_type != "f" for cell in cells)
    return [[cell.value for cell in line] for line in book.active.iter_rows()]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_template_holds_no_formula_and_only_known_headers(client, loaded, lang, fmt):
    response = client.get(f"/check/template.{fmt}?lang={lang}")
    assert response.status_code == 200
    header, example, *rest = _rows(response.data, fmt)
    assert rest == []
    assert len(header) == len(FIELDS) == len(TEMPLATE_HEADERS)
    for field, name in zip(FIELDS, header, strict=True):
        assert name in FIELD_ALIASES[field], (field, name)
        assert (name.isascii()) == (lang == "en")
    assert not any(str(v).startswith(("=", "+", "-", "@")) for v in example if v is not None)


@pytest.mark.parametrize("fmt", ["no", "xlsx.exe", "csv%00", "../../etc/passwd"])
def test_another_template_format_is_refused(client, loaded, fmt):
    assert client.get(f"/check/template.{fmt}").status_code in (400, 404)


def test_anonymous_visitors_get_no_template(app, loaded):
    assert app.test_client().get("/check/template.xlsx").status_code in (302, 401)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_filled_template_comes_back_from_a_check_with_its_facts(app, engine, tmp_path, lang, fmt):
    load_small_registry(engine)
    client = sign_in(app.test_client(), "paula")
    body = client.get(f"/check/template.{fmt}?lang={lang}").data
    path = tmp_path / f"list.{fmt}"
    path.write_bytes(body)
    page = client.get("/check/").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post("/check/", data={"csrf_token": token, "profile": "yiwu",
                                            "file": (open(path, "rb"), path.name)})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert wait_for_check(client, location)["state"] == "done"
    features = client.get(location + "/rows.geojson").get_json()["features"]
    assert [f["properties"]["id"] for f in features] == ["A001"]
    assert features[0]["geometry"] is not None
    assert features[0]["properties"]["verdict"] == "pass"  # the example row sits where an applicant may
