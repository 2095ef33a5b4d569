/* Behaviour every page shares. It lives here, not in onchange="…" attributes: the
   Content-Security-Policy allows no inline event handlers. */
(function () {
  "use strict";
  // The form's own submit, whatever a field of the form is called (a field named "submit" shadows form.submit).
  const submit = (form) => HTMLFormElement.prototype.submit.call(form);

  document.addEventListener("change", (event) => {
    const select = event.target;
    if (!(select instanceof HTMLSelectElement) || !select.form) return;
    // The base map: its form (layout/base.html) is a GET to this page with the page's other query values.
    if (select.id === "basemap-choice" || select.matches("select[data-autosubmit]")) submit(select.form);
  });

  // The top bar's menu on phones: the button opens and closes it; Escape or a click elsewhere closes it.
  const bar = document.getElementById("topbar");
  const button = document.getElementById("menu-button");
  if (!bar || !button) return;
  const setOpen = (open) => {
    bar.classList.toggle("open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  };
  button.addEventListener("click", () => setOpen(button.getAttribute("aria-expanded") !== "true"));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && bar.classList.contains("open")) {
      setOpen(false);
      button.focus();
    }
  });
  document.addEventListener("click", (event) => {
    if (bar.classList.contains("open") && !bar.contains(event.target)) setOpen(false);
  });
})();

/* The overview map centred on a record the search found (?focus=<code>&focus_layer=<layer>): the layer API
   gives its shape in the map's coordinates; a ring marks it. Its name reaches the tooltip as text only. */
(function () {
  "use strict";
  const params = new URLSearchParams(location.search);
  const code = params.get("focus");
  const layer = params.get("focus_layer");
  const map = window.__planner && window.__planner.map;
  if (!code || !map || !["outlets", "stations", "candidates", "areas"].includes(layer) || !window.L) return;
  const configured = document.getElementById("overview-config");
  const config = configured ? JSON.parse(configured.textContent) : {};
  const template = (config.urls && config.urls.layers) || "/api/layers/__layer__";
  const query = new URLSearchParams({code: code, display: config.display || "wgs84"});
  fetch(template.replace("__layer__", layer) + "?" + query.toString(), {credentials: "same-origin"})
    .then((response) => (response.ok ? response.json() : {features: []}))
    .then((answer) => {
      const feature = answer.features && answer.features[0];
      if (!feature || !feature.geometry) return;
      const label = document.createElement("span");
      label.textContent = [feature.properties.code, feature.properties.name].filter(Boolean).join(" · ");
      const renderer = L.svg();  // its own SVG layer, over the canvas the map draws its points on
      let shape;
      if (feature.geometry.type === "Point") {
        const [lon, lat] = feature.geometry.coordinates;
        shape = L.circleMarker([lat, lon], {radius: 14, color: "#dc2626", weight: 3, fill: false,
          className: "search-focus", interactive: false, renderer});
        map.setView([lat, lon], Math.max(map.getZoom(), 16), {animate: false});
      } else {
        shape = L.geoJSON(feature, {style: {color: "#dc2626", weight: 3, fill: false, className: "search-focus"},
          interactive: false, renderer});
        map.fitBounds(shape.getBounds(), {padding: [24, 24], animate: false});
      }
      shape.addTo(map).bindTooltip(label, {permanent: true, direction: "top"}).openTooltip();
      window.__planner.focus = feature.properties.code;
    })
    .catch(() => {});
})();

/* Map legends (layout/_legend.html) start folded on phones, where the map is small; open elsewhere. */
(function () {
  "use strict";
  if (!window.matchMedia("(max-width: 640px)").matches) return;
  for (const legend of document.querySelectorAll("details.map-legend")) legend.open = false;
})();
