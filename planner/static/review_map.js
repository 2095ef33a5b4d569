/* The work queue's small map: each task's site, coloured by the applicant's verdict (stations blue), linked to its
   row of the table (table.js): a row click shows the site, a site click highlights its row. Codes and names reach
   the popups only as textContent. */
(function () {
  "use strict";
  const cfg = JSON.parse(document.getElementById("queue-map-config").textContent);
  const map = window.__planner.map;
  const colours = {pass: "#16a34a", fail: "#dc2626"};
  const layers = new Map();

  function popup(p) {
    const box = document.createElement("div");
    const title = document.createElement("b");
    title.textContent = [p.code, p.name].filter((v) => v).join(" ");
    box.appendChild(title);
    if (p.verdict) {
      box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode(cfg.labels[p.verdict] || p.verdict));
    }
    return box;
  }

  for (const f of cfg.points.features) {
    const p = f.properties;
    const c = f.geometry.coordinates;
    const fill = colours[p.verdict] || (p.table === "stations" ? "#3b82f6" : "#f59e0b");
    const marker = L.circleMarker([c[1], c[0]], {radius: 6, weight: 1, color: "#111827", fillColor: fill,
      fillOpacity: 0.9}).bindPopup(() => popup(p)).addTo(map);
    layers.set(p.id, marker);
  }
  window.PlannerTable.linkMap(window.PlannerTable.get("review-queue"), map, layers);
  window.__planner.features = layers;
  window.__mapReady = true;
})();
