"""The layout shell in a real browser: the base-map choice both ways (kept in a cookie), the note over a map
whose tiles cannot load (tests refuse every request off this machine), at a phone's and a desktop's size."""

from __future__ import annotations

import pytest

from tests.web.conftest import ARTIFACTS, signed_in_page, wait_until, watch

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_base_map_choice_switches_both_ways_and_is_remembered(browser, live_url, backend, viewport):
    page = signed_in_page(browser, live_url)
    page.set_viewport_size(viewport)
    errors = watch(page, live_url)
    page.goto(live_url + "/?profile=yiwu")
    wait_until(page, "window.__mapReady === true && document.readyState === 'complete'")
    if viewport is PHONE:
        page.click("#menu-button")
    page.select_option("#basemap-choice", "none")
    page.wait_for_url("**basemap=none**")
    wait_until(page, "window.__mapReady === true")
    assert "profile=yiwu" in page.url  # the page's other query values stay
    assert page.evaluate("document.querySelectorAll('.leaflet-tile').length") == 0
    assert page.evaluate("window.__planner.tiles") is None
    page.goto(live_url + "/exits/")  # remembered on the next page
    assert page.eval_on_selector("#basemap-choice", "s => s.value") == "none"
    if viewport is PHONE:
        page.click("#menu-button")
    page.select_option("#basemap-choice", "osm")
    page.wait_for_url("**basemap=osm**")
    page.goto(live_url + "/")
    wait_until(page, "window.__mapReady === true")
    # Offline: the tiles fail, the map says so once and no longer credits OpenStreetMap.
    note = page.locator("#tile-note")
    note.wait_for(timeout=10_000)
    assert page.locator(".tile-note").count() == 1
    assert "底图" in note.inner_text()
    assert "OpenStreetMap" not in page.inner_text(".leaflet-control-attribution")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"shell-basemap-{backend}-{viewport['width']}.png"))
    page.goto(live_url + "/?lang=en")
    page.locator("#tile-note").wait_for(timeout=10_000)
    assert "Base map tiles could not be loaded" in page.inner_text("#tile-note")
    page.close()
    assert errors == []


def test_the_page_loads_while_tile_servers_hang(browser, live_url, backend):
    """A tile server that never answers holds back neither the page's load nor the map's flag."""
    page = signed_in_page(browser, live_url)
    page.unroute("**/*")
    hanging = []
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(live_url) else hanging.append(r))
    page.goto(live_url + "/", wait_until="load", timeout=15_000)
    assert page.evaluate("window.__mapReady") is True
    wait_until(page, "document.querySelectorAll('.leaflet-tile').length > 0")  # the tiles were asked for
    assert hanging
    for route in hanging:
        route.abort()
    page.close()


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"], page.url


def test_the_menu_on_a_phone_opens_and_reaches_every_link(browser, live_url, backend):
    page = signed_in_page(browser, live_url, "ada")
    page.set_viewport_size(PHONE)
    errors = watch(page, live_url)
    page.goto(live_url + "/review/")
    button = page.locator("#menu-button")
    brand = page.locator(".topbar .brand").bounding_box()
    box = button.bounding_box()
    bar = page.locator("#topbar").bounding_box()
    assert abs((box["y"] + box["height"] / 2) - (brand["y"] + brand["height"] / 2)) < 4  # one line
    assert bar["height"] < 60
    assert not page.locator("#topbar-menu nav").is_visible()
    assert button.get_attribute("aria-expanded") == "false"
    _no_sideways_scroll(page)
    main_top = page.locator("main").bounding_box()["y"]
    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    links = page.locator("#topbar-menu nav a")
    assert links.count() >= 8
    for i in range(links.count()):
        assert links.nth(i).is_visible()
        link_box = links.nth(i).bounding_box()
        assert link_box["x"] >= 0 and link_box["x"] + link_box["width"] <= 390
    for part in ("#basemap-choice", "#signed-in-user", ".topbar .lang"):
        assert page.locator(part).is_visible(), part
    assert page.locator("main").bounding_box()["y"] == main_top  # the menu drops over the page: nothing moves
    assert button.bounding_box() == box
    _no_sideways_scroll(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"shell-menu-open-{backend}-390.png"))
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false" and not links.first.is_visible()
    button.click()
    page.locator("#topbar-menu nav a", has_text="覆盖分析").click()
    page.wait_for_url("**/coverage/**")
    assert page.locator("#menu-button").get_attribute("aria-expanded") == "false"
    page.goto(live_url + "/?lang=en")
    page.click("#menu-button")
    page.locator("#topbar-menu nav a", has_text="Work queue").click()
    page.wait_for_url("**/review/**")
    page.close()
    assert errors == []


@pytest.mark.parametrize("path", ["/", "/review/", "/check/", "/exits/", "/admin/users", "/nowhere"])
def test_no_page_scrolls_sideways_at_a_phones_width(browser, live_url, backend, path):
    if backend != "spatialite" and path != "/":
        pytest.skip("the layout does not depend on the backend")
    page = signed_in_page(browser, live_url, "ada")
    page.set_viewport_size(PHONE)
    for lang in ("zh", "en"):
        page.goto(f"{live_url}{path}?lang={lang}")
        _no_sideways_scroll(page)
        page.click("#menu-button")
        _no_sideways_scroll(page)
    page.close()


