/* The overview map: registry layers fetched from /api/layers as GeoJSON and drawn on one canvas.
   Sets window.__planner.layers (name -> Leaflet layer) and, once everything is on screen,
   window.__overviewDrawn (name -> features drawn). Registry values (codes, names, addresses,
   operators) reach popups and tooltips only as textContent, never as HTML. */
(function () {
  "use strict";
  const cfg = JSON.parse(document.getElementById("overview-config").textContent);
  const map = window.__planner.map;
  const renderer = L.canvas({padding: 0.3, tolerance: 3});
  const control = L.control.layers(null, null, {collapsed: false}).addTo(map);
  const t = cfg.labels;
  const layers = (window.__planner.layers = {});
  window.__planner.openSite = (name, feature) => openPopup(name, feature);
  // Leaflet's layer control takes its labels as HTML (ours, but escaped all the same).
  const escape = (s) => String(s == null ? "" : s).replace(/[&<>"']/g,
    (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})[c]);
  const metres = (v) => v == null ? "" :
    Number(v).toLocaleString(cfg.locale, {minimumFractionDigits: 1, maximumFractionDigits: 1}) + " " + t.metres;

  function fill(layer, p) {
    if (layer === "candidates" && p.verdict) return cfg.styles.verdict[p.verdict];
    return cfg.styles.status[p.status || p.kind] || cfg.styles.layers[layer].fill;
  }

  function element(tag, text, parent) {
    const node = document.createElement(tag);
    if (text != null) node.textContent = String(text);
    if (parent) parent.appendChild(node);
    return node;
  }

  function popupContent(layer, p) {
    const rows = [[t.code, p.code], [t.kind, p.kind && (t["kind_" + p.kind] || p.kind)],
      [t.status, p.status && (t["status_" + p.status] || p.status)], [t.operator, p.operator],
      [t.verdict, p.verdict && t[p.verdict]], [t.address, p.address],
      [t.nearest_outlet, p.nearest_outlet && p.nearest_outlet + " · " + metres(p.nearest_outlet_m)],
      [t.nearest_station, p.nearest_station && p.nearest_station + " · " + metres(p.nearest_station_m)]];
    const link = layer === "candidates" ? cfg.urls.candidate : layer === "stations" ? cfg.urls.station : null;
    const box = element("div");
    element("b", p.name, box);
    const table = element("table", null, box);
    table.className = "popup";
    for (const [label, value] of rows.filter((r) => r[1])) {
      const row = element("tr", null, table);
      element("th", label, row);
      element("td", value, row);
    }
    if (link) {
      const a = element("a", layer === "candidates" ? t.open_candidate : t.open_station, box);
      a.href = link.replace("__code__", encodeURIComponent(p.code));
    }
    return box;
  }

  function layerUrl(name, extra) {
    return cfg.urls.layers.replace("__layer__", name) + "?display=" + cfg.display + extra;
  }

  async function fetchLayer(name) {
    const features = [];
    for (let offset = 0; ; offset += cfg.page) {
      // The first page was requested by the page's <head> (window.__layerRequests) while Leaflet loaded.
      const early = offset === 0 && window.__layerRequests && window.__layerRequests[name];
      const response = await (early || fetch(cfg.urls.first[name].replace("offset=0", "offset=" + offset),
        {credentials: "same-origin"}));
      if (!response.ok) throw new Error(name + ": HTTP " + response.status);
      const page = await response.json();
      features.push(...page.features);
      performance.mark("fetched " + name);
      if (page.numberReturned < cfg.page) return features;
    }
  }

  function pointLayer(name, features) {
    return new L.PointCanvas(features, cfg.styles.layers[name], (p) => fill(name, p));
  }

  function openPopup(name, feature) {
    const at = L.latLng(feature.geometry.coordinates[1], feature.geometry.coordinates[0]);
    const popup = L.popup().setLatLng(at).setContent(element("span", feature.properties.code + " …")).openOn(map);
    fillPopup(popup, name, feature).catch(() => {});
    return popup;
  }

  async function fillPopup(popup, name, feature) {
    const response = await fetch(layerUrl(name, "&profile=" + cfg.profile + "&code=" +
      encodeURIComponent(feature.properties.code)), {credentials: "same-origin"});
    const found = response.ok ? (await response.json()).features : [];
    popup.setContent(popupContent(name, found.length ? found[0].properties : feature.properties));
  }

  // One click handler for every point layer: the topmost layer with a point under the pointer wins.
  map.on("click", (e) => {
    for (const name of cfg.layers.slice().reverse()) {
      const layer = layers[name];
      if (name === "areas" || !layer || !map.hasLayer(layer)) continue;
      const feature = layer.hit(e.containerPoint);
      if (!feature) continue;
      openPopup(name, feature);
      // The table (overview_table.js) highlights the point's row through its stand-in's "click".
      const stand = layer.layerAt && layer.layerAt(e.containerPoint, (f) => name + ":" + f.properties.code);
      if (stand) stand.fire("click");
      return;
    }
  });

  function areaLayer(features) {
    const style = cfg.styles.layers.areas;
    return L.geoJSON({type: "FeatureCollection", features}, {
      renderer, style: {color: style.color, weight: 1, fillColor: style.fill, fillOpacity: 0.15},
    }).bindTooltip((l) => element("span", (l.feature.properties.name || "") + " · " + t.population + " " +
      Number(l.feature.properties.population || 0).toLocaleString(cfg.locale)));
  }

  async function draw() {
    const loaded = await Promise.all(cfg.layers.map(fetchLayer));
    const counts = {};
    cfg.layers.forEach((name, i) => {
      const layer = name === "areas" ? areaLayer(loaded[i]) : pointLayer(name, loaded[i]);
      layer.addTo(map);
      performance.mark("added " + name);
      control.addOverlay(layer, escape(t[name]) + " (" + loaded[i].length.toLocaleString(cfg.locale) + ")");
      layers[name] = layer;
      counts[name] = loaded[i].length;
    });
    // The layers drew synchronously; two animation frames later the browser has painted them.
    requestAnimationFrame(() => requestAnimationFrame(() => {
      window.__overviewDrawnAt = performance.now();
      window.__overviewDrawn = counts;
      // The sites' table (overview_table.js) is built from the same features once the map is on screen.
      const features = {};
      cfg.layers.forEach((name, i) => { features[name] = loaded[i]; });
      setTimeout(() => document.dispatchEvent(new CustomEvent("overview:drawn", {detail: {features}})), 0);
    }));
  }

  draw().catch((error) => {
    const box = document.getElementById("overview-error");
    box.textContent = String(error);
    box.hidden = false;
    window.__overviewDrawn = {error: String(error)};
  });
})();
