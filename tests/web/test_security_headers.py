"""Security headers on every response, error pages from the template, and a strict Content-Security-Policy
that lets our own inline scripts run (every page still draws its map) and nothing else."""

from __future__ import annotations

import io
import re

import pytest
from flask import render_template_string
from werkzeug.test import EnvironBuilder, run_wsgi_app

from planner.maps.csp import checked_script, script_hash
from planner.registry.accounts import issue_token
from planner.rules.profiles import load_profile
from planner.sites.cache import cached_sites
from planner.texts.interface import texts
from tests.check_support import load_small_registry
from tests.web.conftest import sign_in, signed_in_page, wait_until

HEADERS = {"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}
DIRECTIVES = ("default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'",
              "form-action 'self'", "connect-src 'self'", "style-src 'self' 'unsafe-inline'")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(?:src|type)=)[^>]*>(.*?)</script>", re.S)
# Every CSP violation the page reports, collected before any of its scripts run.
WATCH = """window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(
  e.violatedDirective + " " + e.blockedURI + " " + (e.sample || "")));"""


def _assert_secured(response, what):
    headers = getattr(response, "headers", response)
    for key, value in HEADERS.items():
        assert headers.get(key) == value, (what, key)
    policy = headers["Content-Security-Policy"]
    assert all(d in policy for d in DIRECTIVES) and "https://tile.openstreetmap.org" in policy, (what, policy)
    assert re.search(r"script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')*;", policy), (what, policy)
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0], policy
    return policy


def test_every_response_carries_the_headers(client, anonymous, app, engine):
    load_small_registry(engine)
    for url in ("/", "/candidates/R2", "/api/layers/outlets", "/static/planner.css", "/nowhere",
                "/candidates/none", "/review/?today=x", "/api/openapi.json"):
        _assert_secured(client.get(url), url)
    _assert_secured(anonymous.get("/"), "redirect to the sign-in page")
    _assert_secured(client.get("/signout"), "405")
    # The check API's fast path (before Flask) sends the same headers.
    token = issue_token(engine, "alice")
    cached_sites(engine, load_profile("yiwu"))

    def environ():
        return EnvironBuilder(path="/api/check", method="POST", json={"lon": 116.62, "lat": 40.11},
                              headers={"Authorization": f"Bearer {token}"}).get_environ()

    run_wsgi_app(app.wsgi_app, environ(), buffered=True)  # Flask answers and learns the token
    asked = environ()
    assert app.wsgi_app._answer(asked, asked["wsgi.input"].read()) is not None  # now the fast path answers
    _, status, headers = run_wsgi_app(app.wsgi_app, environ(), buffered=True)
    assert status == "200 OK"
    _assert_secured(headers, "fast path")


def test_inline_scripts_are_exactly_the_ones_the_policy_allows(client, engine):
    load_small_registry(engine)
    for url in ("/", "/candidates/R2", "/stations/S1", "/stations/S1?lon=116.64&lat=40.11", "/coverage/",
                "/review/", "/check/", "/candidates/none"):
        response = client.get(url)
        html = response.get_data(as_text=True)
        allowed = set(re.findall(r"'sha256-[^']+'", response.headers["Content-Security-Policy"]))
        emitted = {script_hash(body) for body in INLINE_SCRIPT.findall(html)}
        assert emitted == allowed, url
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), f"inline event handler on {url}"


def test_a_script_that_could_end_its_element_is_refused():
    for body in ("x = '</script><script>alert(1)'", "x = '<!--'", "a <SCRIPT"):
        with pytest.raises(ValueError):
            checked_script(body)
    assert checked_script("a\r\nb\rc") == "a\nb\nc"  # as the browser reads it before hashing


def test_error_pages_come_from_the_template(client, app):
    app.config["MAX_CONTENT_LENGTH"] = 10 * 1024
    too_big = client.post("/check/", data={"file": (io.BytesIO(b"x" * 20_000), "big.csv")},
                          content_type="multipart/form-data")
    assert too_big.status_code == 413 and too_big.mimetype == "text/html"
    assert 'id="error-message"' in too_big.get_data(as_text=True) and "10 KB" in too_big.get_data(as_text=True)
    english = client.post("/check/?lang=en", data={"file": (io.BytesIO(b"x" * 20_000), "big.csv")},
                          content_type="multipart/form-data").get_data(as_text=True)
    assert "larger than the limit of 10 KB" in english
    for url, status in (("/nowhere", 404), ("/signout", 405), ("/candidates/%3Cb%3Enone", 404)):
        response = client.get(url)
        page = response.get_data(as_text=True)
        assert response.status_code == status and 'id="error-message"' in page and "<b>" not in page, url
    assert client.get("/api/nowhere").get_json()["error"] == "NotFound"  # the API answers JSON


