"""The best-N ranking page: planners choose a profile, N and greedy or exact; the picks are numbered on the map with
their service areas and listed in order with the people each adds and the coverage they build up to; the files
are `planner rank -n N -o …`'s."""

import io
import re

import pandas as pd
import pytest

from planner.rules.profiles import load_profile
from planner.selection.ranking import rank_candidates
from tests.check_support import load_small_registry, row, write_list
from tests.file_support import load_file
from tests.web.conftest import ARTIFACTS, sign_in, signed_in_page, wait_until, watch
from tests.web.map_table_support import check_rows_and_map_select_each_other, ids, sort_by, sort_values

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1440, "height": 900}


def _applicants(engine, tmp_path):
    """Three more open applicants in the district, far enough from the outlets, stations and one another to be
    picked (with R2 of the small registry: four)."""
    load_small_registry(engine)
    places = [(116.625, 40.103), (116.603, 40.118), (116.638, 40.102)]
    rows = [row(f"A{i}", place, name=f"店{i}") for i, place in enumerate(places)]
    load_file(engine, write_list(tmp_path / "a.csv", rows), "candidates", actor="alice")


@pytest.mark.parametrize("method", ["greedy", "exact"])
def test_the_page_lists_the_picks_the_cli_ranks(client, engine, tmp_path, method):
    _applicants(engine, tmp_path)
    expected = rank_candidates(engine, load_profile("yiwu"), n=3, exact=method == "exact")
    expected = expected[expected["rank"].notna()]
    assert len(expected), "the registry should give picks"
    html = client.get(f"/ranking/?profile=yiwu&n=3&method={method}").get_data(as_text=True)
    ranks = re.findall(r'<tr data-feature-id="[^"]+" data-rank="(\d+)">.*?candidates/([^?"]+)', html, re.S)
    assert ranks == [(str(r), c) for r, c in zip(expected["rank"], expected["code"])]
    total = f"{expected['added_population'].sum():,.0f}"
    assert re.search(rf'id="total-added">{re.escape(total)}<', html)
    assert len(expected) >= 2 and html.count("rank-pin") == len(expected)  # the numbered icons
    data = client.get(f"/ranking/ranking.csv?profile=yiwu&n=3&method={method}")
    assert data.status_code == 200
    table = pd.read_csv(io.BytesIO(data.data), encoding="utf-8-sig")
    assert list(table.dropna(subset=["rank"])["code"]) == list(expected["code"])
    assert client.get(f"/ranking/ranking.xlsx?profile=yiwu&n=3&method={method}").status_code == 200


@pytest.mark.parametrize("query", ["n=0", "n=201", "n=x", "method=best"])
def test_n_and_the_method_are_bounded(client, query):
    assert client.get(f"/ranking/?{query}").status_code == 400


def test_only_planners_rank(app):
    staff = sign_in(app.test_client(), "alice")
    assert staff.get("/ranking/").status_code == 403
    assert 'id="nav-ranking"' not in staff.get("/").get_data(as_text=True)
    assert 'id="nav-ranking"' in sign_in(app.test_client(), "paula").get("/").get_data(as_text=True)


@pytest.mark.parametrize("size", [PHONE, DESK], ids=["phone", "desk"])
def test_the_picks_on_the_map_in_a_browser(browser, live_url, engine, backend, tmp_path, size):
    _applicants(engine, tmp_path)
    page = signed_in_page(browser, live_url)
    problems = watch(page, live_url)
    page.set_viewport_size(size)
    page.goto(live_url + "/ranking/?profile=yiwu&n=3&basemap=none")
    wait_until(page, "window.__mapReady === true")
    rows = page.locator("#ranking-table tbody tr").count()
    assert rows >= 1
    pins = page.locator(".rank-pin").all_inner_texts()
    assert pins == [str(i) for i in range(1, rows + 1)]
    inside = page.evaluate("""(() => {
        const map = window.__planner.map, box = map.getContainer().getBoundingClientRect();
        return [...document.querySelectorAll(".rank-pin")].every((pin) => {
            const r = pin.getBoundingClientRect();
            return r.left >= box.left && r.right <= box.right && r.top >= box.top && r.bottom <= box.bottom;
        });
    })()""")
    assert inside, "a pick is outside the map"
    assert page.locator("#map-legend li").count() == 4  # picks, service areas, outlets, stations
    assert page.locator("#total-added").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    page.fill("#ranking-form input[name=n]", "2")
    page.check("#ranking-form input[name=method][value=exact]")
    page.click("#ranking-form button[type=submit]")
    page.wait_for_url(re.compile(r".*method=exact.*"))
    wait_until(page, "window.__mapReady === true")
    assert page.locator(".rank-pin").count() == min(rows, 2)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"ranking-{backend}-{size['width']}.png"))
    page.close()
    assert problems == []


@pytest.mark.parametrize("size", [PHONE, DESK], ids=["phone", "desk"])
def test_the_picks_table_sorts_and_selects_the_pins(browser, live_url, engine, backend, tmp_path, size):
    _applicants(engine, tmp_path)
    page = signed_in_page(browser, live_url)
    problems = watch(page, live_url)
    page.set_viewport_size(size)
    page.goto(live_url + "/ranking/?profile=yiwu&n=3&basemap=none")
    check_rows_and_map_select_each_other(page, "ranking-table")
    assert sort_values(page, "ranking-table", "rank") == [str(i) for i in range(1, len(ids(page, "ranking-table")) + 1)]
    desktop = size is DESK
    sort_by(page, "ranking-table", "added", desktop)
    added = [float(v) for v in sort_values(page, "ranking-table", "added")]
    sort_by(page, "ranking-table", "added", desktop)
    again = [float(v) for v in sort_values(page, "ranking-table", "added")]
    assert sorted(added) in (added, again) and sorted(added, reverse=True) in (added, again)
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"ranking-table-{backend}-{size['width']}.png"), full_page=True)
    page.close()
    assert problems == []
