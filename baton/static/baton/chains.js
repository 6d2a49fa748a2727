// 接力棒 · 产业链图谱: draws a chain as an ECharts tree (chain → 上游/中游/下游 → nodes).
// The data comes from <script type="application/json" id="chain-map-data"> (json_script;
// the CSP runs no inline script). A node with local companies is green with their count,
// a gap (no local company) red; a click loads the node's lists into #node-panel.
(function () {
  "use strict";

  var FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", ' +
    '"Source Han Sans SC", "WenQuanYi Micro Hei", system-ui, sans-serif';
  var GREEN = "#2b8a3e";
  var RED = "#c92a2a";
  var BLUE = "#1f4e8c";
  var ORANGE = "#e8590c";

  function leaves(node) {
    if (!node.children || !node.children.length) return 1;
    return node.children.reduce(function (n, c) { return n + leaves(c); }, 0);
  }

  function style(node, depth) {
    if (depth === 0) {
      node.symbolSize = 16;
      node.itemStyle = { color: ORANGE, borderColor: ORANGE };
      node.label = { fontWeight: "bold", fontSize: 15, color: ORANGE };
    } else if (node.position) {
      node.symbolSize = 12;
      node.itemStyle = { color: BLUE, borderColor: BLUE };
      node.label = { fontWeight: "bold", color: BLUE };
    } else {
      var color = node.gap ? RED : GREEN;
      node.symbolSize = 11;
      node.itemStyle = { color: color, borderColor: color };
      node.label = { color: color };
      node.name = node.name + (node.gap ? "（缺链）" : "（" + node.value + "）");
    }
    (node.children || []).forEach(function (c) { style(c, depth + 1); });
  }

  function open(url) {
    var panel = document.getElementById("node-panel");
    if (window.htmx && panel) {
      window.htmx.ajax("GET", url, { target: "#node-panel", swap: "innerHTML" }).then(function () {
        window.history.pushState({}, "", url);
        panel.scrollIntoView({ behavior: "smooth", block: "start" });
      });
    } else {
      window.location.assign(url);
    }
  }

  function draw() {
    var el = document.getElementById("chain-map");
    var source = document.getElementById("chain-map-data");
    if (!el || !source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    style(data, 0);
    var narrow = el.clientWidth < 560;
    el.style.height = Math.max(320, leaves(data) * (narrow ? 40 : 36) + 40) + "px";  // CSSOM
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      textStyle: { fontFamily: FONT, color: "#1f2933" },
      tooltip: {
        trigger: "item", renderMode: "richText", confine: true,
        backgroundColor: "rgba(22,58,105,0.92)", borderWidth: 0,
        textStyle: { color: "#fff", fontFamily: FONT, fontSize: 13 },
        formatter: function (p) {
          var d = p.data;
          if (!d.url) return d.name;
          return d.gap ? d.name + "\n本区暂无该环节企业，点击查看目标企业" : d.name + "\n本地企业 " + d.value + " 家，点击查看";
        }
      },
      series: [{
        type: "tree",
        data: [data],
        orient: "LR",
        // room for the chain's name, drawn bold at 15px left of the root
        left: Math.max(narrow ? 52 : 90, data.name.length * 16 + 28),
        right: narrow ? 112 : 170,
        top: 16,
        bottom: 16,
        initialTreeDepth: -1,
        expandAndCollapse: false,
        roam: false,
        edgeShape: "polyline",
        symbol: "circle",
        lineStyle: { color: "#c3ccd6", width: 1.2 },
        label: { position: "left", verticalAlign: "middle", align: "right", fontSize: narrow ? 12 : 14, fontFamily: FONT },
        leaves: { label: { position: "right", verticalAlign: "middle", align: "left" } },
        emphasis: { focus: "none" },
        animationDuration: 500
      }]
    });
    chart.on("click", function (p) {
      if (p.data && p.data.url) open(p.data.url);
    });
    el.classList.add("chart-ready");
    window.addEventListener("resize", function () { chart.resize(); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
