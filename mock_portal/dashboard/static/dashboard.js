/* portalsim dashboard: sort and filter the scorecard table, and refresh a page live.
 *
 * No framework, no external asset (the page's Content-Security-Policy allows only this
 * origin). Live pages carry data-live="<events URL>" on <body>: on each server-sent `change`
 * event the page is fetched again and its [data-live-region] replaced by the new one. The new
 * HTML was escaped by the server and is parsed with DOMParser (scripts in it never run), so
 * nothing a province sent can become code here.
 */
(function () {
  "use strict";

  var state = { key: null, descending: false };

  function fold(text) {
    // case- and diacritic-insensitive matching: "thanh hoa" finds "Thanh Hóa"
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d")
      .replace(/Đ/g, "D").toLowerCase();
  }

  function table() {
    return document.querySelector("table.scorecards#scorecards");
  }

  function sortKey(row, index, type) {
    var cell = row.cells[index];
    var raw = cell ? (cell.getAttribute("data-sort") || cell.textContent) : "";
    return type === "number" ? parseFloat(raw) || 0 : raw;
  }

  function applySort() {
    var t = table();
    if (!t || !state.key) return;
    var headers = Array.prototype.slice.call(t.tHead.rows[0].cells);
    var index = headers.findIndex(function (th) { return th.getAttribute("data-key") === state.key; });
    if (index < 0) return;
    var type = headers[index].getAttribute("data-type");
    headers.forEach(function (th, i) {
      if (i === index) th.setAttribute("aria-sort", state.descending ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    });
    var body = t.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = sortKey(a, index, type), y = sortKey(b, index, type);
      var order = type === "number" ? x - y : String(x).localeCompare(String(y), "vi");
      return state.descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  function applyFilter() {
    var t = table();
    if (!t) return;
    var textInput = document.getElementById("filter-text");
    var bandInput = document.getElementById("filter-band");
    var wanted = textInput ? fold(textInput.value.trim()) : "";
    var band = bandInput ? bandInput.value : "";
    var shown = 0;
    Array.prototype.forEach.call(t.tBodies[0].rows, function (row) {
      var name = fold((row.getAttribute("data-name") || "") + " " + (row.getAttribute("data-province") || ""));
      var visible = (!wanted || name.indexOf(wanted) >= 0) && (!band || row.getAttribute("data-band") === band);
      row.hidden = !visible;
      if (visible) shown += 1;
    });
    var count = document.getElementById("shown-count");
    if (count) count.textContent = shown + " / " + t.tBodies[0].rows.length;
  }

  function wireTable() {
    var t = table();
    if (!t) return;
    Array.prototype.forEach.call(t.tHead.rows[0].cells, function (th) {
      th.addEventListener("click", function () {
        var key = th.getAttribute("data-key");
        state.descending = state.key === key ? !state.descending : false;
        state.key = key;
        applySort();
      });
    });
  }

  function refresh() {
    fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-live-region]").forEach(function (region) {
          var replacement = region.id && fresh.getElementById(region.id);
          if (replacement) region.replaceWith(document.importNode(replacement, true));
        });
        wireTable();
        applySort();
        applyFilter();
        var status = document.getElementById("live-status");
        if (status) status.setAttribute("data-updated", new Date().toISOString());
      })
      .catch(function () { /* the next change event tries again */ });
  }

  function live() {
    var url = document.body.getAttribute("data-live");
    if (!url || !window.EventSource) return;
    var status = document.getElementById("live-status");
    var region = document.querySelector("[data-live-region]");
    var shown = region ? region.getAttribute("data-version") : null;
    var source = new EventSource(url);
    source.addEventListener("open", function () { if (status) status.classList.add("on"); });
    source.addEventListener("error", function () { if (status) status.classList.remove("on"); });
    source.addEventListener("change", function (event) {
      var version = String(JSON.parse(event.data).version);
      if (version === shown) return;
      shown = version;
      refresh();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    wireTable();
    var textInput = document.getElementById("filter-text");
    var bandInput = document.getElementById("filter-band");
    if (textInput) textInput.addEventListener("input", applyFilter);
    if (bandInput) bandInput.addEventListener("change", applyFilter);
    applyFilter();
    live();
  });
})();
