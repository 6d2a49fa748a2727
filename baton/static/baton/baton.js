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
  // An action done in the dialog says so where a page's messages are (no reload).
  document.addEventListener("showMessage", function (event) {
    var main = document.getElementById("main");
    var text = event.detail && event.detail.text;
    if (!main || !text) return;
    var list = main.querySelector(":scope > ul.messages");
    if (!list) {
      list = document.createElement("ul");
      list.className = "messages";
      main.insertBefore(list, main.firstChild);
    }
    var item = document.createElement("li");
    item.className = "msg-success";
    item.setAttribute("role", "status");
    item.textContent = text;
    list.replaceChildren(item);
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

// --- 台账导入 (ledger import) ----------------------------------------------------------
// A file over the server's limit, or not an .xlsx, is refused before it is uploaded; while
// it uploads the bar shows the bytes sent, then it spins while the server checks the file.
(function () {
  "use strict";

  function fileError(input, text) {
    var list = input.form && input.form.querySelector("[data-file-error]");
    input.setCustomValidity(text);
    if (!list) return;
    list.replaceChildren();
    if (text) {
      var li = document.createElement("li");
      li.textContent = text;
      list.appendChild(li);
    }
    list.hidden = !text;
  }
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-max-bytes]")) return;
    var file = input.files && input.files[0];
    var max = parseInt(input.getAttribute("data-max-bytes"), 10);
    var text = "";
    if (file && !/\.xlsx$/i.test(file.name)) {
      text = "只能导入 .xlsx 文件；.xls 或 .csv 请先在 Excel 中另存为 .xlsx。";
    } else if (file && max && file.size > max) {
      text = "文件过大（" + (file.size / 1048576).toFixed(1) + " MB），单个台账文件不能超过 " +
        Math.round(max / 1048576) + " MB，请分批导入。";
    }
    fileError(input, text);
  });
  document.addEventListener("submit", function (event) {
    var input = event.target.querySelector && event.target.querySelector("input[type=file][data-max-bytes]");
    if (input && !input.checkValidity()) {
      event.preventDefault();
      input.reportValidity();
    }
  }, true);

  function progressOf(elt) {
    var form = elt.closest && elt.closest("[data-upload-form]");
    return form ? { form: form, bar: form.querySelector("[data-upload-bar]"), text: form.querySelector("[data-upload-text]") } : null;
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var p = progressOf(event.target);
    if (!p || !p.bar) return;
    p.form.removeAttribute("data-uploaded");
    p.bar.value = 0;
    p.text.textContent = "正在上传台账…";
  });
  document.addEventListener("htmx:xhr:progress", function (event) {
    var p = progressOf(event.target);
    if (!p || !p.bar || p.form.hasAttribute("data-uploaded")) return;
    var d = event.detail;
    if (!d.lengthComputable || !d.total) return;
    var percent = Math.round((d.loaded / d.total) * 100);
    p.bar.value = percent;
    p.text.textContent = "正在上传台账… " + percent + "%";
    if (d.loaded >= d.total) {
      // The rest of the wait is the server's dry run; the bar becomes indeterminate.
      p.form.setAttribute("data-uploaded", "");
      p.bar.removeAttribute("value");
      p.text.textContent = "已上传，正在逐行校验（试导入，不写入）…";
    }
  });
})();
