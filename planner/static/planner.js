/* Behaviour every page shares. It lives here, not in onchange="…" attributes: the
   Content-Security-Policy allows no inline event handlers. */
(function () {
  "use strict";
  document.addEventListener("change", (event) => {
    const select = event.target;
    if (select.id === "basemap-choice") {
      const url = new URL(location.href);
      url.searchParams.set("basemap", select.value);
      location.href = url.href;
    } else if (select.matches("select[data-autosubmit]")) {
      select.form.submit();
    }
  });
})();
