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
