/* The batch-check result: the district (areas, outlets, stations) as context, the checked rows as small points
   coloured by verdict, and every row in the table (table.js), linked to its point by the input row number.
   The map stays on the district: rows outside it (a position in another city) are listed and flagged, never
   drawn, and no line is drawn to or from them. Lines to the nearest sites are off by default (a toggle) and
   shown for the selected row. Row values (ids, names, reasons come from the uploaded file) reach the page only
   as textContent. */
(function () {
  "use strict";
  const P = window.__planner;
  const cfg = JSON.parse(document.getElementById("check-config").textContent);
  const t = cfg.labels;
  const map = P.map;
  const colours = {pass: "#16a34a", fail: "#dc2626", error: "#6b7280"};
  const lineColours = {outlet: "#b91c1c", station: "#1d4ed8"};
  const renderer = L.canvas({padding: 0.3, tolerance: 4});
  // The registry's extent with a margin: a row beyond it is "outside the district" (and failed the region rule).
  const district = cfg.district ? L.latLngBounds(cfg.district).pad(0.1) : null;
  const metres = (m) => (m == null ? "" : Number(m).toLocaleString(cfg.locale, {maximumFractionDigits: 1}));

  function line(box, text, tag) {
    if (box.childNodes.length) box.appendChild(document.createElement("br"));
    const node = tag ? document.createElement(tag) : document.createTextNode("");
    node.textContent = text;
    box.appendChild(node);
  }

  function nearest(p, kind) {
    const code = p[kind + "_id"];
    return code == null || code === "" ? "" : code + " · " + metres(p[kind + "_m"]) + " " + t.metres;
  }

  function popup(p) {
    const box = document.createElement("div");
    line(box, [p.id, p.name].filter((v) => v != null && v !== "").join(" "), "b");
    line(box, t[p.verdict] || "");
    if (p.reasons) line(box, p.reasons);
    line(box, t.nearest_outlet + ": " + nearest(p, "outlet"));
    line(box, t.nearest_station + ": " + nearest(p, "station"));
    return box;
  }

  async function fetchLayer(name) {
    const response = await fetch(cfg.layers[name], {credentials: "same-origin"});
    if (!response.ok) throw new Error(name + ": HTTP " + response.status);
    return (await response.json()).features;
  }

  function drawContext(name, features) {
    const style = cfg.styles[name];
    if (name === "areas") {
      L.geoJSON({type: "FeatureCollection", features}, {renderer, interactive: false,
        style: {color: style.color, weight: 1, fillColor: style.fill, fillOpacity: 0.12}}).addTo(map);
      return;
    }
    for (const f of features) {
      const c = f.geometry && f.geometry.coordinates;
      if (!c) continue;
      // Rings, so the district's sites never pass for checked rows (filled dots).
      L.circleMarker([c[1], c[0]], {renderer, interactive: false, radius: name === "outlets" ? 5 : 4, weight: 2,
        color: style.fill, opacity: 0.8, fill: false}).addTo(map);
    }
  }

  function linesOf(p, here) {
    const group = [];
    for (const kind of ["outlet", "station"]) {
      const at = p[kind + "_at"];
      if (!at) continue;
      const there = [at[1], at[0]];
      group.push(L.polyline([here, there], {renderer, interactive: false, color: lineColours[kind], weight: 1.5,
        dashArray: "4 4"}));
      group.push(L.circleMarker(there, {renderer, interactive: false, radius: 3, weight: 1, color: lineColours[kind],
        fillColor: lineColours[kind], fillOpacity: 1}));
    }
    return group;
  }

  function tableRow(p, placed, outside) {
    const verdict = [{text: t[p.verdict] || p.verdict, badge: p.verdict}];
    if (outside) verdict.push({text: t.row_outside, badge: "outside"});
    if (!placed) verdict.push({text: t.row_no_position, badge: "outside"});
    return {id: String(p.row), chips: [p.verdict].concat(outside || !placed ? ["outside"] : []), cells: [
      {text: String(p.row + 1), sort: p.row}, {text: p.id}, {text: p.name},
      {parts: verdict, text: verdict.map((v) => v.text).join(" "), sort: p.verdict},
      {text: p.reasons || ""},
      {text: nearest(p, "outlet"), sort: p.outlet_m}, {text: nearest(p, "station"), sort: p.station_m}]};
  }

  function drawRows(data) {
    const markers = new Map();
    const allLines = L.layerGroup();
    const rows = [];
    let outsideCount = 0;
    for (const f of data.features) {
      const p = f.properties;
      const here = L.latLng(f.geometry.coordinates[1], f.geometry.coordinates[0]);
      const outside = district !== null && !district.contains(here);
      rows.push(tableRow(p, true, outside));
      if (outside) { outsideCount += 1; continue; }
      const marker = L.circleMarker(here, {renderer, radius: 4, weight: 1, color: "#111827",
        fillColor: colours[p.verdict], fillOpacity: 0.85}).bindPopup(() => popup(p));
      marker.feature = f;
      markers.set(String(p.row), marker);
      if (p.verdict !== "error") linesOf(p, here).forEach((l) => allLines.addLayer(l));
    }
    for (const p of data.unplaced || []) rows.push(tableRow(p, false, false));
    rows.sort((a, b) => a.cells[0].sort - b.cells[0].sort);
    markers.forEach((m) => m.addTo(map));
    return {markers, allLines, rows, outsideCount};
  }

  function link(drawn) {
    const table = window.PlannerTable.get("check-rows");
    table.setRows(drawn.rows);
    const chosen = L.layerGroup().addTo(map);
    let previous = null;
    function onSelect(id, marker) {
      chosen.clearLayers();
      if (previous) previous.setStyle({radius: 4, weight: 1});
      previous = marker;
      marker.setStyle({radius: 7, weight: 3}).bringToFront();
      if (marker.feature.properties.verdict !== "error") {
        linesOf(marker.feature.properties, marker.getLatLng()).forEach((l) => chosen.addLayer(l));
      }
      P.selected = id;
    }
    window.PlannerTable.linkMap(table, map, drawn.markers, {onSelect});
    const toggle = document.getElementById("show-lines");
    toggle.addEventListener("change", () => {
      if (toggle.checked) drawn.allLines.addTo(map); else drawn.allLines.remove();
    });
  }

  async function draw() {
    const context = await Promise.allSettled(["areas", "outlets", "stations"].map(fetchLayer));
    ["areas", "outlets", "stations"].forEach((name, i) => {
      if (context[i].status === "fulfilled") drawContext(name, context[i].value);
    });
    const response = await fetch(cfg.rows, {credentials: "same-origin"});
    const drawn = drawRows(await response.json());
    link(drawn);
    P.features = drawn.markers;
    P.drawn = drawn.markers.size;
    P.outside = drawn.outsideCount;
    window.__mapReady = true;
  }

  draw().catch((error) => {
    window.__mapError = String(error);
    window.__mapReady = true;
  });
})();
