// The reward fund by year: budget, committed and paid (10k yuan), beside the table with the same numbers.
(function () {
  const el = document.getElementById("fund-chart");
  const data = JSON.parse(document.getElementById("fund-data").textContent);
  if (!el || !window.echarts) return;
  const colours = { budget: "#adb5bd", committed: "#0d6efd", paid: "#198754" };
  const chart = echarts.init(el);
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 8, right: 16, bottom: 8, top: 32, containLabel: true },
    xAxis: { type: "category", data: data.years },
    yAxis: { type: "value", name: "万元" },
    series: data.series.map((s) => ({ name: s.name, type: "bar", data: s.data, itemStyle: { color: colours[s.key] } })),
  });
  window.addEventListener("resize", () => chart.resize());
})();
