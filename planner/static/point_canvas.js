/* PointCanvas: many points drawn as circles on one canvas, without a Leaflet object per point.
   A Leaflet layer (so the layer control can toggle it) that redraws after every move or zoom by
   writing each circle's pixels into one image, and answers hit tests in screen pixels for clicks.
   Colours are "#rrggbb". */
(function () {
  "use strict";
  L.PointCanvas = L.Layer.extend({
    initialize: function (features, style, fillOf) {
      const n = features.length;
      this.features = features;
      this._lat = new Float64Array(n);
      this._lng = new Float64Array(n);
      this._x = new Float32Array(n);
      this._y = new Float32Array(n);
      this._style = style;
      const groups = new Map();
      features.forEach((f, i) => {
        this._lng[i] = f.geometry.coordinates[0];
        this._lat[i] = f.geometry.coordinates[1];
        const fill = fillOf(f.properties);
        if (!groups.has(fill)) groups.set(fill, []);
        groups.get(fill).push(i);
      });
      this._groups = Array.from(groups, ([fill, members]) => [fill, Uint32Array.from(members)]);
    },

    onAdd: function (map) {
      this._canvas = L.DomUtil.create("canvas", "leaflet-zoom-hide point-canvas");
      this._canvas.style.pointerEvents = "none";
      map.getPane("overlayPane").appendChild(this._canvas);
      map.on("moveend zoomend resize viewreset", this.redraw, this);
      this.redraw();
    },

    onRemove: function (map) {
      map.off("moveend zoomend resize viewreset", this.redraw, this);
      L.DomUtil.remove(this._canvas);
    },

    redraw: function () {
      const map = this._map;
      if (!map) return;
      const size = map.getSize();
      const ratio = window.devicePixelRatio || 1;
      const canvas = this._canvas;
      L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
      canvas.width = size.x * ratio;
      canvas.height = size.y * ratio;
      canvas.style.width = size.x + "px";
      canvas.style.height = size.y + "px";
      const ctx = canvas.getContext("2d");
      const r = this._style.radius;
      // Project every point once per redraw: container pixels = world pixels at this zoom - origin.
      const zoom = map.getZoom();
      const origin = map.getPixelOrigin().add(map.containerPointToLayerPoint([0, 0]));
      const crs = map.options.crs;
      for (let i = 0; i < this._lat.length; i++) {
        const p = crs.latLngToPoint(L.latLng(this._lat[i], this._lng[i]), zoom);
        this._x[i] = p.x - origin.x;
        this._y[i] = p.y - origin.y;
      }
      // Stamp a pre-computed circle per point straight into the pixels: rasterising 60,000 canvas arcs
      // (or drawImage calls) costs the browser hundreds of milliseconds; this costs tens.
      const width = canvas.width, height = canvas.height;
      const image = ctx.createImageData(width, height);
      const pixels = new Uint32Array(image.data.buffer);
      for (const [fill, members] of this._groups) {
        const stamp = this._stamp(fill, ratio);
        const n = stamp.dx.length;
        for (const i of members) {
          const cx = Math.round(this._x[i] * ratio), cy = Math.round(this._y[i] * ratio);
          if (cx < -stamp.half || cy < -stamp.half || cx >= width + stamp.half || cy >= height + stamp.half) continue;
          for (let k = 0; k < n; k++) {
            const x = cx + stamp.dx[k], y = cy + stamp.dy[k];
            if (x >= 0 && y >= 0 && x < width && y < height) pixels[y * width + x] = stamp.colour[k];
          }
        }
      }
      ctx.putImageData(image, 0, 0);
      this.fire("drawn");
    },

    /* The pixels of one circle (fill and outline) as offsets from its centre and RGBA words. */
    _stamp: function (fill, ratio) {
      const key = fill + "@" + ratio;
      this._stamps = this._stamps || {};
      if (!this._stamps[key]) {
        const r = this._style.radius * ratio, half = Math.ceil(r + ratio);
        const word = (hex) => {
          const v = parseInt(hex.slice(1), 16);
          return ((255 << 24) | ((v & 255) << 16) | (((v >> 8) & 255) << 8) | ((v >> 16) & 255)) >>> 0;
        };
        const inner = word(fill), outline = word(this._style.color);
        const dx = [], dy = [], colour = [];
        for (let y = -half; y <= half; y++) {
          for (let x = -half; x <= half; x++) {
            const d = Math.sqrt(x * x + y * y);
            if (d > r + 0.5) continue;
            dx.push(x); dy.push(y); colour.push(d > r - ratio ? outline : inner);
          }
        }
        this._stamps[key] = {half, dx: Int16Array.from(dx), dy: Int16Array.from(dy), colour: Uint32Array.from(colour)};
      }
      return this._stamps[key];
    },

    /* The feature drawn nearest to a container point, within the circle (+3 px), or null. */
    hit: function (point) {
      const limit = (this._style.radius + 3) ** 2;
      let best = -1, bestD = limit;
      for (let i = 0; i < this._x.length; i++) {
        const dx = this._x[i] - point.x, dy = this._y[i] - point.y;
        const d = dx * dx + dy * dy;
        if (d <= bestD) { best = i; bestD = d; }
      }
      return best < 0 ? null : this.features[best];
    },

    latLngOf: function (code) {
      const i = this.features.findIndex((f) => f.properties.code === code);
      return i < 0 ? null : L.latLng(this._lat[i], this._lng[i]);
    },

    /* One stand-in per point with the part of a Leaflet marker's interface that PlannerTable.linkMap uses
       (getLatLng, getPopup/openPopup/isPopupOpen, on/fire "click"), so a table links to a canvas as it links
       to folium layers. `open(feature)` opens the point's popup and returns the L.Popup. */
    featureLayers: function (idOf, open) {
      const layers = new Map();
      this.features.forEach((feature, i) => layers.set(String(idOf(feature)), new L.PointCanvas.Feature(this, i, open)));
      this._layers = layers;
      return layers;
    },

    /* The stand-in of the feature under a container point (see hit), or null. */
    layerAt: function (point, idOf) {
      const feature = this.hit(point);
      return feature && this._layers ? this._layers.get(String(idOf(feature))) || null : null;
    },
  });

  L.PointCanvas.Feature = L.Evented.extend({
    initialize: function (owner, index, open) {
      this.owner = owner;
      this.index = index;
      this.feature = owner.features[index];
      this._open = open;
      this._popup = null;
    },
    getLatLng: function () { return L.latLng(this.owner._lat[this.index], this.owner._lng[this.index]); },
    getPopup: function () { return this._open ? this : null; },
    getTooltip: function () { return null; },
    openPopup: function () {
      if (this._open) this._popup = this._open(this.feature);
      return this;
    },
    isPopupOpen: function () { return Boolean(this._popup && this._popup.isOpen()); },
  });
})();
