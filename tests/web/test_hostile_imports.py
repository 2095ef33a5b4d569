"""Hostile uploads on the web import page, on both backends: file names no folder can hold, unknown kinds,
missing CSRF tokens, staff, and whatever the file holds — each is a page that says so (never a 500), and the
registry is as it was."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import text

from tests.web.conftest import csrf, sign_in

GOOD = "机构号,名称,状态,经度,纬度\nW1,网页便民站,营业,116.66,40.12\n"


def _stations(engine) -> set[str]:
    with engine.connect() as conn:
        return {r[0] for r in conn.execute(text("SELECT code FROM stations"))}


_PAGE_TOKEN = object()  # the token the page hands out


def _post(client, body: bytes | str, name: str, kind: str = "stations", token=_PAGE_TOKEN):
    body = body.encode("utf-8") if isinstance(body, str) else body
    data = {"kind": kind, "file": (io.BytesIO(body), name)}
    if token is _PAGE_TOKEN:
        data["csrf_token"] = csrf(client)
    elif token is not None:
        data["csrf_token"] = token
    return client.post("/imports/?lang=en", data=data, content_type="multipart/form-data")


@pytest.mark.parametrize("name", ["..", "../..", "a/..", "..\\..", ".", "/", "\\", "a\nb.csv"])
def test_a_file_name_of_dots_or_slashes_is_read_as_any_other(client, loaded, name):
    response = _post(client, GOOD, name)
    assert response.status_code in (200, 400), response.status_code
    assert response.status_code == 400 or _stations(loaded) == {"W1"}


@pytest.mark.parametrize("name", ["站" * 200 + ".csv", "😀" * 100 + ".csv", "a" * 300 + ".csv"])
def test_a_file_name_longer_than_a_folder_holds_is_read(client, loaded, name):
    response = _post(client, GOOD, name)
    assert response.status_code == 200, response.get_data(as_text=True)[-800:]
    assert _stations(loaded) == {"W1"}


@pytest.mark.parametrize("name", ["../../etc/passwd.csv", "..\\..\\x.csv", "C:\\temp\\x.csv",
                                  "<img src=x onerror=alert(1)>.csv", "\u202egnp.csv"])
def test_folders_in_a_file_name_go_and_the_name_is_shown_as_text(client, loaded, name):
    response = _post(client, GOOD, name)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[-800:]
    assert "<img src=x" not in page and "/etc/" not in page and "\\temp" not in page


def test_an_unknown_kind_or_no_file_is_a_400(client, loaded):
    refused = _post(client, GOOD, "x.csv", kind="<script>alert(1)</script>")
    assert refused.status_code == 400 and "<script>alert(1)" not in refused.get_data(as_text=True)
    assert _post(client, GOOD, "", kind="stations").status_code == 400
    assert _stations(loaded) == set()


@pytest.mark.parametrize("token", [None, "", "forged"])
def test_no_or_a_forged_csrf_token_changes_nothing(client, loaded, token):
    assert _post(client, GOOD, "x.csv", token=token).status_code in (400, 403)
    assert _stations(loaded) == set()


def test_anonymous_and_staff_are_refused(app, loaded):
    anonymous = app.test_client()
    assert anonymous.post("/imports/", data={"kind": "stations"}).status_code in (302, 401, 403)
    staff = sign_in(app.test_client(), "alice")
    assert _post(staff, GOOD, "x.csv").status_code == 403
    assert _stations(loaded) == set()


@pytest.mark.parametrize(("body", "name"), [
    (b"PK\x03\x04not a zip", "x.xlsx"), (b"\x00\x01\x02garbage", "x.csv"), (b"", "x.csv"),
    ("\ufeff机构号,名称,状态,经度,纬度\nW1,便民站,营业,116.66,40.12\n".encode("gbk", "ignore"), "x.csv"),
    ("机构号,名称,状态,经度,纬度\nW1,便民站,营业,116.66,40.12\n".encode("gbk"), "gbk.csv"),
    (b"SQLite format 3\x00" + b"\x00" * 100, "x.gpkg"), (GOOD, "x.exe"), (GOOD, "x"),
    ('{"type": "FeatureCollection", "features": [' * 2000, "x.geojson"),
    ("机构号,名称,状态,经度,纬度\nW1,=cmd|' /C calc'!A0,营业,116.66,40.12\n", "x.csv"),
    ("机构号,名称,状态,经度,纬度\nW1,便民站,营业,nan,inf\n", "x.csv"),
    ("机构号,名称,状态,经度,纬度\nW1,便民站,营业,1e309,40\n", "x.csv"),
])
def test_an_unreadable_or_odd_file_is_a_page_not_an_error(client, loaded, body, name):
    response = _post(client, body, name)
    assert response.status_code in (200, 400, 413), response.get_data(as_text=True)[-800:]


def _bomb(kind: str) -> bytes:
    """A zip (an .xlsx, or a zipped shapefile) whose one part unpacks to 200 MB of the same byte."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        if kind == "xlsx":
            bomb.writestr("[Content_Types].xml", "<Types/>")
            bomb.writestr("xl/worksheets/sheet1.xml", b"<row>" + b" " * (200 * 1024 * 1024))
        else:
            bomb.writestr("stations.dbf", b"\x00" * (200 * 1024 * 1024))
    return out.getvalue()


@pytest.mark.parametrize(("kind", "name"), [("xlsx", "bomb.xlsx"), ("zip", "bomb.zip")])
def test_a_zip_bomb_is_refused_before_it_is_unpacked(client, loaded, kind, name):
    response = _post(client, _bomb(kind), name)
    assert response.status_code == 400, response.get_data(as_text=True)[-600:]
    assert 'id="import-problems"' in response.get_data(as_text=True)
    assert _stations(loaded) == set()


def test_a_file_over_the_upload_limit_is_refused_before_it_is_read(app, client, loaded):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    response = _post(client, GOOD + "W9,站,营业,116.66,40.12\n" * 5000, "big.csv")
    assert response.status_code == 413
    assert _stations(loaded) == set()


def test_two_imports_at_once_each_go_in_whole_or_not_at_all(app, loaded):
    import threading

    bodies = {name: "机构号,名称,状态,经度,纬度\n" + "".join(
        f"{name}{i},站{i},营业,{116.6 + i * 0.0001:.4f},40.12\n" for i in range(400)) for name in ("A", "B")}
    clients = {name: sign_in(app.test_client(), "paula") for name in bodies}
    answers = {}

    def send(name):
        answers[name] = _post(clients[name], bodies[name], f"{name}.csv", token=csrf(clients[name]))

    threads = [threading.Thread(target=send, args=(name,)) for name in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    loaded_codes = _stations(loaded)
    for name, answer in answers.items():
        assert answer.status_code in (200, 409, 423, 503), answer.status_code
        mine = {c for c in loaded_codes if c.startswith(name)}
        assert len(mine) == (400 if answer.status_code == 200 else 0)


@pytest.mark.parametrize("name", ["\u202egnp.csv", "a\u200bb\u2066.csv", "tab\there.csv"])
def test_invisible_and_control_characters_leave_the_shown_file_name(client, loaded, name):
    page = _post(client, GOOD, name).get_data(as_text=True)
    shown = page.split('id="import-done"')[1].split("</p>")[0]
    assert not any(ch in shown for ch in "\u202e\u200b\u2066\t"), shown
    assert _stations(loaded) == {"W1"}
