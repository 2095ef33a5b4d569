/* The overview's sites table: every outlet, station and applicant the map draws, listed through the one table
   component (table.js) from the very features overview.js fetched (no second copy of the data), with the area
   each lies in (found here, on the areas layer the map also draws). Linked to the canvas through
   L.PointCanvas.featureLayers (the marker interface PlannerTable.linkMap expects): a row click centres the map
   on its point, rings it and opens its popup; a click on a point selects its row.
   Sets window.__planner.features (id "<layer>:<code>" -> stand-in) and window.__overviewTable (rows listed). */
(function () {
  "use strict";
  const P = window.__planner;
  const cfg = JSON.parse(document.getElementById("overview-config").textContent);
  const t = cfg.labels;
  const POINTS = ["outlets", "stations", "candidates"];
  const INNER = {village: 0, community: 0, subdistrict: 1, township: 1};

  /* Areas in a uniform grid of their bounding boxes: a point tests only the few areas whose box holds it. */
  function areaIndex(features) {
    const areas = [];
    for (const f of features) {
      const g = f.geometry;
      if (!g) continue;
      const polygons = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
      let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
      for (const polygon of polygons) {
        for (const [x, y] of polygon[0]) { w = Math.min(w, x); e = Math.max(e, x); s = Math.min(s, y); n = Math.max(n, y); }
      }
      if (w > e) continue;
      const p = f.properties || {};
      areas.push({polygons, box: [w, s, e, n], name: p.name || p.code || "",
        rank: p.level in INNER ? INNER[p.level] : 2});
    }
    if (!areas.length) return null;
    const W = Math.min(...areas.map((a) => a.box[0])), S = Math.min(...areas.map((a) => a.box[1]));
    const E = Math.max(...areas.map((a) => a.box[2])), N = Math.max(...areas.map((a) => a.box[3]));
    const side = Math.max(1, Math.ceil(Math.sqrt(areas.length)));
    const dx = (E - W) / side || 1, dy = (N - S) / side || 1;
    const cells = new Map();
    const cellOf = (x, y) => Math.min(side - 1, Math.floor((x - W) / dx)) * side + Math.min(side - 1, Math.floor((y - S) / dy));
    areas.forEach((a, k) => {
      const [i0, i1] = [Math.floor((a.box[0] - W) / dx), Math.min(side - 1, Math.floor((a.box[2] - W) / dx))];
      const [j0, j1] = [Math.floor((a.box[1] - S) / dy), Math.min(side - 1, Math.floor((a.box[3] - S) / dy))];
      for (let i = i0; i <= i1; i++) {
        for (let j = j0; j <= j1; j++) {
          const key = i * side + j;
          if (!cells.has(key)) cells.set(key, []);
          cells.get(key).push(k);
        }
      }
    });
    return {areas, cells, cellOf, box: [W, S, E, N]};
  }

  function inRing(ring, x, y) {
    let inside = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i], [xj, yj] = ring[j];
      if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  }

  function inPolygon(polygon, x, y) {
    if (!inRing(polygon[0], x, y)) return false;
    for (let h = 1; h < polygon.length; h++) if (inRing(polygon[h], x, y)) return false;
    return true;
  }

  /* The name of the innermost area (a village or community before a township) holding (x, y), or "". */
  function areaAt(index, x, y) {
    if (!index || x < index.box[0] || x > index.box[2] || y < index.box[1] || y > index.box[3]) return "";
    let best = null;
    for (const k of index.cells.get(index.cellOf(x, y)) || []) {
      const a = index.areas[k];
      if (best && a.rank >= best.rank) continue;
      if (x < a.box[0] || x > a.box[2] || y < a.box[1] || y > a.box[3]) continue;
      if (a.polygons.some((polygon) => inPolygon(polygon, x, y))) best = a;
    }
    return best ? best.name : "";
  }

  function statusCell(layer, p) {
    const word = layer === "outlets" ? t["kind_" + p.kind] || p.kind : t["status_" + p.status] || p.status;
    const parts = [{text: word || ""}];
    if (layer === "candidates" && p.verdict) parts.push({text: t[p.verdict] || p.verdict, badge: p.verdict});
    return {parts, text: parts.map((part) => part.text).join(" "), sort: word || ""};
  }

  function rowOf(layer, feature, area) {
    const p = feature.properties;
    return {id: layer + ":" + p.code, chips: [layer], cells: [
      {text: p.code}, {text: t["site_" + layer]}, {text: p.name || ""}, statusCell(layer, p), {text: area}]};
  }

  function link(features) {
    const table = window.PlannerTable.get("site-table");
    if (!table) return;
    const index = areaIndex(features.areas || []);
    const rows = [];
    const stands = new Map();
    for (const name of POINTS) {
      const layer = P.layers[name];
      if (!layer) continue;
      for (const f of layer.features) {
        const [x, y] = f.geometry.coordinates;
        rows.push(rowOf(name, f, areaAt(index, x, y)));
      }
      layer.featureLayers((f) => name + ":" + f.properties.code, (f) => P.openSite(name, f))
        .forEach((stand, id) => stands.set(id, stand));
    }
    table.setRows(rows);
    const ring = L.circleMarker([0, 0], {radius: 12, color: "#dc2626", weight: 3, fill: false, interactive: false,
      className: "overview-chosen", renderer: L.svg()});
    function onSelect(id, stand) {
      const name = id.split(":")[0];
      if (P.layers[name] && !P.map.hasLayer(P.layers[name])) P.map.addLayer(P.layers[name]);  // shown again
      ring.setLatLng(stand.getLatLng());
      if (!P.map.hasLayer(ring)) ring.addTo(P.map);
      P.selected = id;
    }
    window.PlannerTable.linkMap(table, P.map, stands, {onSelect});
    P.features = stands;
    performance.mark("overview table");
    window.__overviewTable = rows.length;
  }

  document.addEventListener("overview:drawn", (event) => {
    try {
      link(event.detail.features);
    } catch (error) {
      window.__overviewTable = {error: String(error)};
      throw error;
    }
  });
})();
