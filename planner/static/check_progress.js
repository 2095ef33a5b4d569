/* While a check runs: follow its status and reload the page when it is done or failed. */
(function poll() {
  "use strict";
  const box = document.getElementById("job");
  fetch(box.dataset.status, {credentials: "same-origin"}).then((r) => r.json()).then((s) => {
    document.getElementById("job-progress").value = s.done;
    if (s.state === "done" || s.state === "failed") { window.location.reload(); return; }
    setTimeout(poll, 700);
  }).catch(() => setTimeout(poll, 1500));
})();