def test_an_internal_error_gets_the_page_too(loaded, tmp_path):
    from planner.web import create_app

    app = create_app({"DATABASE_URL": loaded.url.render_as_string(hide_password=False), "SECRET_KEY": "k"},
                     instance_path=str(tmp_path / "instance"))
    app.extensions["planner.engine"] = loaded
    app.add_url_rule("/boom", "boom", lambda: 1 / 0)
    response = sign_in(app.test_client(), "paula").get("/boom")
    assert response.status_code == 500 and 'id="error-message"' in response.get_data(as_text=True)
    _assert_secured(response, "500")


def _watched_page(browser, live_url, name="ada"):
    page = signed_in_page(browser, live_url, name)
    page.add_init_script(WATCH)
    page.csp_console = []
    page.on("console", lambda m: "Content Security Policy" in m.text and page.csp_console.append(m.text))
    page.on("pageerror", lambda exc: page.csp_console.append(str(exc)))
    return page


def test_pages_draw_their_maps_under_the_policy(browser, live_url, engine, client, tmp_path):
    load_small_registry(engine)
    page = _watched_page(browser, live_url)
    waits = {"/": "window.__overviewDrawn !== undefined", "/candidates/R2": "window.__mapReady === true",
             "/stations/S1?lon=116.64&lat=40.11": "window.__mapReady === true",
             "/coverage/": "window.__mapReady === true", "/review/": "true", "/admin/users": "true",
             "/candidates/none": "true"}
    for url, ready in waits.items():
        page.goto(live_url + url)
        wait_until(page, ready)
        assert page.evaluate("window.__violations") == [] and page.csp_console == [], url
        assert url != "/" or "error" not in page.evaluate("window.__overviewDrawn")
    # Behaviour moved out of inline handlers still works: the profile and base-map choices.
    page.goto(live_url + "/candidates/R2")
    page.select_option("select[name=profile]", "mianyang")
    page.wait_for_url("**profile=mianyang**")
    page.select_option("#basemap-choice", "none")
    page.wait_for_url("**basemap=none**")
    wait_until(page, "window.__mapReady === true")
    # A check: progress page, then the result's map.
    (tmp_path / "list.csv").write_text("序号,经度,纬度\np,116.628,40.1035\n", encoding="utf-8")
    page.goto(live_url + "/check/")
    page.set_input_files("input[name=file]", str(tmp_path / "list.csv"))
    page.click("main button[type=submit]")
    wait_until(page, "window.__mapReady === true && window.__planner.drawn === 1")  # one row, no base map
    assert page.evaluate("window.__violations") == [] and page.csp_console == [], "check"
    page.close()


def test_the_coverage_export_runs_under_its_own_policy(browser, engine, client, tmp_path):
    load_small_registry(engine)
    export = tmp_path / "coverage.html"
    export.write_bytes(client.get("/coverage/report.html").data)
    assert '<meta http-equiv="Content-Security-Policy"' in export.read_text(encoding="utf-8")
    page = browser.new_page()
    page.add_init_script(WATCH)
    console = []
    page.on("console", lambda m: "Content Security Policy" in m.text and console.append(m.text))
    page.route("http*://**/*", lambda route: route.abort())
    page.goto(export.as_uri())
    wait_until(page, "window.__planner !== undefined && window.__planner.map !== undefined")
    areas = page.evaluate("""() => { let n = 0; window.__planner.map.eachLayer((l) => {
        if (l.feature && l.feature.geometry.type.includes("Polygon")) n++; }); return n; }""")
    assert areas > 0 and page.evaluate("window.__violations") == [] and console == []
    page.close()


def test_the_policy_blocks_an_inline_script_it_did_not_register(browser, app, live_url):
    @app.get("/probe")
    def probe():
        return render_template_string(
            '{% extends "layout/base.html" %}{% block scripts %}'
            '{% filter inline_script %}window.__ours = 1;{% endfilter %}'
            '<script>window.__theirs = 1;</script>{% endblock %}', t=texts("zh"), lang="zh")

    page = _watched_page(browser, live_url)
    page.goto(live_url + "/probe")
    wait_until(page, "window.__ours === 1")
    violations = page.evaluate("window.__violations")
    assert page.evaluate("window.__theirs") is None
    assert len(violations) == 1 and violations[0].startswith("script-src") and " inline" in violations[0]
    page.close()
