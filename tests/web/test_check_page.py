"""Upload a list, follow the check, download the result: in the test client and in Chromium."""

import io
import re

import pandas as pd

from tests.check_support import load_small_registry, row, write_list
from tests.web.conftest import ARTIFACTS, signed_in_page, wait_for_check, wait_until

GOOD = (116.628, 40.1035)


def _token(client):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/check/").get_data(as_text=True)).group(1)


def test_upload_check_and_download(client, engine, tmp_path):
    load_small_registry(engine)
    path = write_list(tmp_path / "list.csv", [row("p", GOOD), row("q", ("x", 40.1))])
    response = client.post("/check/", data={"csrf_token": _token(client), "profile": "yiwu", "crs": "wgs84",
                                            "file": (open(path, "rb"), "list.csv")})
    assert response.status_code == 302
    location = response.headers["Location"]
    status = wait_for_check(client, location)
    assert status["state"] == "done" and status["counts"] == {"pass": 1, "fail": 0, "error": 1}
    download = client.get(location + "/download")
    assert "list.checked.csv" in download.headers["Content-Disposition"]
    result = pd.read_csv(io.BytesIO(download.data), dtype=str)
    assert result["verdict"].tolist() == ["pass", "error"] and result["序号"].tolist() == ["p", "q"]
    features = client.get(location + "/rows.geojson").get_json()["features"]
    assert [f["properties"]["id"] for f in features] == ["p"]  # rows without a position are not drawn


def test_form_posts_need_the_csrf_token(client, tmp_path):
    path = write_list(tmp_path / "list.csv", [row("p", GOOD)])
    response = client.post("/check/", data={"profile": "yiwu", "file": (open(path, "rb"), "list.csv")})
    assert response.status_code == 400


def test_unusable_uploads_are_refused_with_a_message(client, tmp_path):
    response = client.post("/check/", data={"csrf_token": _token(client), "profile": "yiwu",
                                            "file": (io.BytesIO(b"%PDF"), "list.pdf")})
    assert response.status_code == 400 and "list.pdf" in response.get_data(as_text=True)


def test_failed_checks_say_why(client, tmp_path):
    path = write_list(tmp_path / "list.csv", [row("p", GOOD)])
    response = client.post("/check/", data={"csrf_token": _token(client), "profile": "heilongjiang",
                                            "file": (open(path, "rb"), "list.csv"), "lang": "en"})
    status = wait_for_check(client, response.headers["Location"])
    assert status["state"] == "failed" and "walking" in status["message"]


def test_upload_in_a_browser_and_see_the_map(browser, live_url, engine, backend, tmp_path):
    load_small_registry(engine)
    path = write_list(tmp_path / "list.xlsx", [row("p", GOOD), row("near", (116.6051, 40.1051)), row("x", ("?", 1))])
    page = signed_in_page(browser, live_url)
    page.goto(live_url + "/check/")
    page.set_input_files("input[name=file]", str(path))
    page.click("main button[type=submit]")
    wait_until(page, "window.__mapReady === true")
    assert page.evaluate("window.__planner.drawn") == 2
    counts = {v: page.inner_text(f"td[data-verdict={v}]") for v in ("pass", "fail", "error")}
    with page.expect_download() as download_info:
        page.click("#download")
    saved = tmp_path / "downloaded.xlsx"
    download_info.value.save_as(saved)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"check-result-{backend}.png"))
    page.close()
    assert counts == {"pass": "1", "fail": "1", "error": "1"}
    result = pd.read_excel(saved, dtype=str)
    assert result["结论"].tolist() == ["通过", "不通过", "数据有误"]
