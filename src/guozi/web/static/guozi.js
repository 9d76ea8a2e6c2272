// guozi: sortable tables and the overview's trend charts (ECharts, served from /static).
"use strict";
(function () {
  function cellValue(td) {
    if (!td) return "";
    var v = td.getAttribute("data-v");
    if (v !== null && v !== "") return parseFloat(v);
    return td.textContent.trim();
  }
  function sortBy(table, col, th) {
    var body = table.tBodies[table.tBodies.length - 1];
    var rows = Array.prototype.slice.call(body.rows);
    var desc = th.getAttribute("aria-sort") === "ascending";
    rows.sort(function (a, b) {
      var x = cellValue(a.cells[col]), y = cellValue(b.cells[col]);
      var ex = x === "" || x === "—", ey = y === "" || y === "—";
      if (ex || ey) return ex === ey ? 0 : (ex ? 1 : -1);
      var r = (typeof x === "number" && typeof y === "number") ? x - y : String(x).localeCompare(String(y), "zh");
      return desc ? -r : r;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    Array.prototype.forEach.call(table.querySelectorAll("th"), function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", desc ? "descending" : "ascending");
  }
  function columnIndex(table, th) {
    // the last header row maps one-to-one onto body cells, except in two-row headers with rowspans
    var last = table.tHead.rows[table.tHead.rows.length - 1];
    if (th.parentNode === last) {
      var spans = 0;
      if (table.tHead.rows.length > 1) {
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { if (c.rowSpan > 1) spans += 1; });
      }
      return spans + Array.prototype.indexOf.call(last.cells, th);
    }
    return Array.prototype.indexOf.call(th.parentNode.cells, th);
  }
  document.addEventListener("click", function (ev) {
    var th = ev.target.closest && ev.target.closest("table.sortable th");
    if (!th || th.colSpan > 1) return;
    var table = th.closest("table");
    sortBy(table, columnIndex(table, th), th);
  });
  function axisLabel(v) {
    // whole numbers above a thousand, otherwise at most two decimals: never 3.33401332
    var digits = Math.abs(v) >= 1000 ? 0 : 3;
    return v.toLocaleString("zh-CN", { maximumFractionDigits: digits });
  }
  function halfUp(v, digits) {
    // 四舍五入 as every figure guozi shows (kernel/money.py figure): half away from zero on the
    // decimal digits, so 0.125 → 0.13 and 1.005 → 1.01 despite their binary neighbours
    var f = Math.pow(10, digits), a = Number((Math.abs(v) * f).toPrecision(15));
    return (v < 0 ? -1 : 1) * Math.round(a) / f;
  }
  function charts() {
    var holder = document.getElementById("trend-data");
    if (!holder || !window.echarts) return;
    var data = JSON.parse(holder.textContent);
    Array.prototype.forEach.call(document.querySelectorAll(".chart"), function (el) {
      var code = el.getAttribute("data-code"), unit = el.getAttribute("data-unit");
      var scale = function (v) {
        return v === null || v === undefined ? null : halfUp(unit === "元" ? v / 10000 : v, 2);
      };
      var series = [{ name: el.getAttribute("data-current"), type: "line", data: (data.series[code] || []).map(scale) }];
      var prior = (data.prior || {})[code] || [];
      if (prior.some(function (v) { return v !== null; })) {
        series.push({ name: el.getAttribute("data-prior"), type: "line", data: prior.map(scale), lineStyle: { type: "dashed" } });
      }
      var target = scale((data.targets || {})[code]);
      if (target !== null) {
        series[0].markLine = {
          symbol: "none", silent: true, lineStyle: { color: "#c62828", type: "dashed" },
          label: { formatter: el.getAttribute("data-target") + " " + axisLabel(target), position: "insideEndTop" },
          data: [{ yAxis: target }]
        };
      }
      var chart = window.echarts.init(el);
      chart.setOption({
        title: { text: el.getAttribute("data-name"), subtext: el.getAttribute("data-unit-label"), textStyle: { fontSize: 13 }, itemGap: 2 },
        legend: { bottom: 2, textStyle: { fontSize: 11 }, itemHeight: 8 },
        tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : axisLabel(v); } },
        grid: { left: 72, right: 16, top: 52, bottom: 52 },
        xAxis: { type: "category", data: data.periods },
        yAxis: {
          type: "value", scale: true, axisLabel: { formatter: axisLabel },
          // the target line stays in sight even when the year so far is far below it
          max: target === null ? null : function (v) { return Math.max(v.max, target); },
          min: target === null ? null : function (v) { return Math.min(v.min, target); }
        },
        series: series
      });
    });
  }
  document.addEventListener("DOMContentLoaded", charts);  // deferred scripts (ECharts too) have run by then
})();
