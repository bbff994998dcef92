// Active findings by unit and severity: a stacked bar beside the table with the same numbers.
(function () {
  const el = document.getElementById("board-chart");
  const data = JSON.parse(document.getElementById("board-data").textContent);
  if (!el || !window.echarts) return;
  const colours = { high: "#dc3545", medium: "#fd7e14", low: "#6c757d" };
  el.style.height = Math.max(220, 40 + data.units.length * 28) + "px";
  const chart = echarts.init(el);
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    grid: { left: 8, right: 16, bottom: 8, top: 32, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: data.units, inverse: true },
    series: data.series.map((s) => ({
      name: s.name, type: "bar", stack: "total", data: s.data, itemStyle: { color: colours[s.key] },
    })),
  });
  window.addEventListener("resize", () => chart.resize());
})();
