"""The candidate page: verdict with the nearest outlet and station, survey facts, history."""

import re

from tests.check_support import load_small_registry, offset
from tests.files import load_file, write_xlsx
from tests.web.conftest import ARTIFACTS


def _shop(engine, tmp_path, position, **facts):
    row = ["C9", "测试商店", "待勘察", position[0], position[1], facts.get("area", 20), "有", "无"]
    path = write_xlsx(tmp_path / "c.xlsx", ["序号", "店名", "状态", "经度", "纬度", "营业面积", "户外标识位", "通信线路"], [row])
    load_file(engine, path, "candidates", actor="alice")


def test_candidate_page_shows_verdict_facts_and_history(client, engine, tmp_path):
    load_small_registry(engine)
    _shop(engine, tmp_path, offset("O1", 300, 0))
    html = client.get("/candidates/C9").get_data(as_text=True)
    assert re.search(r'id="verdict"[^>]*>不通过<', html) and "O1" in html and "300.0" in html
    assert re.search(r'data-fact="signage">有<', html) and re.search(r'data-fact="line">无<', html)
    assert "alice" in html
    mianyang = client.get("/candidates/C9?profile=mianyang&lang=en").get_data(as_text=True)
    assert "communication line is not available" in mianyang


def test_unknown_candidate_is_a_404(client):
    assert client.get("/candidates/none").status_code == 404


def test_candidate_map_in_a_browser(browser, live_url, engine, backend, tmp_path):
    load_small_registry(engine)
    _shop(engine, tmp_path, offset("O1", 300, 0))
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(live_url) else r.abort())
    page.goto(live_url + "/candidates/C9")
    page.wait_for_function("window.__mapReady === true", timeout=30000)
    labels = page.locator(".leaflet-tooltip").all_inner_texts()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"candidate-{backend}.png"))
    page.close()
    assert any(text.startswith("O1: 300.0 m") for text in labels)
