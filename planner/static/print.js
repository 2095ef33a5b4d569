/* Printing a map page: the "打印" button opens the browser's print (or Save as PDF), and the heading shows the
   moment of printing in China time. Before printing, the map takes its printed size. */
(function () {
  "use strict";
  const stamp = document.getElementById("print-date");
  const heading = document.getElementById("print-heading");

  function writeDate() {
    if (!stamp) return;
    const now = new Date();
    const locale = (heading && heading.dataset.locale) || "zh-CN";
    stamp.textContent = new Intl.DateTimeFormat(locale, {
      timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hour12: false,
    }).format(now) + " " + (heading ? heading.dataset.zone : "");
    stamp.dateTime = now.toISOString();
  }

  // The map keeps showing what it showed when the page changes size for paper (and back).
  function fitMap() {
    const map = window.__planner && window.__planner.map;
    if (!map) return;
    const view = map.getBounds();
    map.invalidateSize({animate: false});
    map.fitBounds(view, {animate: false});
  }

  writeDate();
  window.addEventListener("beforeprint", writeDate);
  window.matchMedia("print").addEventListener("change", fitMap);
  const button = document.getElementById("print-button");
  if (button) button.addEventListener("click", () => { writeDate(); window.print(); });
})();
