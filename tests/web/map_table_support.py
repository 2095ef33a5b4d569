"""Shared browser checks for the folium map pages whose data_table is linked to the map by map_link.js: a row
click selects its feature (popup or tooltip open, the map moved to it), a feature click highlights its row,
a header (desktop) or the sort choice (phone) sorts, and nothing overflows sideways."""

from __future__ import annotations

from tests.web.conftest import wait_until


def ids(page, table: str) -> list[str]:
    return page.evaluate(f"""Array.from(document.querySelectorAll('#{table} tbody tr'),
        (tr) => tr.dataset.featureId)""")


def sort_by(page, table: str, key: str, desktop: bool) -> None:
    """A click on the column's header; on phones (cards, no headers) the sort choice (ascending first)."""
    if desktop:
        page.click(f"#{table} th[data-key={key}] button")
        return
    index = page.evaluate(f"""Array.from(document.querySelectorAll('#{table} thead th'))
        .findIndex((th) => th.dataset.key === '{key}')""")
    current = page.input_value(f"#{table}-sort")
    page.select_option(f"#{table}-sort", f"{index}:-1" if current == f"{index}:1" else f"{index}:1")


def sort_values(page, table: str, key: str) -> list[str]:
    """The column's sort values (data-sort, else the text) in the order shown."""
    return page.evaluate(f"""(() => {{
        const at = Array.from(document.querySelectorAll('#{table} thead th'))
            .findIndex((th) => th.dataset.key === '{key}');
        return Array.from(document.querySelectorAll('#{table} tbody tr'), (tr) => {{
            const td = tr.cells[at]; return td.dataset.sort != null ? td.dataset.sort : td.textContent.trim(); }});
    }})()""")


def check_rows_and_map_select_each_other(page, table: str, opens: bool = True) -> None:
    """The first row's click selects its feature (the map moves to it; with `opens`, its popup or tooltip opens:
    area polygons have none); a click on the last row's feature highlights that row."""
    wait_until(page, "window.__mapReady === true && window.__planner.features instanceof Map")
    shown = ids(page, table)
    assert shown and all(shown), "every row carries a feature id"
    assert page.evaluate(f"""{shown!r}.every((id) => window.__planner.features.has(id))"""), "a row has no feature"
    first, last = shown[0], shown[-1]
    page.evaluate("window.__planner.map.setView([0, 0], 3, {animate: false})")
    page.locator(f"#{table} tbody tr[data-feature-id='{first}'] td").first.click()
    wait_until(page, f"""(() => {{
        const layer = window.__planner.features.get({first!r}), map = window.__planner.map;
        const open = (layer.getPopup && layer.getPopup() && layer.isPopupOpen())
            || (layer.getTooltip && layer.getTooltip() && layer.isTooltipOpen());
        const where = layer.getLatLng ? layer.getLatLng() : layer.getBounds().getCenter();
        return (open || !{str(opens).lower()}) && map.getBounds().contains(where);
    }})()""")
    assert page.get_attribute(f"#{table} tbody tr.selected", "data-feature-id") == first
    page.evaluate(f"window.__planner.features.get({last!r}).fire('click') && null")
    assert page.get_attribute(f"#{table} tbody tr.selected", "data-feature-id") == last
