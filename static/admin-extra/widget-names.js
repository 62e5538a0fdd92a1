// Names and roles the admin's widgets leave out, also for the rows an inline formset adds later.
// Served from static/ (no inline script under the Content-Security-Policy).
// - The searchable selects (select2, for autocomplete fields) hide the labelled <select> and show a
//   combobox of their own that nothing names: give it the text of the field's label.
// - The two-list selector (filter_horizontal) puts a description on a bare <span> (aria-label is
//   not allowed there): make it the image it stands for.
(function () {
  "use strict";

  function nameCombobox(container) {
    var select = container.previousElementSibling;
    if (!select || select.tagName !== "SELECT" || !select.id) { return; }
    var label = document.querySelector("label[for='" + select.id + "']");
    var text = label ? label.textContent.replace(/[:：]\s*$/, "").trim() : select.name;
    container.querySelectorAll("[role=combobox], [role=textbox]").forEach(function (element) {
      if (!element.getAttribute("aria-label")) { element.setAttribute("aria-label", text); }
    });
  }

  function fix(root) {
    if (root.matches && root.matches(".select2-container")) { nameCombobox(root); }
    root.querySelectorAll(".select2-container").forEach(nameCombobox);
    root.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    fix(document);
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        change.addedNodes.forEach(function (node) {
          if (node.nodeType === 1) { fix(node); }
        });
      });
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
