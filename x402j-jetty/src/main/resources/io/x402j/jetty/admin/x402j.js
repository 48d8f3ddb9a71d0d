// x402j consoles: live updates for server-rendered pages. No inline script anywhere (the CSP
// forbids it); everything below is driven by data- attributes the server wrote.
//
//   <section data-src="/api/summary" data-every="5000">   polls the JSON endpoint
//     <span data-key="settled.total"></span>               text = value at that path
//     <span data-key="x" data-warn-key="low"></span>       adds class "warn" when "low" is true
//     <tbody data-rows="recent" data-cols="payer,state"></tbody>   rows rebuilt from an array;
//                                a column "a>b" links text a to URL b; field "stateClass" of a
//                                row gives the "state" cell its class (ok, warn, bad)
//     <div class="chart" data-chart="latency"></div>       uPlot chart of {t:[s], series:[{label, values}]}
//
// Values only ever enter the page as text (textContent), never as markup.
(function () {
  "use strict";

  function at(obj, path) {
    if (!path) return obj;
    return path.split(".").reduce(function (o, k) {
      return o == null ? undefined : o[k];
    }, obj);
  }

  function show(v) {
    if (v === null || v === undefined) return "";
    if (typeof v === "object") return JSON.stringify(v);
    return String(v);
  }

  function inside(root, selector) {
    var found = Array.prototype.slice.call(root.querySelectorAll(selector));
    if (root.matches(selector)) found.unshift(root);
    return found;
  }

  function fillRows(tbody, rows) {
    var cols = (tbody.getAttribute("data-cols") || "").split(",");
    while (tbody.firstChild) tbody.removeChild(tbody.firstChild);
    (rows || []).forEach(function (row) {
      var tr = document.createElement("tr");
      cols.forEach(function (col) {
        var td = document.createElement("td");
        var parts = col.split(">");
        var text = show(at(row, parts[0]));
        var href = parts[1] ? show(at(row, parts[1])) : "";
        // No backslash or control character: "/\host" and "/<tab>/host" are other sites.
        if (href && /^(https?:\/\/|\/[^\/])/i.test(href) && !/[\\\u0000-\u001f\u007f]/.test(href)) {
          var a = document.createElement("a");
          a.textContent = text;
          a.href = href;
          if (/^https?:/i.test(href)) {
            a.rel = "noopener noreferrer";
            a.target = "_blank";
          }
          td.appendChild(a);
        } else {
          td.textContent = text;
        }
        var cls = row ? row[parts[0] + "Class"] : null;
        if (typeof cls === "string" && /^[a-z][a-z -]*$/.test(cls)) td.className = cls;
        else if (/^0x[0-9a-fA-F]{16,}$/.test(text) || text.length > 30) td.className = "mono";
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
    var wrap = tbody.closest(".table-wrap");
    var empty = wrap && wrap.nextElementSibling;
    if (empty && empty.classList.contains("empty")) empty.hidden = (rows || []).length > 0;
  }

  var charts = new WeakMap();

  function measured(u, seriesIdx) {
    var values = u.data[seriesIdx] || [];
    var idx = [];
    for (var i = 0; i < values.length; i++) {
      if (values[i] !== null && values[i] !== 0) idx.push(i);
    }
    return idx;
  }

  function drawChart(el, data) {
    if (!data || !data.t || typeof uPlot === "undefined") return;
    var series = data.series || [];
    var rows = [data.t].concat(
      series.map(function (s) {
        return s.values;
      })
    );
    var chart = charts.get(el);
    var width = Math.max(el.clientWidth, 240);
    if (chart && chart.series.length === series.length + 1) {
      chart.setData(rows);
      return;
    }
    if (chart) chart.destroy();
    var colors = ["#2952cc", "#b3261e", "#1f7a3d", "#9a5b00", "#6b3fa0", "#0f7c8c"];
    chart = new uPlot(
      {
        width: width,
        height: 220,
        series: [{}].concat(
          series.map(function (s, i) {
            return {
              label: s.label,
              stroke: colors[i % colors.length],
              width: 2,
              // A lone measurement between gaps draws no line: mark every measured point.
              points: { show: true, size: 5, filter: measured },
            };
          })
        ),
        axes: [{}, { size: 60 }],
      },
      rows,
      el
    );
    charts.set(el, chart);
  }

  function apply(root, json) {
    inside(root, "[data-key]").forEach(function (el) {
      el.textContent = show(at(json, el.getAttribute("data-key")));
      var warn = el.getAttribute("data-warn-key");
      if (warn) el.classList.toggle("warn", at(json, warn) === true);
    });
    inside(root, "[data-rows]").forEach(function (el) {
      fillRows(el, at(json, el.getAttribute("data-rows")));
    });
    inside(root, "[data-chart]").forEach(function (el) {
      drawChart(el, at(json, el.getAttribute("data-chart")));
    });
  }

  function stamp(ok) {
    document.querySelectorAll("[data-updated]").forEach(function (el) {
      el.textContent = ok ? "updated " + new Date().toLocaleTimeString() : "update failed";
      el.classList.toggle("bad", !ok);
    });
  }

  function poll(el) {
    var src = el.getAttribute("data-src");
    if (!src || src.charAt(0) !== "/" || src.charAt(1) === "/") return;
    var every = Math.max(parseInt(el.getAttribute("data-every") || "5000", 10) || 5000, 1000);
    function tick() {
      fetch(src, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) {
          if (!r.ok) throw new Error(String(r.status));
          return r.json();
        })
        .then(function (json) {
          apply(el, json);
          el.setAttribute("data-loaded", "true");
          stamp(true);
        })
        .catch(function () {
          stamp(false);
        })
        .then(function () {
          setTimeout(tick, every);
        });
    }
    tick();
  }

  function resize() {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var chart = charts.get(el);
      if (chart) chart.setSize({ width: Math.max(el.clientWidth, 240), height: 220 });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-src]").forEach(poll);
    var pending = null;
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(resize, 100);
    });
  });
})();
