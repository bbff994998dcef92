// Overall ratio to the agreement by year, beside the table with the same numbers.
(function () {
  const el = document.getElementById("grade-chart");
  const data = JSON.parse(document.getElementById("grade-data").textContent);
  if (!el || !window.echarts) return;
  const chart = echarts.init(el);
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis", valueFormatter: (v) => (v == null ? "—" : v + "%") },
    grid: { left: 8, right: 16, bottom: 8, top: 24, containLabel: true },
    xAxis: { type: "category", data: data.years },
    yAxis: { type: "value", min: 0, max: (v) => Math.max(120, Math.ceil(v.max / 20) * 20), axisLabel: { formatter: "{value}%" } },
    series: [{
      name: el.dataset.label, type: "bar", data: data.ratios,
      markLine: {
        silent: true, symbol: "none", label: { position: "insideEndTop", formatter: "{c}%" },
        data: [{ yAxis: 100 }, { yAxis: 80 }, { yAxis: 60 }],
      },
    }],
  });
  window.addEventListener("resize", () => chart.resize());
})();
