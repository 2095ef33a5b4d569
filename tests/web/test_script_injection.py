"""Script-injection payloads in every user-supplied field stay text: on every page, popup, tooltip,
error page and the coverage export.

The browser runs with the Content-Security-Policy bypassed, so these tests see what escaping alone
does: a payload that reached HTML or JavaScript unescaped would run here (test_security_headers.py
checks the policy itself).
"""

from __future__ import annotations

from urllib.parse import quote, unquote

import pytest

from planner.registry.accounts import issue_token
from tests.web.conftest import signed_in_page, wait_until
from tests.web.hostile_support import (
    FILE_NAME,
    PAYLOADS,
    code,
    hostile_list,
    in_path,
    load_hostile,
)

# Elements and attributes a payload would have created, and whether one of its scripts ran.
SCAN = """() => {
  const found = [];
  for (const el of document.querySelectorAll("*")) {
    for (const a of el.attributes) {
      if (a.name.startsWith("on")) found.push(el.tagName + " " + a.name);
      if ((a.name === "href" || a.name === "src") && /^\\s*javascript:/i.test(a.value))
        found.push(el.tagName + " " + a.value);
    }
    if (el.tagName === "IMG" && el.getAttribute("src") === "x") found.push("img src=x");
    if (el.tagName === "SCRIPT" && el.textContent.startsWith("window.__xss")) found.push("script element");
  }
  return {xss: window.__xss === undefined ? null : String(window.__xss), found};
}"""
OPEN_TOOLTIPS = """() => {
  window.__planner.map.eachLayer((l) => { if (!l.feature && l.getTooltip && l.getTooltip()) l.openTooltip(); });
  return Array.from(document.querySelectorAll(".leaflet-tooltip"), (t) => t.textContent).join("\\n"); }"""
AREA_POINT = """(name) => { const m = window.__planner.map; let area = null;
  m.eachLayer((l) => { if (l.feature && l.feature.properties.name === name && l.getBounds) area = l; });
  if (!area) return null;
  m.getContainer().scrollIntoView({block: "center"});
  m.fitBounds(area.getBounds(), {animate: false});
  const sw = area.getBounds().getSouthWest(), ne = area.getBounds().getNorthEast();
  const p = m.latLngToContainerPoint([sw.lat + 0.25 * (ne.lat - sw.lat), sw.lng + 0.25 * (ne.lng - sw.lng)]);
  const r = m.getContainer().getBoundingClientRect(); return {x: r.left + p.x, y: r.top + p.y}; }"""
SITE_POINT = """([layer, code]) => { const m = window.__planner.map;
  const at = window.__planner.layers[layer].latLngOf(code);
  if (!at) return null;
  m.setView(at, 16, {animate: false}); const p = m.latLngToContainerPoint(at);
  const r = m.getContainer().getBoundingClientRect(); return {x: r.left + p.x, y: r.top + p.y}; }"""
POPUPS = """() => { const check = """ + SCAN + """; const seen = [];
  window.__planner.map.eachLayer((l) => { if (l.feature && l.getPopup && l.getPopup()) {
    l.openPopup(); seen.push([l.getPopup().getElement().textContent, check().found]); } });
  return seen; }"""


@pytest.fixture
def hostile(loaded, tmp_path):
    load_hostile(loaded, tmp_path)
    return loaded


def _recording(page):
    """`page`, recording (and dismissing) every dialog a payload might open."""
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    return page


def _page(browser, live_url):
    """A page signed in as the admin, the policy bypassed, every dialog recorded."""
    return _recording(signed_in_page(browser, live_url, "ada", bypass_csp=True))


def _assert_inert(page, where):
    state = page.evaluate(SCAN)
    assert state == {"xss": None, "found": []} and page.dialogs == [], (where, state, page.dialogs)


def _open(page, url, where=None, status=200):
    response = page.goto(url)
    assert response.status == status, (url, response.status)
    assert "script-src 'self'" in response.headers["content-security-policy"], url
    _assert_inert(page, where or url)
    return response


def _hover_areas(page, where):
    for payload in PAYLOADS:
        point = page.evaluate(AREA_POINT, payload)
        assert point, (where, payload)
        tooltip = page.locator(".leaflet-tooltip", has_text=payload)
        for step in range(20):  # hover until Leaflet (which throttles mouse moves) shows it
            page.mouse.move(point["x"] + step % 3, point["y"])
            page.wait_for_timeout(60)
            if tooltip.count():
                break
        assert payload in tooltip.inner_text(), (where, payload)  # shown as text
        _assert_inert(page, (where, "area", payload))


def test_overview_popups_and_tooltips_queue_and_users_keep_payloads_as_text(browser, live_url, hostile):
    page = _page(browser, live_url)
    _open(page, live_url + "/")
    wait_until(page, "window.__overviewDrawn !== undefined")
    assert "error" not in page.evaluate("window.__overviewDrawn")
    _hover_areas(page, "overview")
    for layer, kind in (("outlets", "o"), ("stations", "s"), ("candidates", "c")):
        for payload in PAYLOADS:
            page.evaluate("window.__planner.map.closePopup()")
            page.locator(".leaflet-popup").wait_for(state="detached")  # the last one has faded out
            point = page.evaluate(SITE_POINT, [layer, code(payload, kind)])
            page.mouse.click(point["x"], point["y"])
            popup = page.locator(".leaflet-popup-content", has_text=code(payload, kind))
            popup.locator("table").wait_for(timeout=5000)  # the full popup, from the API
            assert payload in popup.inner_text()
            if layer != "outlets":
                href = popup.locator("a").get_attribute("href")
                assert href.startswith(f"/{layer}/") and unquote(href.rsplit("/", 1)[1]) == code(payload, kind), href
            _assert_inert(page, (layer, payload))
    _open(page, live_url + "/review/")
    queue = page.inner_text("#review-queue")
    _open(page, live_url + "/admin/users")
    users = page.inner_text("#users")
    page.close()
    assert all(p in users for p in PAYLOADS)
    assert all(code(p, "c") in queue for i, p in enumerate(PAYLOADS) if i % 2 == 0)  # asked for more: waiting


