// The web form of a report (/submissions/fill): after each pause in typing, the figures go to
// /api/v1/submissions/check and every problem is shown on its line (a 核实 one asks for a reason).
// A flow's 本月数 follows its 本年累计数 as one types: the year to date less the previous month's
// (data-base, in the form's unit; 0 in January), shown only, never sent. A figure typed as
// accountants write it ((3.5), ７８０) is read by the server (the check's "read", the upload's own
// reading) and the 本月数 follows the number read.
(function () {
  "use strict";
  var form = document.getElementById("fill-form");
  if (!form) { return; }
  var token = document.querySelector("meta[name=csrf-token]").content;
  var timer = null;
  var kept = {};  // explanations typed so far, by key, kept across checks

  function figures() {
    var values = {};
    form.querySelectorAll("input[name^='v:']").forEach(function (input) {
      if (input.value.trim() !== "") { values[input.name.slice(2)] = input.value; }
    });
    return values;
  }

  function clear() {
    form.querySelectorAll("textarea[name^='x:']").forEach(function (t) { kept[t.name] = t.value; });
    form.querySelectorAll("tr[data-item]").forEach(function (row) {
      row.className = "";
      row.querySelector("td.checks").textContent = "";
    });
  }

  function show(p, cell) {
    var div = document.createElement("div");
    div.className = "problem sev-" + p.severity;
    var pill = document.createElement("span");
    pill.className = "pill";
    pill.textContent = p.severity_label;
    div.appendChild(pill);
    div.appendChild(document.createTextNode(" " + p.message));
    if (p.explain_key) {
      var label = document.createElement("label");
      label.textContent = document.documentElement.lang.indexOf("zh") === 0 ? "核实说明 " : "Explanation ";
      var text = document.createElement("textarea");
      text.name = "x:" + p.explain_key;
      text.rows = 2;
      text.maxLength = 1000;
      text.value = kept[text.name] || "";
      label.appendChild(text);
      div.appendChild(label);
    }
    cell.appendChild(div);
  }

  function render(result) {
    clear();
    var general = document.getElementById("form-problems");
    var list = general.querySelector("ul");
    list.textContent = "";
    result.problems.forEach(function (p) {
      var row = p.item ? form.querySelector("tr[data-item='" + p.item + "']") : null;
      if (row) {
        if (!row.className || p.severity === "blocking") { row.className = "sev-" + p.severity; }
        show(p, row.querySelector("td.checks"));
      } else {
        var li = document.createElement("li");
        show(p, li);
        list.appendChild(li);
      }
    });
    general.hidden = list.children.length === 0;
    var zh = document.documentElement.lang.indexOf("zh") === 0;
    document.getElementById("fill-state").textContent = result.problems.length === 0
      ? (zh ? "已审核，未发现问题" : "checked: no problems")
      : (zh ? "已审核，发现 " + result.problems.length + " 个问题" : "checked: " + result.problems.length + " problem(s)");
    Object.keys(result.read || {}).forEach(function (item) {
      var row = form.querySelector("tr[data-item='" + item + "']");
      if (!row) { return; }
      var input = row.querySelector("input[name^='v:']");
      input.dataset.read = result.read[item];
      input.dataset.typed = input.value;
      month(row);
    });
    form.dataset.checked = String(Date.now());
  }

  function check() {
    fetch("/api/v1/submissions/check", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
      body: JSON.stringify({ entity: form.dataset.entity, period: form.dataset.period, values: figures() }),
      credentials: "same-origin"
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (result) {
      if (result) { render(result); }
    });
  }

  function month(row) {
    var cell = row.querySelector("td.month[data-base]");
    if (!cell) { return; }
    var input = row.querySelector("input[name^='v:']");
    var typed = input.dataset.read && input.dataset.typed === input.value ? input.dataset.read : input.value;
    var text = typed.trim().replace(/,/g, "");
    var value = Number(text);
    if (text === "" || !isFinite(value)) { cell.textContent = "—"; return; }
    var digits = Number(cell.dataset.decimals);
    cell.textContent = (value - Number(cell.dataset.base)).toLocaleString("en-US", {
      minimumFractionDigits: digits, maximumFractionDigits: digits
    });
  }

  form.querySelectorAll("tr[data-item]").forEach(month);

  form.addEventListener("input", function (event) {
    if (!event.target.name || event.target.name.indexOf("v:") !== 0) { return; }
    month(event.target.closest("tr"));
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  });
}());
