"""A refusal for want of a role carries the roles as data (planner.registry.accounts.RoleRefusedError), and the
403 page names them in words from that data, never by reading the English message: a planner-only page refused to
market staff, in Chinese and in English, as a page and in Chromium at 390x844 and 1440x900."""

from __future__ import annotations

import re

import pytest

from planner.registry.accounts import Account, RoleRefusedError, require_role
from tests.web.conftest import ARTIFACTS, sign_in, signed_in_page, watch

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1440, "height": 900}}


def _text(html: str, element_id: str) -> str:
    return re.search(rf'id="{element_id}"[^>]*>([^<]*)<', html).group(1)


def test_the_refusal_carries_the_roles_as_data():
    with pytest.raises(RoleRefusedError) as refused:
        require_role(Account("alice", "staff"), "planner")
    assert (refused.value.name, refused.value.role, refused.value.roles) == ("alice", "staff", ("planner", "admin"))
    assert refused.value.http_status == 403
    require_role(Account("ada", "admin"), "planner")  # above the role: no refusal


def test_a_planner_page_refused_to_staff_names_the_roles_in_words(app):
    staff = sign_in(app.test_client(), "alice")
    zh = staff.get("/ranking/")
    assert zh.status_code == 403
    html = zh.get_data(as_text=True)
    assert _text(html, "error-message") == "alice（市场部人员）无权打开此页面或执行此操作：需要规划人员或更高权限"
    assert _text(html, "error-roles") == "可以打开此页面的角色：规划人员、管理员"
    en = staff.get("/ranking/?lang=en").get_data(as_text=True)
    assert _text(en, "error-message") == \
        "alice (market staff) may not open this page or do this: it needs the planner role or above"
    assert _text(en, "error-roles") == "Roles that may open this page: planner, admin"
    for page in (html, en):
        assert "(staff)" not in page and "（staff）" not in page and "planner 角色" not in page


def test_the_words_do_not_depend_on_the_english_message(app):
    """A refusal whose message says something else still names its roles in words."""
    from planner.web.error_pages import _role_words

    refused = RoleRefusedError(Account("bob", "staff"), "admin")
    refused.en = refused.zh = "something else entirely"
    en, zh = _role_words(refused)
    assert "market staff" in en and "admin role" in en and "市场部人员" in zh and "管理员" in zh


@pytest.mark.parametrize("size", SIZES)
def test_the_403_page_in_a_browser(browser, live_url, backend, size):
    page = signed_in_page(browser, live_url, "alice")
    problems = watch(page, live_url)
    page.set_viewport_size(SIZES[size])
    response = page.goto(live_url + "/reports/monthly")
    assert response.status == 403
    assert "需要规划人员或更高权限" in page.inner_text("#error-message")
    assert page.inner_text("#error-roles") == "可以打开此页面的角色：规划人员、管理员"
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"error-403-{backend}-{size}.png"))
    page.close()
    assert [p for p in problems if "403" not in p] == []
