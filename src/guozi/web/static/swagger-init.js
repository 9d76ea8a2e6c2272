// guozi: starts Swagger UI on /docs from the files in /static/swagger (no CDN, no inline script).
"use strict";
window.addEventListener("load", function () {
  var el = document.getElementById("swagger-ui");
  window.ui = window.SwaggerUIBundle({
    url: el.getAttribute("data-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,  // the default asks validator.swagger.io: nothing leaves the server
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
});
