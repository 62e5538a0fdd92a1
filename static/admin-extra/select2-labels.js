// The admin's searchable selects (select2, for autocomplete fields) hide the labelled <select> and
// show a combobox of their own that nothing names. Give each the text of the field's label, also for
// the rows an inline formset adds later. Served from static/ (no inline script under the policy).
(function () {
  "use strict";

  function name(container) {
    var select = container.previousElementSibling;
    if (!select || select.tagName !== "SELECT" || !select.id) { return; }
    var label = document.querySelector("label[for='" + select.id + "']");
    var text = label ? label.textContent.replace(/[:：]\s*$/, "").trim() : select.name;
    container.querySelectorAll("[role=combobox], [role=textbox]").forEach(function (element) {
      if (!element.getAttribute("aria-label")) { element.setAttribute("aria-label", text); }
    });
  }

  function nameAll(root) {
    root.querySelectorAll(".select2-container").forEach(name);
  }

  document.addEventListener("DOMContentLoaded", function () {
    nameAll(document);
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        change.addedNodes.forEach(function (node) {
          if (node.nodeType !== 1) { return; }
          if (node.classList.contains("select2-container")) { name(node); } else { nameAll(node); }
        });
      });
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