def test_the_desktop_bar_shows_everything_without_a_menu_button(browser, live_url, backend):
    page = signed_in_page(browser, live_url, "ada")
    page.set_viewport_size(DESKTOP)
    page.goto(live_url + "/review/")
    assert not page.locator("#menu-button").is_visible()
    for part in ("#topbar-menu nav a >> nth=0", "#basemap-choice", "#signed-in-user", ".topbar .lang"):
        assert page.locator(part).is_visible(), part
    # An admin's ten links on one line; the tools after them, at most one more line, to the right.
    assert page.locator("#topbar nav").bounding_box()["height"] < 32
    assert page.locator("#topbar").bounding_box()["height"] < 80
    tools = page.locator(".topbar-tools").bounding_box()
    assert abs(tools["x"] + tools["width"] - (1440 - 16)) < 2
    _no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / f"shell-desktop-{backend}-1440.png"))
    page.close()


def test_the_favicon_is_linked_and_served(anonymous, client):
    page = client.get("/review/").get_data(as_text=True)
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    icon = anonymous.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data
    legacy = anonymous.get("/favicon.ico")  # what browsers ask for by themselves: no 404, and no sign-in needed
    assert legacy.status_code in (301, 308) and legacy.headers["Location"].endswith("/static/favicon.svg")
    assert anonymous.get("/favicon.ico", follow_redirects=True).data == icon.data


def test_a_browser_gets_the_favicon_without_a_404(browser, live_url, backend):
    if backend != "spatialite":
        pytest.skip("the favicon does not depend on the backend")
    page = signed_in_page(browser, live_url)
    missing = []
    page.on("response", lambda r: r.status == 404 and missing.append(r.url))
    answer = page.request.get(live_url + "/favicon.ico")  # followed to the SVG
    assert answer.status == 200 and answer.url.endswith("/static/favicon.svg")
    assert answer.headers["content-type"].startswith("image/svg+xml")
    page.goto(live_url + "/review/")
    assert page.evaluate("document.querySelector('link[rel=icon]').href").endswith("/static/favicon.svg")
    page.close()
    assert missing == []


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_api_documentation_page_renders_the_operations_from_this_server(browser, live_url, backend, viewport):
    if backend != "spatialite":
        pytest.skip("the documentation does not depend on the backend")
    page = signed_in_page(browser, live_url)
    page.set_viewport_size(viewport)
    page.goto(live_url + "/check/")  # a page without a map: no tile of the landing overview is still in flight
    page.unroute("**/*")
    outside = []

    def route(r):
        if r.request.url.startswith(live_url):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    errors = watch(page, live_url)
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))  # any at all, here
    link = page.locator("#nav-api-docs")
    assert link.get_attribute("href") == "/docs/api"
    page.goto(live_url + "/docs/api")
    page.locator(".swagger-ui .opblock").first.wait_for(timeout=20_000)
    paths = page.locator(".swagger-ui .opblock-summary-path").all_inner_texts()
    assert any("/api/layers/" in p for p in paths) and any("/api/check" in p for p in paths), paths
    assert page.locator(".swagger-ui .opblock").count() >= 5
    assert page.inner_text("h1") == "接口文档（OpenAPI）"
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.locator(".swagger-ui .opblock-summary").first.click()  # an operation opens
    page.locator(".swagger-ui .opblock-body").first.wait_for(timeout=10_000)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"api-docs-{viewport['width']}.png"))
    raw = page.request.get(live_url + "/api/openapi.json")  # the raw description stays where scripts read it
    assert raw.status == 200 and raw.json()["openapi"].startswith("3.")
    page.close()
    assert errors == [] and outside == []


def test_only_swagger_uis_own_files_are_served(client):
    assert client.get("/docs/api/swagger-ui/swagger-ui-bundle.js").status_code == 200
    assert b"Apache License" in client.get("/docs/api/swagger-ui/LICENSE").data
    for name in ("index.html", "oauth2-redirect.html", "..%2F__init__.py", "flask_swagger_ui.py"):
        assert client.get("/docs/api/swagger-ui/" + name).status_code == 404, name
    page = client.get("/docs/api?lang=en").get_data(as_text=True)
    assert "API documentation (OpenAPI)" in page and 'id="swagger-ui"' in page and "<script>" not in page.split(
        "</head>")[1]
    assert 'id="ogc-link">/ogc/</a>' in page  # the GIS door is named where the API is


def test_the_language_link_keeps_the_pages_query(client):
    page = client.get("/search/?q=石园&lang=zh").get_data(as_text=True)
    assert 'class="lang" href="?q=%E7%9F%B3%E5%9B%AD&amp;lang=en"' in page
    plain = client.get("/review/").get_data(as_text=True)
    assert 'class="lang" href="?lang=en"' in plain
    english = client.get("/review/?lang=en&lang=en").get_data(as_text=True)
    assert 'class="lang" href="?lang=zh"' in english
