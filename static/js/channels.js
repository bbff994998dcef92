// Leads and signed projects per channel, beside the table with the same numbers.
(function () {
  const el = document.getElementById("channel-chart");
  const data = JSON.parse(document.getElementById("channel-data").textContent);
  if (!el || !window.echarts) return;
  const chart = echarts.init(el);
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { data: [el.dataset.leads || "线索", el.dataset.signed || "签约"] },
    grid: { left: 8, right: 8, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: el.dataset.leads || "线索", type: "bar", data: data.leads },
      { name: el.dataset.signed || "签约", type: "bar", data: data.signed },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
})();
