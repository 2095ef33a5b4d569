/* A decision on an applicant (approve, reject, ask for more information) is asked once more before it is sent:
   the texts come from the page's <script type="application/json" id="confirm-texts"> (strict CSP: no inline
   handlers). */
(function () {
  "use strict";
  const form = document.getElementById("decision-form");
  const source = document.getElementById("confirm-texts");
  if (!form || !source) return;
  const texts = JSON.parse(source.textContent);
  form.addEventListener("submit", (event) => {
    const choice = event.submitter ? event.submitter.value : "";
    const text = texts[choice];
    if (text && !window.confirm(text)) event.preventDefault();
  });
})();
