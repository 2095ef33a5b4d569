"""Opening an approved applicant and recording visits through the pages, on both backends: staff only, a
refused form shown again with its problem and what was typed, deadlines and visits on the station page,
changed monthly counts in the station's history."""

from __future__ import annotations

import datetime as dt
import re

from planner.rules.china_time import china_today
from planner.rules.profiles import load_profile
from planner.rules.workdays import add_workdays
from planner.workflow.decisions import decide
from tests.decision_support import load_pair
from tests.file_support import load_file
from tests.web.conftest import csrf, sign_in, signed_in_page

YIWU = load_profile("yiwu")


def _approved(engine, tmp_path):
    load_pair(engine, tmp_path)
    decide(engine, "A", "approve", "勘察合格", actor="alice", profile=YIWU)
    return china_today()


def _staff(app):
    staff = sign_in(app.test_client(), "alice")
    return staff, csrf(staff)


def _open(staff, token, today, **fields):
    data = {"csrf_token": token, "station_code": "BM9", "operator": "张三", "opened_on": today.isoformat(),
            "note": "挂牌"} | fields
    return staff.post("/candidates/A/opening?profile=yiwu", data=data)


def test_staff_open_an_approved_applicant_and_land_on_its_station(app, engine, tmp_path):
    today = _approved(engine, tmp_path)
    staff, token = _staff(app)
    page = staff.get("/candidates/A").get_data(as_text=True)
    assert 'id="opening-form"' in page and 'id="visit-form"' in page and 'value="install"' in page
    assert re.search(r'data-kind="install">\s*<th>安装培训</th>', page)
    response = _open(staff, token, today)
    assert response.status_code == 303 and response.location.startswith("/stations/BM9")
    station = staff.get(response.location).get_data(as_text=True)
    assert 'data-flash="done"' in station and re.search(r'id="status">营业中<', station)
    assert re.search(r'id="operator">张三<', station)
    assert re.findall(r'<tr class="\w*" data-kind="(\w+)">', station) == [
        "install", "follow_up", "inspect"]
    assert add_workdays(today, 7)[0].strftime("%Y年%-m月%-d日") in station
    assert re.search(r'data-action="open"><th>[^<]+<br>alice</th>', station)
    applicant = staff.get("/candidates/A").get_data(as_text=True)
    assert re.search(r'id="status">已开业<', applicant) and 'id="opening-form"' not in applicant
    assert "便民服务站: BM9" in applicant


def test_a_refused_opening_keeps_what_was_typed(app, engine, tmp_path):
    today = _approved(engine, tmp_path)
    staff, token = _staff(app)
    future = _open(staff, token, today + dt.timedelta(days=1), operator="王五", note="明天开业")
    html = future.get_data(as_text=True)
    assert future.status_code == 400 and 'data-flash="problem"' in html and "尚未到来" in html
    assert 'value="王五"' in html and 'value="明天开业"' in html and 'value="BM9"' in html
    taken = _open(staff, token, today, station_code="S1")
    assert taken.status_code == 409 and "编号为 S1 的服务站已存在" in taken.get_data(as_text=True)
    assert re.search(r'id="status">已批准<', staff.get("/candidates/A").get_data(as_text=True))


def test_strangers_and_forged_forms_change_nothing(app, anonymous, engine, tmp_path):
    today = _approved(engine, tmp_path)
    stranger = _open(anonymous, "", today)
    assert stranger.status_code == 302 and "/signin" in stranger.location
    assert anonymous.post("/stations/S1/visits", data={"kind": "inspect", "on": today.isoformat()}).status_code == 302
    staff, _ = _staff(app)
    assert _open(staff, "forged", today).status_code == 400
    assert staff.post("/stations/S1/visits", data={"kind": "inspect", "on": today.isoformat()}).status_code == 400
    page = staff.get("/stations/S1").get_data(as_text=True)
    assert "尚无走访记录" in page and re.search(r'id="status">营业中<', page)
    assert re.search(r'id="status">已批准<', staff.get("/candidates/A").get_data(as_text=True))
    planner = sign_in(app.test_client(), "paula")  # planners rank above staff: they may record too
    assert 'id="opening-form"' in planner.get("/candidates/A").get_data(as_text=True)


