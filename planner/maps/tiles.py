"""The base map's tile layer, added so that a page never waits on a tile server and says when tiles fail.

The tiles join the map only once the page has loaded (images a page starts before its `load` event hold
that event back, and an unreachable tile server would hold it for minutes). When a tile fails to load,
the map says so once, in the page's language, under its zoom buttons, and drops the failed layer's credit: a grey
map credited to OpenStreetMap with no word why is what users saw offline.
"""

from __future__ import annotations

import functools

__all__ = ["TILE_NOTE", "add_base_tiles"]

# The note when a page's labels do not carry one (a map written outside the web interface).
TILE_NOTE = "底图瓦片无法加载（可能离线），地图仅显示数据图层 · Base map tiles could not be loaded (offline?)"


@functools.cache
def _tiles_class():
    """A folium element whose script adds the tile layer after `load` and watches its errors (made once:
    folium is imported only when a map is drawn)."""
    from branca.element import MacroElement
    from folium.template import Template

    class BaseTiles(MacroElement):
        _template = Template("""
            {% macro script(this, kwargs) %}
            (function (map) {
                const layer = L.tileLayer({{ this.url|tojson }}, {{ this.options|tojson }});
                let told = false;
                layer.on("tileerror", function () {
                    if (told) return;
                    told = true;
                    if (map.attributionControl) map.attributionControl.removeAttribution(layer.getAttribution());
                    // A control in the top left corner, under the zoom buttons: Leaflet stacks it with them.
                    const Note = L.Control.extend({options: {position: "topleft"}, onAdd: function () {
                        const note = L.DomUtil.create("div", "tile-note");
                        note.setAttribute("role", "status");
                        note.id = "tile-note";
                        note.textContent = {{ this.note|tojson }};
                        Object.assign(note.style, {maxWidth: "min(42vw, 22rem)", padding: "3px 8px",
                            background: "rgba(255, 255, 255, 0.92)", border: "1px solid #d1d5db",
                            borderRadius: "4px", font: "12px/1.4 system-ui, sans-serif", color: "#374151"});
                        return note;
                    }});
                    new Note().addTo(map);
                });
                window.__planner = Object.assign(window.__planner || {}, {tiles: layer});
                const add = function () { layer.addTo(map); };
                if (document.readyState === "complete") add();
                else window.addEventListener("load", add, {once: true});
            })({{ this._parent.get_name() }});
            {% endmacro %}""")

        def __init__(self, url: str, options: dict, note: str):
            super().__init__()
            self._name = "BaseTiles"
            self.url, self.options, self.note = url, options, note

    return BaseTiles


def add_base_tiles(fmap, base: dict, *, key: str, note: str | None) -> None:
    """Add the tiles of `base` (an entry of BASEMAPS) to the folium map `fmap`, with `note` as the words
    shown when they fail."""
    options = {"attribution": base["attr"], "subdomains": base.get("subdomains", "abc"), "maxZoom": 18}
    _tiles_class()(base["tiles"].replace("{key}", key), options, note or TILE_NOTE).add_to(fmap)
