/* One way for the folium map pages (ranking, exits, coverage) to link a data_table to the map: the map's
   layers carry an id (option feature_id on markers and circles, which folium writes as featureId; property
   feature_id on GeoJson features). This script, loaded after the map's with data-link-table="<table id>" (not
   data-table: table.js makes a table of every [data-table]), finds them on window.__planner.map and hands them
   to PlannerTable.linkMap (a row click selects the feature, a feature click highlights the row).
   Sets window.__planner.features (id -> layer) for tests and other scripts. */
(function () {
  "use strict";
  const tableId = document.currentScript && document.currentScript.dataset.linkTable;
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
  window.PlannerTable.linkMap(table, planner.map, layers);
  planner.features = new Map([...(planner.features || []), ...layers]);
})();