def test_site_pages_show_hostile_neighbours_history_and_operators_as_text(browser, live_url, hostile):
    page = _page(browser, live_url)
    pages = [("candidates", "R0")] + [(table, code(p, kind)) for p in PAYLOADS if in_path(p)
                                      for table, kind in (("candidates", "c"), ("stations", "s"))]
    for table, site in pages:
        _open(page, f"{live_url}/{table}/{quote(site, safe='')}")
        wait_until(page, "window.__mapReady === true")
        tooltips = page.evaluate(OPEN_TOOLTIPS)
        _assert_inert(page, (table, site, "tooltips"))
        assert site in tooltips and site in page.inner_text("aside")
        if site == "R0":  # hostile neighbours, nearest outlet and station on its map
            assert all(code(p, "c") in tooltips for p in PAYLOADS)
            assert code(PAYLOADS[0], "o") in tooltips
        else:  # the decision or transfer: note, operator and actor are hostile
            payload = PAYLOADS[int(site.rsplit("~", 1)[1][1:])]
            assert payload in page.inner_text("#history")
    page.close()


def test_coverage_page_and_export_keep_area_names_as_text(browser, live_url, hostile, client, tmp_path):
    page = _page(browser, live_url)
    _open(page, live_url + "/coverage/")
    wait_until(page, "window.__mapReady === true")
    _hover_areas(page, "coverage")
    page.evaluate(OPEN_TOOLTIPS)
    _assert_inert(page, "coverage tooltips")
    assert any(p in page.inner_text("#gap-table") for p in PAYLOADS)
    page.close()
    export = tmp_path / "coverage.html"
    export.write_bytes(client.get("/coverage/report.html").data)
    page = _recording(browser.new_page(viewport={"width": 1280, "height": 800}, bypass_csp=True))
    page.route("http*://**/*", lambda route: route.abort())  # tiles: the report works without them
    page.goto(export.as_uri())
    wait_until(page, "window.__planner !== undefined && window.__planner.map !== undefined")
    _assert_inert(page, "export")
    _hover_areas(page, "export")
    body = page.inner_text("body")
    page.close()
    assert all(p in body for p in PAYLOADS)


def test_checked_upload_shows_hostile_ids_names_and_file_name_as_text(browser, live_url, hostile, tmp_path):
    upload = tmp_path / FILE_NAME
    upload.write_bytes(hostile_list(tmp_path).read_bytes())
    page = _page(browser, live_url)
    page.goto(live_url + "/check/")
    page.set_input_files("input[name=file]", str(upload))
    page.click("main button[type=submit]")
    wait_until(page, "window.__mapReady === true")
    _assert_inert(page, "check result")
    assert page.evaluate("window.__planner.drawn") == len(PAYLOADS)
    popups = page.evaluate(POPUPS)
    _assert_inert(page, "check popups")
    page.close()
    assert [found for _, found in popups] == [[]] * len(PAYLOADS)
    text = "\n".join(t for t, _ in popups)
    assert all(code(p, "l") in text and code(p, "o") in text for p in PAYLOADS)  # ids and reasons


def test_error_pages_echo_request_input_as_text(browser, live_url, hostile, app, tmp_path):
    page = _page(browser, live_url)
    station = code(PAYLOADS[2], "s")
    for payload in PAYLOADS:
        q = quote(payload, safe="")
        urls = {f"/?profile={q}": 400, f"/review/?today={q}": 400, f"/coverage/?profile={q}": 400,
                f"/stations/{quote(station, safe='')}?lon={q}&lat=1": 400, f"/signin?next={q}": 200}
        if in_path(payload):
            urls |= {f"/candidates/{q}": 404, f"/stations/{q}": 404, f"/coverage/report{q}": 400}
        for url, status in urls.items():
            _open(page, live_url + url, status=status)
            if status >= 400:
                assert payload in page.inner_text("#error-message"), url
    bad = tmp_path / (PAYLOADS[3] + ".pdf")
    bad.write_bytes(b"%PDF")
    page.goto(live_url + "/check/")
    page.set_input_files("input[name=file]", str(bad))
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click("main button[type=submit]")
    assert answer.value.status == 400 and ".pdf" in page.inner_text("#error-message")
    _assert_inert(page, "upload refused")
    page.close()
    # The API answers JSON (never HTML) that echoes the same input, with nosniff.
    token = issue_token(hostile, "ada")
    response = app.test_client().get(f"/api/layers/{quote(PAYLOADS[3], safe='')}",
                                     headers={"Authorization": f"Bearer {token}"})
    assert response.mimetype == "application/json" and response.headers["X-Content-Type-Options"] == "nosniff"
