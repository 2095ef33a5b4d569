/* Starts Swagger UI on the API documentation page (docs/api.html). A static file, not an inline script:
   the Content-Security-Policy runs only our own files and hashed inline scripts. */
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("api-docs-config").textContent);
  window.__apiDocs = SwaggerUIBundle({
    url: config.url,
    dom_id: config.dom_id,
    deepLinking: false,
    validatorUrl: null, // no badge fetched from the validator's site: nothing leaves this server
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    defaultModelsExpandDepth: 0,
    docExpansion: "list",
    tryItOutEnabled: false,
  });
})();
