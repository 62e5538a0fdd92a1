// Draws the statistics page's charts with ECharts from the JSON the page carries
// (#stats-data, written by json_script): no inline script, no inline style (the CSP forbids both),
// so charts render as SVG and take their size from the stylesheet.
(function () {
  "use strict";
  var source = document.getElementById("stats-data");
  if (!source || typeof window.echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var L = data.labels;
  var charts = [];
  // A label and its value: "网上提交：56.67%" in Chinese, "Web: 56.67%" in English.
  var colon = /^zh/i.test(document.documentElement.lang || "") ? "：" : ": ";
  var palette = ["#b71c1c", "#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#5d4037", "#546e7a"];

  function draw(id, option, empty) {
    var element = document.getElementById(id);
    if (!element) {
      return;
    }
    if (empty) {
      element.classList.add("empty-chart");
      element.textContent = L.no_data;
      return;
    }
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    option.color = palette;
    option.animation = false;
    option.aria = { enabled: true };
    chart.setOption(option);
    charts.push(chart);
  }

  function bars(labels, series, options) {
    options = options || {};
    var horizontal = Boolean(options.horizontal);
    var categoryAxis = { type: "category", data: labels, axisLabel: { interval: 0, rotate: horizontal ? 0 : 30 } };
    // Counts are whole: no ticks at 0.2 or 0.5 when the largest count is 1 or 2.
    var valueAxis = { type: "value", max: options.max, minInterval: options.max ? undefined : 1 };
    if (horizontal) {
      categoryAxis.inverse = true;
    }
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: horizontal ? 160 : 50, right: 30, bottom: horizontal ? 30 : 90, top: 40, containLabel: false },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? categoryAxis : valueAxis,
      series: series.map(function (s) {
        return { type: "bar", name: s.name, data: s.data, stack: s.stack };
      })
    };
  }

  function pie(items) {
    return {
      tooltip: { trigger: "item", formatter: "{b}" + colon + "{c} ({d}%)" },
      legend: { bottom: 0 },
      series: [{ type: "pie", radius: ["35%", "65%"], data: items, label: { formatter: "{b}" + colon + "{d}%" } }]
    };
  }

  draw("chart-rates", bars(
    data.rates.map(function (r) { return r.name; }),
    [{ name: "%", data: data.rates.map(function (r) { return r.value; }) }],
    { max: 100 }
  ), data.rates.every(function (r) { return r.value === null; }));

  var trend = data.trend;
  draw("chart-trend", {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 50, right: 50, bottom: 40, top: 40 },
    xAxis: { type: "category", data: trend.labels },
    yAxis: [{ type: "value", name: L.count, minInterval: 1 }, { type: "value", name: "%", max: 100 }],
    series: [
      { type: "bar", name: L.received, data: trend.received },
      { type: "bar", name: L.answered, data: trend.answered },
      { type: "line", name: L.reply_rate, yAxisIndex: 1, data: trend.reply_rate, connectNulls: true },
      { type: "line", name: L.satisfaction_rate, yAxisIndex: 1, data: trend.satisfaction_rate, connectNulls: true }
    ]
  }, trend.labels.length === 0);

  var dep = data.department;
  draw("chart-department", bars(dep.labels, [
    { name: L.reply_rate, data: dep.reply_rate },
    { name: L.acceptance_rate, data: dep.acceptance_rate },
    { name: L.satisfaction_rate, data: dep.satisfaction_rate }
  ], { horizontal: true, max: 100 }), dep.labels.length === 0);

  draw("chart-category", bars(data.category.labels, [{ name: L.received, data: data.category.values }]),
    data.category.labels.length === 0);
  draw("chart-channel", pie(data.channel), data.channel.length === 0);
  draw("chart-unit", bars(data.unit.labels, [{ name: L.received, data: data.unit.values }], { horizontal: true }),
    data.unit.labels.length === 0);

  if (data.cases_form) {
    draw("chart-cases-form", bars(data.cases_form.labels, [{ name: L.cases, data: data.cases_form.values }]),
      data.cases_form.labels.length === 0);
    draw("chart-cases-status", pie(data.cases_status), data.cases_status.length === 0);
  }

  var meetings = data.meetings;
  draw("chart-meetings", bars(meetings.labels, [
    { name: L.on_time, data: meetings.on_time, stack: "reports" },
    { name: L.late, data: meetings.late, stack: "reports" },
    { name: L.missing, data: meetings.missing, stack: "reports" },
    { name: L.not_yet_due, data: meetings.not_yet_due, stack: "reports" }
  ]), meetings.labels.length === 0);

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
