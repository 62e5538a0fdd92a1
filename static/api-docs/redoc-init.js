"use strict";
// Starts ReDoc from a file of the portal's own (no inline script), with the page's CSP nonce so
// that the styles ReDoc writes as it renders may apply.
(function () {
  const script = document.currentScript;
  const container = document.getElementById("redoc-container");
  Redoc.init(script.dataset.specUrl, { nonce: script.nonce }, container);
})();
