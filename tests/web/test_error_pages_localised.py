"""Error pages in the site's layout, in Chinese by default and English on request: 400, 403 (roles in words),
404, 405, 413, 500; the API keeps JSON bodies; a real browser shows them in the layout at both sizes."""

from __future__ import annotations

import io
import re

import pytest

from planner.web import create_app
from tests.web.conftest import ARTIFACTS, sign_in, signed_in_page


def _page(response) -> tuple[str, str, str]:
    """(title, message, whole page) of an error page."""
    page = response.get_data(as_text=True)
    title = re.search(r'<h1 id="error-title">([^<]*)</h1>', page).group(1)
    message = re.search(r'<p class="notice" id="error-message" data-status="\d+">([^<]*)</p>', page).group(1)
    return title, message, page


def _in_layout(page: str, lang: str) -> None:
    assert 'class="topbar"' in page and 'id="menu-button"' in page
    assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in page


@pytest.mark.parametrize(("lang", "words"), [
    ("zh", {404: ("找不到页面或记录", "此地址没有页面"), 405: ("不支持该请求方式", "此地址不接受这种请求")}),
    ("en", {404: ("Not found", "there is no page at this address"),
            405: ("Method not allowed", "this address does not accept that kind of request")}),
])
def test_404_and_405_in_the_layout_in_each_language(client, lang, words):
    for url, status in (("/nowhere", 404), ("/signout", 405)):
        response = client.get(f"{url}?lang={lang}")
        title, message, page = _page(response)
        assert response.status_code == status and response.mimetype == "text/html"
        assert (title, message) == words[status], url
        _in_layout(page, lang)
        assert 'id="nav-exits"' in page and 'id="signed-in-user"' in page  # signed in: the nav is there
        assert "Not Found" not in page and "requested URL" not in page  # not Flask's English page


def test_403_names_the_roles_in_words(app):
    staff = sign_in(app.test_client(), "alice")
    response = staff.get("/coverage/")
    title, message, page = _page(response)
    assert response.status_code == 403 and title == "没有权限"
    assert message == "alice（市场部人员）无权打开此页面或执行此操作：需要规划人员或更高权限"
    assert "planner 角色" not in page and "（staff）" not in page
    _in_layout(page, "zh")
    title, message, page = _page(staff.get("/admin/users?lang=en"))
    assert title == "Not allowed"
    assert message == "alice (market staff) may not open this page or do this: it needs the admin role or above"
    _in_layout(page, "en")


def test_400_from_a_missing_form_token(client):
    response = client.post("/signout", data={})
    title, message, page = _page(response)
    assert response.status_code == 400 and title == "请求有误" and "CSRF" in message
    _in_layout(page, "zh")


def _failing_app(loaded, tmp_path):
    """The app with two routes that fail: one with werkzeug's 400 (a missing form field), one with a 500."""
    from flask import request

    app = create_app({"DATABASE_URL": loaded.url.render_as_string(hide_password=False), "SECRET_KEY": "k"},
                     instance_path=str(tmp_path / "instance"))
    app.extensions["planner.engine"] = loaded
    app.add_url_rule("/boom", "boom", lambda: 1 / 0)
    app.add_url_rule("/needs-field", "needs_field", lambda: request.form["x"])
    return sign_in(app.test_client(), "paula")


def test_400_from_werkzeug_in_our_words(loaded, tmp_path):
    client = _failing_app(loaded, tmp_path)
    title, message, _ = _page(client.get("/needs-field"))
    assert (title, message) == ("请求有误", "请求有误：请检查填写的内容后重试")
    title, message, _ = _page(client.get("/needs-field?lang=en"))
    assert (title, message) == ("Bad request", "the request was not understood: check what was entered and try again")


def test_413_in_both_languages(client, app):
    app.config["MAX_CONTENT_LENGTH"] = 10 * 1024
    for lang, title_words, message_words in (("zh", "上传内容过大", "10 KB 的上限"),
                                             ("en", "Upload too large", "larger than the limit of 10 KB")):
        response = client.post(f"/check/?lang={lang}", data={"file": (io.BytesIO(b"x" * 20_000), "big.csv")},
                               content_type="multipart/form-data")
        title, message, page = _page(response)
        assert response.status_code == 413 and title == title_words and message_words in message
        _in_layout(page, lang)


def test_500_in_both_languages(loaded, tmp_path):
    client = _failing_app(loaded, tmp_path)
    title, message, page = _page(client.get("/boom"))
    assert (title, message) == ("服务器内部错误", "服务器出错，错误已记录")
    _in_layout(page, "zh")
    title, message, _ = _page(client.get("/boom?lang=en"))
    assert (title, message) == ("Internal error", "something went wrong on the server; the error was logged")


def test_a_stranger_sees_the_layout_without_the_nav(anonymous):
    response = anonymous.get("/favicon-nowhere.png?lang=en")
    title, _, page = _page(response)
    assert response.status_code == 404 and title == "Not found"
    assert 'id="nav-exits"' not in page and 'id="error-back"' in page and "/signin" in page


def test_the_api_keeps_json_errors(client, app):
    assert client.get("/api/nowhere").get_json() == {"error": "NotFound", "message": "此地址没有页面"}
    assert client.get("/api/nowhere?lang=en").get_json()["message"] == "there is no page at this address"
    answer = client.delete("/api/openapi.json")
    assert answer.status_code == 405 and answer.mimetype == "application/json"
    refused = app.test_client().get("/api/layers/outlets?lang=en")
    assert refused.status_code == 401 and refused.mimetype == "application/json" and refused.get_json()["message"]


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1440, "height": 900}],
                         ids=["phone", "desktop"])
def test_error_pages_in_a_browser(browser, live_url, backend, viewport):
    if backend != "spatialite":
        pytest.skip("the page does not depend on the backend")
    page = signed_in_page(browser, live_url, "alice")
    page.set_viewport_size(viewport)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    for path, lang, title in (("/nowhere", "zh", "找不到页面或记录"), ("/coverage/", "en", "Not allowed")):
        answer = page.goto(f"{live_url}{path}?lang={lang}")
        assert answer.status in (403, 404)
        assert page.inner_text("#error-title") == title
        assert page.locator("#topbar").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"error-{answer.status}-{lang}-{viewport['width']}.png"))
    page.close()
    assert errors == []