def test_staff_record_visits_on_the_station_page(app, engine, tmp_path):
    today = _approved(engine, tmp_path)
    staff, token = _staff(app)
    installed = staff.post("/candidates/A/visits?profile=yiwu", data={
        "csrf_token": token, "kind": "install", "on": today.isoformat(), "note": "终端已装"})
    assert installed.status_code == 303 and installed.location.startswith("/candidates/A")
    _open(staff, token, today)
    early = staff.post("/stations/BM9/visits", data={"csrf_token": token, "kind": "follow_up",
                                                     "on": (today - dt.timedelta(days=1)).isoformat(),
                                                     "note": "回访顺利"})
    html = early.get_data(as_text=True)
    assert early.status_code == 400 and "早于开业日期" in html and 'value="回访顺利"' in html
    assert re.search(r'<option value="follow_up" selected>', html)
    done = staff.post("/stations/BM9/visits", data={"csrf_token": token, "kind": "follow_up",
                                                    "on": today.isoformat(), "note": "回访顺利"},
                      follow_redirects=True).get_data(as_text=True)
    assert "走访已记录" in done
    assert re.findall(r'<tr class="\w*" data-kind="(\w+)">', done) == ["inspect"]
    visits = re.search(r'id="visits">(.*?)</table>', done, re.S).group(1)
    assert "开业回访" in visits and "回访顺利" in visits and "安装培训完成" in visits and "终端已装" in visits
    assert re.search(r'data-action="follow_up"><th>[^<]+<br>alice</th>', done)
    # The form offers first what is due: the inspection now; at S1 (imported, no opening day) too.
    assert re.search(r'<select name="kind"><option value="inspect"', done)
    assert re.search(r'<select name="kind"><option value="inspect"', staff.get("/stations/S1").get_data(as_text=True))


def test_a_closed_station_takes_no_visits(app, engine, tmp_path):
    today = _approved(engine, tmp_path)
    staff, token = _staff(app)
    assert 'id="visit-form"' not in staff.get("/stations/S2").get_data(as_text=True)
    refused = staff.post("/stations/S2/visits?lang=en", data={"csrf_token": token, "kind": "inspect",
                                                              "on": today.isoformat()})
    assert refused.status_code == 409 and "no more visits" in refused.get_data(as_text=True)
    assert staff.post("/stations/S9/visits", data={"csrf_token": token, "kind": "inspect",
                                                   "on": today.isoformat()}).status_code == 404


def test_changed_monthly_counts_are_in_the_station_history(client, engine, tmp_path):
    load_pair(engine, tmp_path)
    for name, count in (("first.csv", 12), ("again.csv", 15)):
        (tmp_path / name).write_text(f"网点编号,月份,笔数\nS1,2026-09,{count}\n", encoding="utf-8")
        load_file(engine, tmp_path / name, "transactions", actor="wang")
    html = client.get("/stations/S1").get_data(as_text=True)
    row = re.search(r'<tr data-action="update"><th>[^<]+<br>wang</th>(.*?)</tr>', html, re.S).group(1)
    assert "月份: 2026-09" in row and "交易笔数: 12 → 15" in row


def test_opening_and_a_visit_in_a_browser(browser, live_url, engine, tmp_path):
    _approved(engine, tmp_path)
    page = signed_in_page(browser, live_url, "alice")
    page.goto(live_url + "/candidates/A")
    page.fill("#opening-form input[name=station_code]", "11011300999")
    page.fill("#opening-form input[name=operator]", "张三")
    page.click("#opening-form button")
    page.wait_for_url("**/stations/11011300999**")
    assert page.inner_text("#status") == "营业中"
    page.select_option("#visit-form select[name=kind]", "inspect")
    page.fill("#visit-form input[name=note]", "季度巡检正常")
    page.click("#visit-form button")
    page.wait_for_selector("[data-flash=done]")
    assert "季度巡检正常" in page.inner_text("#visits")
    assert page.locator("#deadlines tr[data-kind=inspect]").count() == 0
    page.close()
