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
