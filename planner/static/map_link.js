/* One way for the folium map pages (ranking, exits, coverage) to link a data_table to the map: the map's
   layers carry an id (option feature_id on markers and circles, which folium writes as featureId; property
   feature_id on GeoJson features). This script, loaded after the map's with data-link-table="<table id>" (not
   data-table: table.js makes a table of every [data-table]), finds them on window.__planner.map and hands them
   to PlannerTable.linkMap (a row click selects the feature, a feature click highlights the row).
   With data-link-popup on the script tag, a feature without a popup of its own gets one made from its table row
   (each column's label and the cell's text, as text only), and the chosen feature keeps a bolder outline until
   another row of any linked table is chosen (window.__planner.chosen).
   Sets window.__planner.features (id -> layer) for tests and other scripts. */
(function () {
  "use strict";
  const tableId = document.currentScript && document.currentScript.dataset.linkTable;
  const withPopups = Boolean(document.currentScript && document.currentScript.dataset.linkPopup != null);
  const planner = window.__planner;
  if (!tableId || !planner || !planner.map || !window.PlannerTable) return;

  function idOf(layer) {
    const o = layer.options || {};
    if (o.featureId != null) return String(o.featureId);  // folium writes option feature_id as featureId
    if (o.feature_id != null) return String(o.feature_id);
    const p = layer.feature && layer.feature.properties;
    return p && p.feature_id != null && p.feature_id !== "" ? String(p.feature_id) : null;
  }

  const table = window.PlannerTable.get(tableId);
  if (!table) return;
  /* id -> layer, only the ids of this table's rows (a page may link two tables to one map); with several layers
     of one id (a marker and its circle), the first one with a popup or tooltip wins, else the first met. */
  const wanted = new Set(table.rows.map((r) => r.id).filter((id) => id != null));
  const layers = new Map();
  planner.map.eachLayer((layer) => {
    const id = idOf(layer);
    if (id == null || !wanted.has(id)) return;
    const known = layers.get(id);
    if (!known || (!known.getPopup() && !known.getTooltip() && (layer.getPopup() || layer.getTooltip()))) {
      layers.set(id, layer);
    }
  });
  /* The row's cells under their column labels, as text. */
  function rowPopup(id) {
    const row = table.rows.find((r) => r.id === id);
    const box = document.createElement("table");
    box.className = "popup";
    if (!row) return box;
    const el = table.element(row);
    table.columns.forEach((column, i) => {
      const text = el.cells[i] ? el.cells[i].textContent.trim() : "";
      if (!text) return;
      const tr = box.insertRow();
      const th = document.createElement("th");
      th.textContent = column.label;
      tr.appendChild(th);
      tr.insertCell().textContent = text;
    });
    return box;
  }

  /* A bolder outline on the chosen shape or marker; the one chosen before (from any linked table) gets its own
     style back. */
  function highlight(id, layer) {
    const chosen = planner.chosen;
    if (chosen && chosen.layer === layer) return;
    if (chosen && chosen.layer.setStyle) chosen.layer.setStyle(chosen.style);
    planner.chosen = null;
    if (!layer || !layer.setStyle) return;
    const o = layer.options || {};
    planner.chosen = {id, layer, style: {weight: o.weight, color: o.color, opacity: o.opacity}};
    layer.setStyle({weight: Math.max(3, (o.weight || 1) + 2), color: "#111827", opacity: 1});
    if (layer.bringToFront) layer.bringToFront();
  }

  let options;
  if (withPopups) {
    layers.forEach((layer, id) => {
      if (!layer.getPopup() && layer.bindPopup) layer.bindPopup(() => rowPopup(id));
    });
    options = {onSelect: highlight};
  }
  window.PlannerTable.linkMap(table, planner.map, layers, options);
  planner.features = new Map([...(planner.features || []), ...layers]);
})();
