"""The candidate page: verdict with the nearest outlet and station, survey facts, history."""

import re

from tests.check_support import load_small_registry, offset
from tests.file_support import load_file, write_xlsx
from tests.web.conftest import ARTIFACTS, csrf, sign_in, signed_in_page, wait_until


def _shop(engine, tmp_path, position, **facts):
    row = ["C9", "测试商店", "待勘察", position[0], position[1], facts.get("area", 20), "有", "无"]
    headers = ["序号", "店名", "状态", "经度", "纬度", "营业面积", "户外标识位", "通信线路"]
    path = write_xlsx(tmp_path / "c.xlsx", headers, [row])
    load_file(engine, path, "candidates", actor="alice")


def test_candidate_page_shows_verdict_facts_and_history(client, engine, tmp_path):
    load_small_registry(engine)
    _shop(engine, tmp_path, offset("O1", 300, 0))
    html = client.get("/candidates/C9").get_data(as_text=True)
    assert re.search(r'id="verdict"[^>]*>不通过<', html) and "O1" in html and "300.0" in html
    assert re.search(r'name="signage">.*?value="1" selected>有<', html, re.S)
    assert re.search(r'name="line">.*?value="0" selected>无<', html, re.S)
    assert re.search(r'name="area_m2" value="20"', html)
    assert "alice" in html
    mianyang = client.get("/candidates/C9?profile=mianyang&lang=en").get_data(as_text=True)
    assert "communication line is not available" in mianyang


def test_staff_save_facts_and_decide_on_the_page(app, engine, tmp_path):
    load_small_registry(engine)
    _shop(engine, tmp_path, offset("O1", 900, 0))
    staff = sign_in(app.test_client(), "alice")
    token = csrf(staff)
    saved = staff.post("/candidates/C9/facts?profile=yiwu", data={
        "csrf_token": token, "area_m2": "42", "display_m2": "3", "months_in_business": "", "signage": "1",
        "line": "1"}, follow_redirects=True).get_data(as_text=True)
    assert 'data-flash="done"' in saved and re.search(r'id="status">待决定<', saved)
    assert re.search(r"营业面积（平方米）: 20 → 42", saved) and "通信线路: 无 → 有" in saved
    no_note = staff.post("/candidates/C9/decision", data={"csrf_token": token, "decision": "approve", "note": ""},
                         follow_redirects=True).get_data(as_text=True)
    assert 'data-flash="problem"' in no_note and re.search(r'id="status">待决定<', no_note)
    forged = staff.post("/candidates/C9/decision", data={"decision": "approve", "note": "x"})
    assert forged.status_code == 400
    done = staff.post("/candidates/C9/decision?lang=en", data={"csrf_token": token, "decision": "approve",
                                                               "note": "survey fine"},
                      follow_redirects=True).get_data(as_text=True)
    assert re.search(r'id="status">approved<', done) and "survey fine" in done
    assert re.search(r'data-action="approve"><th>[^<]+<br>alice</th>', done)
    assert 'id="decision-form"' not in done  # decided: no more buttons


def test_unknown_candidate_is_a_404(client):
    assert client.get("/candidates/none").status_code == 404


def test_candidate_map_in_a_browser(browser, live_url, engine, backend, tmp_path):
    load_small_registry(engine)
    _shop(engine, tmp_path, offset("O1", 300, 0))
    page = signed_in_page(browser, live_url)
    page.goto(live_url + "/candidates/C9")
    wait_until(page, "window.__mapReady === true")
    labels = page.locator(".leaflet-tooltip").all_inner_texts()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"candidate-{backend}.png"))
    page.close()
    assert any(text.startswith("O1: 300.0 米") for text in labels)
