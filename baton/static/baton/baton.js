// 接力棒: the little behaviour the pages need beyond htmx. No inline scripts (CSP).
(function () {
  "use strict";

  function dialog() {
    return document.getElementById("dialog");
  }

  // A fragment loaded into the dialog opens it; a response that says so closes it.
  document.addEventListener("htmx:afterSwap", function (event) {
    var d = dialog();
    if (event.detail.target === d && d.innerHTML.trim() && !d.open) {
      d.showModal();
      var first = d.querySelector("input:not([type=hidden]), select, textarea");
      if (first) first.focus();
    }
  });
  document.addEventListener("closeDialog", function () {
    var d = dialog();
    if (d && d.open) d.close();
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-close-dialog]")) {
      event.preventDefault();
      var d = dialog();
      if (d && d.open) d.close();
    }
    var confirmEl = event.target.closest("[data-confirm]");
    if (confirmEl && !window.confirm(confirmEl.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  // Selects with data-autosubmit submit their filter form on change.
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-autosubmit]") && event.target.form) {
      event.target.form.requestSubmit();
    }
  });
})();
