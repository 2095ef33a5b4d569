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
})();
