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
  function charts() {
    var holder = document.getElementById("trend-data");
    if (!holder || !window.echarts) return;
    var data = JSON.parse(holder.textContent);
    Array.prototype.forEach.call(document.querySelectorAll(".chart"), function (el) {
      var code = el.getAttribute("data-code"), unit = el.getAttribute("data-unit");
      var values = (data.series[code] || []).map(function (v) { return v === null ? null : (unit === "元" ? v / 10000 : v); });
      var chart = window.echarts.init(el);
      chart.setOption({
        title: { text: el.getAttribute("data-name"), textStyle: { fontSize: 13 } },
        tooltip: { trigger: "axis" },
        grid: { left: 60, right: 16, top: 36, bottom: 28 },
        xAxis: { type: "category", data: data.periods },
        yAxis: { type: "value", scale: true },
        series: [{ type: "line", data: values, connectNulls: false, smooth: false }]
      });
    });
  }
  document.addEventListener("DOMContentLoaded", charts);  // deferred scripts (ECharts too) have run by then
})();
