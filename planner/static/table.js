/* The table component (templates/layout/_table.html): sort, text filter, chips, paging, row <-> map selection.

   Only one page of rows is in the DOM at a time, so a table of 10,000 rows stays quick. Rows come from the
   server-rendered <tbody> or from PlannerTable.get(id).setRows(rows), where a row is
   {id, chips: [tokens], cells: [{text, sort, badge, title}]} and every text reaches the page as textContent.

   The map contract: rows carry data-feature-id; a map page registers its Leaflet layers under the same ids
   and calls PlannerTable.linkMap(table, map, layers): a row click pans the map to its feature and opens its
   popup, a feature click highlights its row (switching page when needed) and scrolls it into view. */
(function () {
  "use strict";
  const registry = {};
  const collator = new Intl.Collator(document.documentElement.lang || undefined, {numeric: true});

  function number(value) {
    if (value == null || value === "") return NaN;
    return parseFloat(String(value).replace(/[\s,]/g, ""));
  }

  class Table {
    constructor(box) {
      this.box = box;
      this.table = box.querySelector("table.dt");
      this.tbody = this.table.tBodies[0];
      this.pageSize = Number(box.dataset.pageSize) || 50;
      this.columns = Array.from(this.table.tHead.rows[0].cells, (th) => ({
        key: th.dataset.key, num: th.dataset.type === "num", th, label: th.textContent.trim()}));
      this.rows = Array.from(this.tbody.rows, (tr) => this.fromElement(tr));
      this.query = "";
      this.chip = "";
      this.sortAt = -1;
      this.sortDir = 1;
      this.page = 0;
      this.selected = null;
      this.listeners = [];
      this.filter = box.querySelector(".dt-filter");
      this.chips = Array.from(box.querySelectorAll(".chip"));
      this.bind();
      this.apply();
    }

    fromElement(tr) {
      if (tr.dataset.featureId != null) tr.tabIndex = 0;
      return {el: tr, id: tr.dataset.featureId == null ? null : tr.dataset.featureId,
        chips: (tr.dataset.chips || "").split(" ").filter(Boolean), text: this.textOf(tr),
        sort: Array.from(tr.cells, (td) => (td.dataset.sort != null ? td.dataset.sort : td.textContent.trim()))};
    }

    /* What the filter matches: the row's text, but a cell holding a form (a role choice) by its sort value,
       not by the words of every option it offers. */
    textOf(tr) {
      return Array.from(tr.cells, (td) => (td.dataset.sort != null && td.querySelector("form, select")
        ? td.dataset.sort : td.textContent)).join(" ").toLowerCase();
    }

    setRows(rows) {
      this.rows = rows.map((r) => ({data: r, el: null, id: r.id == null ? null : String(r.id), chips: r.chips || [],
        text: r.cells.map((c) => (c && c.text != null ? c.text : "")).join(" ").toLowerCase(),
        sort: r.cells.map((c) => (c == null ? "" : c.sort != null ? c.sort : c.text))}));
      this.loaded = true;
      this.apply();
    }

    build(row) {
      const tr = document.createElement("tr");
      const r = row.data;
      if (row.id != null) { tr.dataset.featureId = row.id; tr.tabIndex = 0; }
      if (r.cls) tr.className = r.cls;
      r.cells.forEach((cell, i) => {
        const td = tr.insertCell();
        td.dataset.label = this.columns[i] ? this.columns[i].label : "";
        if (this.columns[i] && this.columns[i].num) td.className = "num";
        if (cell == null) return;
        for (const part of [].concat(cell.parts || [cell])) {
          if (part.badge) {
            const span = document.createElement("span");
            span.className = "badge " + part.badge;
            span.textContent = part.text == null ? "" : String(part.text);
            if (td.childNodes.length) td.appendChild(document.createTextNode(" "));
            td.appendChild(span);
          } else if (part.text != null) {
            td.appendChild(document.createTextNode((td.childNodes.length ? " " : "") + String(part.text)));
          }
        }
        if (cell.title) td.title = cell.title;
      });
      return tr;
    }

    element(row) {
      if (!row.el) row.el = this.build(row);
      return row.el;
    }

    bind() {
      if (this.filter) {
        this.filter.addEventListener("input", () => { this.query = this.filter.value.trim().toLowerCase(); this.page = 0; this.apply(); });
      }
      for (const chip of this.chips) {
        chip.addEventListener("click", () => { this.chip = chip.dataset.chip; this.page = 0; this.apply(); });
      }
      this.columns.forEach((c, i) => {
        const button = c.th.querySelector("button") || c.th;
        button.addEventListener("click", () => this.sortBy(i));
      });
      this.sortSelect = this.box.querySelector(".dt-sort-select");
      if (this.sortSelect) {  // phones: the headers are hidden with the cards
        this.sortSelect.addEventListener("change", () => {
          const [at, dir] = (this.sortSelect.value || "-1:1").split(":").map(Number);
          this.sortBy(at, dir);
        });
      }
      this.box.querySelector(".dt-prev").addEventListener("click", () => this.go(this.page - 1));
      this.box.querySelector(".dt-next").addEventListener("click", () => this.go(this.page + 1));
      const pick = (event) => {
        if (event.target.closest("a, button, input, select, textarea")) return;
        const tr = event.target.closest("tr[data-feature-id]");
        if (tr && this.tbody.contains(tr)) this.choose(tr.dataset.featureId);
      };
      this.tbody.addEventListener("click", pick);
      this.tbody.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); pick(event); }
      });
    }

    sortBy(i, dir) {
      this.sortDir = dir || (this.sortAt === i ? -this.sortDir : 1);
      this.sortAt = i;
      if (this.sortSelect) this.sortSelect.value = i < 0 ? "" : i + ":" + this.sortDir;
      this.columns.forEach((c, k) => c.th.setAttribute("aria-sort",
        k !== i ? "none" : this.sortDir > 0 ? "ascending" : "descending"));
      this.apply();
    }

    matches(row) {
      return (!this.chip || row.chips.includes(this.chip)) && (!this.query || row.text.includes(this.query));
    }

    apply() {
      const texted = this.query ? this.rows.filter((r) => r.text.includes(this.query)) : this.rows;
      for (const chip of this.chips) {
        const token = chip.dataset.chip;
        chip.setAttribute("aria-pressed", String(token === this.chip));
        const n = token ? texted.filter((r) => r.chips.includes(token)).length : texted.length;
        chip.querySelector(".n").textContent = n.toLocaleString();
      }
      this.view = this.rows.filter((r) => this.matches(r));
      if (this.sortAt >= 0) {
        const i = this.sortAt, dir = this.sortDir, num = this.columns[i].num;
        const order = new Map(this.view.map((r, k) => [r, k]));
        this.view.sort((a, b) => {
          let x = a.sort[i], y = b.sort[i], d;
          if (num) {
            x = number(x); y = number(y);
            if (isNaN(x) || isNaN(y)) d = isNaN(x) - isNaN(y);  // blanks last, whatever the direction
            else d = dir * (x - y);
          } else {
            x = x == null ? "" : String(x); y = y == null ? "" : String(y);
            d = !x || !y ? (!x) - (!y) : dir * collator.compare(x, y);
          }
          return d || order.get(a) - order.get(b);
        });
      }
      this.render();
    }

    pages() {
      return Math.max(1, Math.ceil(this.view.length / this.pageSize));
    }

    go(page) {
      this.page = Math.min(Math.max(0, page), this.pages() - 1);
      this.render();
    }

    render() {
      this.page = Math.min(this.page, this.pages() - 1);
      const start = this.page * this.pageSize;
      const shown = this.view.slice(start, start + this.pageSize).map((r) => {
        const el = this.element(r);
        el.classList.toggle("selected", r.id != null && r.id === this.selected);
        return el;
      });
      this.tbody.replaceChildren(...shown);
      const info = this.box.dataset.textPage.replace("{page}", String(this.page + 1))
        .replace("{pages}", String(this.pages())).replace("{n}", this.view.length.toLocaleString());
      this.box.querySelector(".dt-info").textContent = info;
      this.box.querySelector(".dt-prev").disabled = this.page === 0;
      this.box.querySelector(".dt-next").disabled = this.page >= this.pages() - 1;
      this.box.querySelector(".dt-pager").hidden = this.view.length <= this.pageSize;
      this.box.querySelector(".dt-empty").hidden = this.view.length > 0 || this.box.dataset.rows === "script" && !this.loaded;
      this.box.dataset.shown = String(shown.length);
    }

    /* Highlight the row of `id`, on its page (the filter is cleared when it hides the row); true when found. */
    select(id, options) {
      id = id == null ? null : String(id);
      this.selected = id;
      let at = this.view.findIndex((r) => r.id === id);
      if (at < 0 && id != null && this.rows.some((r) => r.id === id)) {
        this.query = ""; this.chip = "";
        if (this.filter) this.filter.value = "";
        this.apply();
        at = this.view.findIndex((r) => r.id === id);
      }
      if (at >= 0) this.page = Math.floor(at / this.pageSize);
      this.render();
      if (at < 0) return false;
      const el = this.element(this.view[at]);
      if (options && options.scroll) el.scrollIntoView({block: "nearest"});
      return true;
    }

    choose(id) {
      this.select(id);
      for (const listener of this.listeners) listener(id);
    }

    onSelect(listener) {
      this.listeners.push(listener);
    }
  }

  function init(box) {
    if (!registry[box.dataset.table]) registry[box.dataset.table] = new Table(box);
    return registry[box.dataset.table];
  }

  /* Row <-> map: `layers` maps a feature id to its Leaflet layer (a marker or a shape; its popup opens, else its
     tooltip). */
  function linkMap(table, map, layers, options) {
    const zoom = (options && options.zoom) || 16;
    table.onSelect((id) => {
      const layer = layers.get(String(id));
      if (!layer) { map.closePopup(); return; }
      if (layer.getLatLng) map.setView(layer.getLatLng(), Math.max(map.getZoom(), zoom));
      else if (layer.getBounds) map.fitBounds(layer.getBounds(), {maxZoom: zoom});
      if (layer.getPopup && layer.getPopup()) layer.openPopup();
      else if (layer.getTooltip && layer.getTooltip()) layer.openTooltip();
      if (options && options.onSelect) options.onSelect(id, layer);
      if (window.matchMedia("(max-width: 640px)").matches) {
        map.getContainer().scrollIntoView({block: "nearest"});
      }
    });
    layers.forEach((layer, id) => layer.on("click", () => {
      table.select(id, {scroll: true});
      if (options && options.onSelect) options.onSelect(id, layer);
    }));
  }

  /* The table of `id`, made now if the page's scripts ask before DOMContentLoaded. */
  function get(id) {
    if (registry[id]) return registry[id];
    const box = Array.from(document.querySelectorAll("[data-table]")).find((b) => b.dataset.table === id);
    return box ? init(box) : undefined;
  }

  window.PlannerTable = {get, init, linkMap};
  const start = () => document.querySelectorAll("[data-table]").forEach(init);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
