// Bar charts of coverage % for the regulator dashboard, and the monthly trend as a line
// (data-chart-kind="line") (ECharts, vendored). The tables beside each chart carry the same
// numbers, so the page stays usable without JavaScript.
(function () {
  var source = document.getElementById("chart-data");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  document.querySelectorAll("[data-chart]").forEach(function (node) {
    var rows = data[node.getAttribute("data-chart")] || [];
    if (!rows.length) { node.hidden = true; return; }
    var chart = echarts.init(node, null, { renderer: "svg" });
    if (node.getAttribute("data-chart-kind") === "line") {
      chart.setOption({
        grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: rows.map(function (r) { return r[0]; }) },
        yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
        tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
        series: [{ type: "line", data: rows.map(function (r) { return r[1]; }), areaStyle: {}, color: "#0b5cab" }]
      });
      window.addEventListener("resize", function () { chart.resize(); });
      return;
    }
    chart.setOption({
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r[0]; }) },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
      series: [{
        type: "bar",
        data: rows.map(function (r) {
          var v = r[1];
          return { value: v, itemStyle: { color: v >= 100 ? "#027a48" : v < 50 ? "#b42318" : "#0b5cab" } };
        }),
        label: { show: true, position: "right", formatter: "{c}%" }
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
