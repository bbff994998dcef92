// The dashboard's charts, each beside the table with the same numbers.
(function () {
  const data = JSON.parse(document.getElementById("dashboard-data").textContent);
  if (!window.echarts) return;
  const pipeline = document.getElementById("pipeline-chart");
  if (pipeline) {
    pipeline.style.height = "360px";
    const chart = echarts.init(pipeline);
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 16, bottom: 8, top: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: data.stages, inverse: true },
      series: [{ type: "bar", data: data.totals, itemStyle: { color: "#0d6efd" } }],
    });
    window.addEventListener("resize", () => chart.resize());
  }
  const grades = document.getElementById("grade-chart");
  if (grades) {
    const chart = echarts.init(grades);
    const colours = ["#198754", "#0d6efd", "#fd7e14", "#dc3545"];
    chart.setOption({
      animation: false,
      tooltip: { trigger: "item" },
      series: [{
        type: "pie", radius: ["40%", "70%"], label: { formatter: "{b}: {c}" },
        data: ["A", "B", "C", "D"].map((g, i) => ({ name: g, value: data.grades[i], itemStyle: { color: colours[i] } })),
      }],
    });
    window.addEventListener("resize", () => chart.resize());
  }
})();
