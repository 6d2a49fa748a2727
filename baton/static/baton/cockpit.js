// 接力棒 · 领导驾驶舱: draws the cockpit's charts with the vendored ECharts.
// The data comes from the page's <script type="application/json" id="cockpit-data">
// (json_script; the CSP runs no inline script). Every bar, point and block carries the
// address of the project list it stands for: a click opens it. Tooltips are drawn in the
// canvas (renderMode "richText"), so no inline style reaches the DOM.
(function () {
  "use strict";

  var FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", ' +
    '"Source Han Sans SC", "WenQuanYi Micro Hei", system-ui, sans-serif';
  var STAGE_COLORS = ["#8c9aab", "#3b7dd8", "#f0a020", "#2b8a3e", "#7c5cc4", "#0f9d9a"];
  var BLUE = "#1f4e8c";
  var ORANGE = "#e8590c";
  var GREEN = "#2b8a3e";
  var AMBER = "#f0a020";
  var GRID_LINE = { lineStyle: { color: "#e9edf2" } };
  var charts = [];

  // A chart as wide as a phone's screen: legends wrap, so they get room of their own.
  function narrow(id) {
    var el = document.getElementById(id);
    return !!el && el.clientWidth < 560;
  }

  function stageColor(i) {
    return STAGE_COLORS[i % STAGE_COLORS.length];
  }

  function open(params) {
    var data = params.data;
    if (data && data.url) window.location.assign(data.url);
  }

  function draw(id, option, height) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) return;
    if (height) el.style.height = height + "px";  // CSSOM, not an inline style attribute
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    option.textStyle = { fontFamily: FONT, color: "#1f2933" };
    option.animationDuration = 600;
    option.tooltip = Object.assign(
      { renderMode: "richText", confine: true, backgroundColor: "rgba(22,58,105,0.92)",
        borderWidth: 0, textStyle: { color: "#fff", fontFamily: FONT, fontSize: 13 } },
      option.tooltip || {}
    );
    chart.setOption(option);
    chart.on("click", open);
    el.classList.add("chart-ready");
    charts.push(chart);
  }

  function yi(value) {
    return value.toFixed(2);
  }

  // Stage funnel: the count to the left, the amount (亿元) to the right, stage in between.
  function funnel(data) {
    var names = data.funnel.map(function (d) { return d.name; });
    var item = function (key) {
      return data.funnel.map(function (d, i) {
        return { value: d[key], url: d.url, itemStyle: { color: stageColor(i) } };
      });
    };
    draw("chart-funnel", {
      title: [
        { text: "项目个数", left: "22%", top: 0, textAlign: "center",
          textStyle: { fontSize: 13, fontWeight: "normal", color: "#5c6773", fontFamily: FONT } },
        { text: "总投资（亿元）", left: "78%", top: 0, textAlign: "center",
          textStyle: { fontSize: 13, fontWeight: "normal", color: "#5c6773", fontFamily: FONT } }
      ],
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: [
        { left: 64, right: "56%", top: 28, bottom: 8 },
        { left: "56%", right: 86, top: 28, bottom: 8 }
      ],
      xAxis: [
        { type: "value", gridIndex: 0, inverse: true, show: false },
        { type: "value", gridIndex: 1, show: false }
      ],
      yAxis: [
        { type: "category", gridIndex: 0, data: names, inverse: true, position: "right",
          axisLine: { show: false }, axisTick: { show: false },
          axisLabel: { margin: 24, align: "center", fontSize: 15, fontWeight: "bold" } },
        { type: "category", gridIndex: 1, data: names, inverse: true,
          axisLine: { show: false }, axisTick: { show: false }, axisLabel: { show: false } }
      ],
      series: [
        { name: "项目个数", type: "bar", xAxisIndex: 0, yAxisIndex: 0, data: item("count"),
          barWidth: "58%", itemStyle: { borderRadius: [4, 0, 0, 4] },
          label: { show: true, position: "left", fontSize: 14, formatter: "{c} 个" } },
        { name: "总投资（亿元）", type: "bar", xAxisIndex: 1, yAxisIndex: 1, data: item("yi"),
          barWidth: "58%", itemStyle: { borderRadius: [0, 4, 4, 0], opacity: 0.78 },
          label: { show: true, position: "right", fontSize: 14,
            formatter: function (p) { return yi(p.value) + " 亿"; } } }
      ]
    });
  }

  // Monthly trend: changes as bars, the month-end library as a line.
  function trend(data) {
    var t = data.trend;
    var colors = [BLUE, AMBER, GREEN];
    var series = t.series.map(function (s, i) {
      return { name: s.name, type: "bar", data: s.data, barMaxWidth: 16,
        itemStyle: { color: colors[i % colors.length], borderRadius: [3, 3, 0, 0] } };
    });
    series.push({ name: "月末在库项目", type: "line", yAxisIndex: 1, data: t.stock, smooth: true,
      symbolSize: 7, lineStyle: { width: 3, color: ORANGE }, itemStyle: { color: ORANGE },
      areaStyle: { color: "rgba(232,89,12,0.08)" } });
    // On a phone the legend takes two lines: the plot (and the axis names above it) start
    // below them instead of under them.
    var small = narrow("chart-trend");
    draw("chart-trend", {
      color: colors.concat([ORANGE]),
      tooltip: { trigger: "axis" },
      legend: { top: 0, itemGap: small ? 10 : 18, itemWidth: small ? 16 : 25 },
      grid: { left: 44, right: 52, top: small ? 76 : 40, bottom: 28 },
      xAxis: { type: "category", data: t.months, axisTick: { alignWithLabel: true } },
      yAxis: [
        { type: "value", name: "当月（个）", minInterval: 1, splitLine: GRID_LINE },
        { type: "value", name: "在库（个）", minInterval: 1, splitLine: { show: false } }
      ],
      series: series
    });
  }

  // A breakdown: one horizontal bar a unit (or district), stacked by stage.
  function areas(data) {
    var a = data.areas;
    if (!a.names.length) return;
    var series = data.stages.map(function (stage, i) {
      return { name: stage, type: "bar", stack: "count", barMaxWidth: 18,
        itemStyle: { color: stageColor(i) },
        data: a.cells.map(function (row) { return row[i]; }) };
    });
    // A zero-length bar at the end of each stack carries the unit's total as its label.
    series.push({ name: "合计", type: "bar", stack: "count",
      data: a.totals.map(function (t) { return { value: 0, url: t.url, total: t.value }; }),
      label: { show: true, position: "right", color: "#1f2933",
        formatter: function (p) { return p.data.total + " 个"; } },
      tooltip: { show: false } });
    draw("chart-areas", {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, data: data.stages },
      grid: { left: 8, right: 48, top: 34, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1, splitLine: GRID_LINE },
      yAxis: { type: "category", data: a.names, inverse: true, axisTick: { show: false },
        axisLabel: { width: 170, overflow: "truncate" } },
      series: series
    }, Math.max(260, a.names.length * 30 + 60));
  }

  // Industries: blocks sized by the amount, labelled with the count.
  function industries(data) {
    var rows = data.industries;
    var el = document.getElementById("chart-industries");
    var total = rows.reduce(function (sum, r) { return sum + r.value; }, 0) || 1;
    var area = el ? el.clientWidth * 420 : 0;
    // A block's area is its share of the chart's: a small block shows its name only, a
    // tiny one nothing (its tooltip still tells), rather than a cut "文..." or "5 个 · …".
    function blockLabel(p) {
      var room = area * p.value / total;
      if (room < 7000) return "";
      if (room < 20000) return "{name|" + p.name + "}";
      return "{name|" + p.name + "}\n" + p.data.count + " 个 · " + yi(p.data.yi) + " 亿";
    }
    draw("chart-industries", {
      tooltip: { formatter: function (p) {
        // Between two blocks the pointer is over the treemap's root: no industry, their sum.
        if (!p.data || !p.data.url) return "各行业合计 " + p.value + " 个";
        return p.name + "\n" + p.data.count + " 个 · " + yi(p.data.yi) + " 亿元";
      } },
      series: [{
        type: "treemap", roam: false, nodeClick: false, breadcrumb: { show: false },
        width: "100%", height: "100%", top: 0, left: 0,
        itemStyle: { borderColor: "#fff", borderWidth: 2, gapWidth: 2 },
        levels: [{ color: ["#1f4e8c", "#2f6db5", "#3b7dd8", "#5a93e0", "#0f9d9a", "#2b8a3e",
          "#5c9e3a", "#f0a020", "#e8590c", "#b7791f", "#7c5cc4", "#8c9aab"] }],
        label: { show: true, fontSize: 14, lineHeight: 19, overflow: "truncate", ellipsis: "…",
          formatter: blockLabel,
          rich: { name: { fontSize: 14, fontWeight: "bold", color: "#fff", fontFamily: FONT } } },
        data: rows.map(function (r) {
          return { name: r.name, value: r.value, count: r.value, yi: r.yi, url: r.url };
        })
      }]
    }, 420);
  }

  // Conversion: the rate to the left, the days it took (quartiles, median) to the right.
  function conversion(data) {
    var rows = data.conversion;
    if (!rows.length) return;
    var names = rows.map(function (r) { return r.name; });
    var maxDays = 1;
    rows.forEach(function (r) { if (r.quartiles) maxDays = Math.max(maxDays, r.quartiles[2]); });
    var small = narrow("chart-conversion");
    draw("chart-conversion", {
      title: [
        { text: "转化率", left: "25%", top: 0, textAlign: "center",
          textStyle: { fontSize: 13, fontWeight: "normal", color: "#5c6773", fontFamily: FONT } },
        { text: small ? "用时（天）" : "用时（天）：四分位区间与中位数", left: "77%", top: 0,
          textAlign: "center",
          textStyle: { fontSize: 13, fontWeight: "normal", color: "#5c6773", fontFamily: FONT } }
      ],
      tooltip: { formatter: function (p) {
        var r = rows[p.dataIndex];
        var text = r.name + "\n进入 " + r.entered + " 个，已推进 " + r.reached + " 个（" + r.rate + "%）";
        if (r.quartiles) {
          text += "\n用时中位数 " + r.days[1] + "，四分位 " + r.days[0] + "至" + r.days[2];
        }
        return text;
      } },
      grid: [
        { left: 8, right: "50%", top: 30, bottom: 24, containLabel: true },
        { left: "56%", right: 24, top: 30, bottom: 24 }
      ],
      xAxis: [
        { type: "value", gridIndex: 0, max: 100, splitNumber: small ? 2 : 5,
          axisLabel: { formatter: "{value}%" }, splitLine: GRID_LINE },
        { type: "value", gridIndex: 1, max: Math.ceil(maxDays * 1.15), splitLine: GRID_LINE }
      ],
      yAxis: [
        { type: "category", gridIndex: 0, data: names, inverse: true, axisTick: { show: false } },
        { type: "category", gridIndex: 1, data: names, inverse: true, axisTick: { show: false },
          axisLabel: { show: false } }
      ],
      series: [
        { type: "bar", xAxisIndex: 0, yAxisIndex: 0, barWidth: "46%",
          data: rows.map(function (r, i) {
            return { value: r.rate, url: r.url, itemStyle: { color: stageColor(i + 1) } };
          }),
          itemStyle: { borderRadius: [0, 4, 4, 0] },
          label: { show: true, position: "right", formatter: function (p) {
            var r = rows[p.dataIndex];
            return p.value.toFixed(1) + "%（" + r.reached + "/" + r.entered + "）";
          } } },
        { type: "custom", xAxisIndex: 1, yAxisIndex: 1,
          data: rows.map(function (r) {
            var q = r.quartiles || [0, 0, 0];
            return { value: [q[0], q[1], q[2], r.quartiles ? 1 : 0], url: r.url };
          }),
          encode: { x: [0, 1, 2], y: 3 },
          renderItem: function (params, api) {
            if (!api.value(3)) return null;
            var y = api.coord([0, params.dataIndex])[1];
            var band = api.size([0, 1])[1] * 0.34;
            var lo = api.coord([api.value(0), params.dataIndex])[0];
            var mid = api.coord([api.value(1), params.dataIndex])[0];
            var hi = api.coord([api.value(2), params.dataIndex])[0];
            var color = stageColor(params.dataIndex + 1);
            return { type: "group", children: [
              { type: "rect", shape: { x: lo, y: y - band / 2, width: Math.max(hi - lo, 2), height: band, r: 3 },
                style: { fill: color, opacity: 0.35 } },
              { type: "line", shape: { x1: mid, y1: y - band / 2 - 4, x2: mid, y2: y + band / 2 + 4 },
                style: { stroke: color, lineWidth: 3 } },
              { type: "text", x: mid + 6, y: y - band / 2 - 6,
                style: { text: "中位 " + rows[params.dataIndex].days[1], fill: "#1f2933",
                  font: "12px " + FONT, textVerticalAlign: "bottom" } }
            ] };
          } }
      ]
    }, Math.max(200, rows.length * 64 + 60));
  }

  // Leaders: acts and projects acted on, one pair of bars a leader.
  function leaders(data) {
    var rows = data.leaders;
    if (!rows.length) return;
    var pick = function (key) {
      return rows.map(function (r) { return { value: r[key], url: r.url }; });
    };
    draw("chart-leaders", {
      color: [BLUE, AMBER],
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 40, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1, splitLine: GRID_LINE },
      yAxis: { type: "category", data: rows.map(function (r) { return r.name; }), inverse: true,
        axisTick: { show: false } },
      series: [
        { name: "活动（次）", type: "bar", data: pick("acts"), barMaxWidth: 14,
          label: { show: true, position: "right" }, itemStyle: { borderRadius: [0, 3, 3, 0] } },
        { name: "涉及项目（个）", type: "bar", data: pick("projects"), barMaxWidth: 14,
          label: { show: true, position: "right" }, itemStyle: { borderRadius: [0, 3, 3, 0] } }
      ]
    }, Math.max(180, rows.length * 44 + 50));
  }

  function start() {
    var source = document.getElementById("cockpit-data");
    if (!source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    funnel(data);
    trend(data);
    areas(data);
    industries(data);
    conversion(data);
    leaders(data);
    var pending = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(function () {
        charts.forEach(function (c) { c.resize(); });
      }, 120);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
