// Incidence per 1,000 insured by year (ECharts, vendored). The table below carries the same
// numbers, so the page stays usable without JavaScript.
(function () {
  var source = document.getElementById("accident-chart-data");
  var node = document.querySelector("[data-accident-chart]");
  if (!source || !node || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  if (!data.years.length) { node.hidden = true; return; }
  var chart = echarts.init(node, null, { renderer: "svg" });
  chart.setOption({
    grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
    legend: { type: "scroll", top: 0 },
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + "‰"; } },
    xAxis: { type: "category", data: data.years.map(String) },
    yAxis: { type: "value", axisLabel: { formatter: "{value}‰" } },
    series: data.series.map(function (s, i) {
      return { name: s[0], type: "line", data: s[1], connectNulls: true, lineStyle: { width: i === 0 ? 3 : 1.5 } };
    })
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
