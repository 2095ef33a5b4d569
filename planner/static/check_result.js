/* Draw checked rows coloured by verdict, with lines to their nearest outlet and station.
   Row values (ids, names, reasons come from the uploaded file) reach the page only as textContent. */
(function () {
  "use strict";
  const P = window.__planner;
  Object.assign(P, JSON.parse(document.getElementById("check-config").textContent));
  const colours = {pass: "#16a34a", fail: "#dc2626", error: "#6b7280"};
  const metres = (m) => (m == null ? "" : m.toLocaleString(undefined, {maximumFractionDigits: 1}) + " " + P.labels.metres);

  function line(box, text, tag) {
    if (box.childNodes.length) box.appendChild(document.createElement("br"));
    const node = tag ? document.createElement(tag) : document.createTextNode("");
    node.textContent = text;
    box.appendChild(node);
  }

  function popup(p) {
    const box = document.createElement("div");
    line(box, [p.id, p.name].filter((v) => v != null).join(" "), "b");
    line(box, P.labels[p.verdict] || "");
    if (p.reasons) line(box, p.reasons);
    line(box, P.labels.outlet + ": " + (p.outlet_id == null ? "" : p.outlet_id) + " " + metres(p.outlet_m));
    line(box, P.labels.station + ": " + (p.station_id == null ? "" : p.station_id) + " " + metres(p.station_m));
    return box;
  }

  fetch(P.rows, {credentials: "same-origin"}).then((r) => r.json()).then((data) => {
    const lines = L.layerGroup();
    const points = L.geoJSON(data, {
      pointToLayer: (f, latlng) => L.circleMarker(latlng, {radius: 6, weight: 1, color: "#111827",
        fillColor: colours[f.properties.verdict], fillOpacity: 0.9}),
      onEachFeature: (f, layer) => {
        const p = f.properties;
        layer.bindPopup(() => popup(p));
        const here = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
        for (const [key, colour] of [["outlet_at", "#b91c1c"], ["station_at", "#1d4ed8"]]) {
          if (!p[key]) continue;
          const there = [p[key][1], p[key][0]];
          L.polyline([here, there], {color: colour, weight: 1, dashArray: "4 4"}).addTo(lines);
          L.circleMarker(there, {radius: 3, weight: 1, color: colour, fillColor: colour, fillOpacity: 1}).addTo(lines);
        }
      },
    });
    lines.addTo(P.map);
    points.addTo(P.map);
    // maxZoom: one row has bounds of no size, and without a tile layer Leaflet knows no zoom limit.
    if (data.features.length) P.map.fitBounds(points.getBounds(), {padding: [24, 24], maxZoom: 17});
    P.drawn = data.features.length;
    window.__mapReady = true;
  });
})();
