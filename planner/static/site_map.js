/* A site page's distance labels keep clear of the points: each label (a permanent tooltip at its line's middle,
   above or below it) is pushed further the way it faces until its box overlaps no point marker (the site, the
   nearest outlet and station, neighbours) and no label placed before it; again after every zoom or move, since
   a short line (a station 80 m away on a phone) puts the middle of the line within a label's width of its ends. */
(function () {
  "use strict";
  const map = window.__planner && window.__planner.map;
  if (!map || !window.L || !document.getElementById("site-map-config")) return;

  function points() {
    const boxes = [];
    map.eachLayer((layer) => {
      if (!(layer instanceof L.CircleMarker) || layer instanceof L.Circle) return;  // not the rule rings
      const p = map.latLngToContainerPoint(layer.getLatLng());
      const r = layer.options.radius + (layer.options.weight || 0) / 2 + 2;
      boxes.push({left: p.x - r, right: p.x + r, top: p.y - r, bottom: p.y + r});
    });
    return boxes;
  }

  function labels() {
    const found = [];
    map.eachLayer((layer) => {
      const tip = layer.getTooltip && layer.getTooltip();
      if (tip && tip.options.permanent && tip.getElement() && layer instanceof L.Polyline) found.push(tip);
    });
    return found;
  }

  function boxOf(tip) {
    const r = tip.getElement().getBoundingClientRect(), c = map.getContainer().getBoundingClientRect();
    return {left: r.left - c.left, right: r.right - c.left, top: r.top - c.top, bottom: r.bottom - c.top};
  }

  const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

  function keepClear() {
    const taken = points();
    for (const tip of labels()) {
      if (!tip._homeOffset) tip._homeOffset = L.point(tip.options.offset);
      tip.options.offset = tip._homeOffset;
      tip.update();
      const way = tip.options.direction === "bottom" ? 1 : -1;
      for (let step = 0; step < 8; step++) {
        const box = boxOf(tip);
        const hits = taken.filter((other) => overlap(box, other));
        if (!hits.length) break;
        const by = Math.max(...hits.map((o) => (way < 0 ? box.bottom - o.top : o.bottom - box.top))) + 2;
        tip.options.offset = L.point(tip.options.offset.x, tip.options.offset.y + way * by);
        tip.update();
      }
      taken.push(boxOf(tip));
    }
    window.__planner.labelsClear = true;
  }

  keepClear();
  map.on("zoomend moveend resize", keepClear);
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(keepClear);
})();

/* A site page's map (candidate, station): a new place for a relocation is picked by clicking the map or
   dragging the marker, which fills the longitude and latitude fields in the coordinates the map is drawn
   in (GCJ-02 under the Amap base map, else WGS84) and chooses that system, so the server converts them back.
   Settings come from <script type="application/json" id="site-map-config">; no inline handlers (CSP). */
(function () {
  "use strict";
  const source = document.getElementById("site-map-config");
  const map = window.__planner && window.__planner.map;
  if (!source || !map) return;
  const cfg = JSON.parse(source.textContent);
  const form = document.getElementById("relocate-check");
  if (!cfg.picking || !form) return;
  const lon = document.getElementById("relocate-lon");
  const lat = document.getElementById("relocate-lat");
  const crs = document.getElementById("relocate-crs");
  const icon = L.divIcon({className: "picked-marker", iconSize: [18, 18], iconAnchor: [9, 9]});
  let marker = null;

  function fill(latlng) {
    lon.value = latlng.lng.toFixed(7);
    lat.value = latlng.lat.toFixed(7);
    crs.value = cfg.display;
    form.dataset.picked = "1";
  }

  function place(latlng) {
    if (marker) {
      marker.setLatLng(latlng);
    } else {
      marker = L.marker(latlng, {icon: icon, draggable: true, keyboard: false}).addTo(map);
      marker.on("dragend", () => fill(marker.getLatLng()));
    }
    fill(latlng);
  }

  map.getContainer().classList.add("picking");
  map.on("click", (event) => place(event.latlng));
})();
