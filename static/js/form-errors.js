// A form that comes back with errors: move the focus (and the view) to its error summary, so that a
// reader of the screen or a screen reader learns at once that nothing was sent and why. Served from
// static/ (no inline script under the Content-Security-Policy); without JavaScript the summary is
// still at the top of the form and announced through its role="alert".
(function () {
  "use strict";

  var summary = document.querySelector("[data-error-summary]");
  if (!summary) { return; }
  summary.focus();
  if (summary.scrollIntoView) { summary.scrollIntoView({ block: "start" }); }

  // A link to a field moves the focus into the field, not only the view to it.
  summary.querySelectorAll("a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) { return; }
      event.preventDefault();
      target.focus();
      if (target.scrollIntoView) { target.scrollIntoView({ block: "center" }); }
    });
  });
})();
