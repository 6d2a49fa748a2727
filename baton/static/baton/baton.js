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
  // A request htmx does not swap (404, 500, no network) still tells the user, in the dialog.
  function tell(text) {
    var d = dialog();
    if (!d) return;
    var head = document.createElement("div");
    head.className = "dialog-head";
    var title = document.createElement("h2");
    title.textContent = "操作未完成";
    head.appendChild(title);
    var body = document.createElement("div");
    body.className = "dialog-body";
    var p = document.createElement("p");
    p.className = "alert alert-error";
    p.textContent = text;
    var foot = document.createElement("div");
    foot.className = "dialog-foot";
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn";
    close.setAttribute("data-close-dialog", "");
    close.textContent = "关闭";
    foot.appendChild(close);
    body.appendChild(p);
    body.appendChild(foot);
    d.replaceChildren(head, body);
    if (!d.open) d.showModal();
  }
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status === 404) tell("内容不存在或您无权查看，可能已被移交或删除。请刷新页面。");
    else if (status >= 500) tell("服务器出错，本次操作未保存，请稍后重试。");
    else tell("请求未完成（状态 " + status + "），请刷新页面后重试。");
  });
  document.addEventListener("htmx:sendError", function () {
    tell("网络连接失败，本次操作未保存，请检查网络后重试。");
  });
  // Selects with data-autosubmit submit their filter form on change.
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-autosubmit]") && event.target.form) {
      event.target.form.requestSubmit();
    }
  });
})();
