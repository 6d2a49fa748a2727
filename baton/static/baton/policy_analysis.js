// 接力棒 · 政策梳理分析: the bar chart of promised (核定) and paid (兑付) by policy, drawn
// with the vendored ECharts. The data comes from <script type="application/json"
// id="policy-analysis-data"> (json_script; the CSP runs no inline script). Each bar
// carries the address of the rows it adds up: a click opens them. Tooltips are drawn in
// the canvas (renderMode "richText"), so no inline style reaches the DOM.
(function () {
  "use strict";

  var FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", ' +
    '"Source Han Sans SC", "WenQuanYi Micro Hei", system-ui, sans-serif';

  function series(items) {
    return items.map(function (d) { return { value: Number(d.value), url: d.url }; });
  }

  function start() {
    var el = document.getElementById("chart-policies");
    var source = document.getElementById("policy-analysis-data");
    if (!el || !source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    var narrow = el.clientWidth < 560;
    // One row of bars a policy: the chart grows with the policies (CSSOM, not a style attribute).
    el.style.height = Math.max(220, 70 + data.names.length * (narrow ? 56 : 48)) + "px";
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      textStyle: { fontFamily: FONT, color: "#1f2933" },
      animationDuration: 600,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText",
        confine: true, backgroundColor: "rgba(22,58,105,0.92)", borderWidth: 0,
        textStyle: { color: "#fff", fontFamily: FONT, fontSize: 13 } },
      legend: { top: 0, data: ["核定金额", "兑付金额"] },
      grid: { left: 8, right: 40, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value", name: "万元", splitLine: { lineStyle: { color: "#e9edf2" } } },
      yAxis: { type: "category", inverse: true, data: data.names,
        axisLabel: { width: narrow ? 96 : 180, overflow: "truncate" } },
      series: [
        { name: "核定金额", type: "bar", data: series(data.promised), barMaxWidth: 16,
          itemStyle: { color: "#1f4e8c" } },
        { name: "兑付金额", type: "bar", data: series(data.paid), barMaxWidth: 16,
          itemStyle: { color: "#2b8a3e" } }
      ]
    });
    chart.on("click", function (params) {
      if (params.data && params.data.url) window.location.assign(params.data.url);
    });
    el.classList.add("chart-ready");
    var pending;
    window.addEventListener("resize", function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(function () { chart.resize(); }, 120);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
