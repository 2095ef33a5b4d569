// Draw checked rows coloured by verdict, with lines to their nearest outlet and station.
(function () {
  const P = window.__planner;
  const colours = {pass: "#16a34a", fail: "#dc2626", error: "#6b7280"};
  const esc = (s) => String(s == null ? "" : s).replace(/[&<>"]/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]));
  const metres = (m) => (m == null ? "" : m.toLocaleString(undefined, {maximumFractionDigits: 1}) + " " + P.labels.metres);
  fetch(P.rows).then((r) => r.json()).then((data) => {
    const lines = L.layerGroup();
    const points = L.geoJSON(data, {
      pointToLayer: (f, latlng) => L.circleMarker(latlng, {radius: 6, weight: 1, color: "#111827",
        fillColor: colours[f.properties.verdict], fillOpacity: 0.9}),
      onEachFeature: (f, layer) => {
        const p = f.properties;
        layer.bindPopup(`<b>${esc(p.id)} ${esc(p.name)}</b><br>${esc(P.labels[p.verdict])}` +
          (p.reasons ? `<br>${esc(p.reasons)}` : "") +
          `<br>${esc(P.labels.outlet)}: ${esc(p.outlet_id)} ${metres(p.outlet_m)}` +
          `<br>${esc(P.labels.station)}: ${esc(p.station_id)} ${metres(p.station_m)}`);
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
    if (data.features.length) P.map.fitBounds(points.getBounds(), {padding: [24, 24]});
    P.drawn = data.features.length;
    window.__mapReady = true;
  });
})();
