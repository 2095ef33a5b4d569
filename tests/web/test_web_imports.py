"""Registry files imported through the web page by planners and admins, on both backends: the CLI's per-row
problems, one transaction (nothing changed on error), staff refused."""

from __future__ import annotations

import html
import io
import re
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.web.conftest import ARTIFACTS, csrf, sign_in, signed_in_page

GOOD = ("机构号,名称,状态,经度,纬度,地址\nW1,网页便民站,营业,116.66,40.12,顺义区网页路1号\n"
        "W2,第二便民站,营业,116.67,40.125,\n")
BAD = ("机构号,名称,状态,经度,纬度\nW3,好的一行,营业,116.66,40.12\nW4,坏的坐标,营业,abc,40.12\n"
       "W5,未知状态,飞行中,116.67,40.125\n")


def _stations(engine) -> set[str]:
    with engine.connect() as conn:
        return {r[0] for r in conn.execute(text("SELECT code FROM stations WHERE deleted_at IS NULL"))}


def _post(client, body: str, name: str = "站点.csv", kind: str = "stations", lang: str = "zh", **extra):
    data = {"csrf_token": csrf(client), "kind": kind, "file": (io.BytesIO(body.encode("utf-8")), name)} | extra
    return client.post(f"/imports/?lang={lang}", data=data, content_type="multipart/form-data")


def test_a_planner_imports_a_good_file(client, loaded):
    response = _post(client, GOOD)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="import-done"' in page
    assert re.search(r'id="import-summary">新增 2，更新 0，恢复 0，未变 0，删除 0<', page)
    assert "站点.csv" in page
    assert _stations(loaded) == {"W1", "W2"}
    again = _post(client, GOOD, lang="en").get_data(as_text=True)
    assert "0 created, 0 updated, 0 restored, 2 unchanged, 0 deleted" in again
    with loaded.connect() as conn:
        actors = {r[0] for r in conn.execute(text("SELECT actor FROM events WHERE table_name = 'stations'"))}
    assert actors == {"paula"}


def test_a_bad_file_changes_nothing_and_lists_every_problem_by_row(client, loaded):
    from planner.errors import InputError
    from planner.files.imports import prepare_import

    response = _post(client, BAD, name="bad.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="import-problems"' in page
    assert _stations(loaded) == set()  # not even the good row
    listed = re.findall(r"<li>([^<]*)</li>", page.split('id="import-problems"')[1].split("</div>")[0])
    with tempfile.TemporaryDirectory() as folder:  # what the CLI says about the same file
        path = Path(folder) / "bad.csv"
        path.write_text(BAD, encoding="utf-8")
        with pytest.raises(InputError) as cli:
            prepare_import(path, "stations")
    assert [html.unescape(item) for item in listed] == [p.text("zh") for p in cli.value.problems]
    assert len(listed) == 2 and "第 3 行" in listed[0] and "第 4 行" in listed[1]
    english = _post(client, BAD, name="bad.csv", lang="en").get_data(as_text=True)
    assert "nothing was loaded" in english and "row 3" in english


def test_replace_marks_missing_records_deleted(client, loaded):
    _post(client, GOOD)
    only_first = "机构号,名称,状态,经度,纬度\nW1,网页便民站,营业,116.66,40.12\n"
    page = _post(client, only_first, replace="on").get_data(as_text=True)
    assert "删除 1" in page and _stations(loaded) == {"W1"}


def test_staff_are_refused(app, loaded):
    staff = sign_in(app.test_client(), "alice")
    assert staff.get("/imports/").status_code == 403
    assert _post(staff, GOOD).status_code == 403
    assert _stations(loaded) == set()
    assert 'id="nav-imports"' not in staff.get("/review/").get_data(as_text=True)
    admin = sign_in(app.test_client(), "ada")
    assert admin.get("/imports/").status_code == 200


def test_the_import_page_in_a_browser(browser, live_url, loaded, backend, tmp_path):
    if backend != "spatialite":
        pytest.skip("the page does not depend on the backend (the tests above use both)")
    page = signed_in_page(browser, live_url)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    for viewport in ({"width": 390, "height": 844}, {"width": 1440, "height": 900}):
        page.set_viewport_size(viewport)
        page.goto(live_url + "/imports/")
        page.select_option("#import-kind", "stations")
        path = tmp_path / "bad.csv"
        path.write_text(BAD, encoding="utf-8")
        page.set_input_files("#import-file", str(path))
        page.click("#import-form button[type=submit]")
        page.locator("#import-problems").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"imports-refused-{viewport['width']}.png"), full_page=True)
    path = tmp_path / "good.csv"
    path.write_text(GOOD, encoding="utf-8")
    page.set_input_files("#import-file", str(path))
    page.click("#import-form button[type=submit]")
    page.locator("#import-done").wait_for()
    page.close()
    assert errors == [] and _stations(loaded) == {"W1", "W2"}
