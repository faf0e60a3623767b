// Client-side sorting for <table class="sortable">: click a header to sort the body rows by the cell's
// data-sort value (numbers numerically, largest first; text A to Z); click again to reverse. The totals
// row (tfoot) stays put.
(function () {
  "use strict";

  function compare(a, b, numeric) {
    if (a === b) { return 0; }
    if (a === "") { return 1; }
    if (b === "") { return -1; }
    if (numeric) { return parseFloat(a) - parseFloat(b); }
    return a.localeCompare(b);
  }

  function sortBy(table, header, index) {
    const body = table.tBodies[0];
    const numeric = header.dataset.numeric === "1";
    const current = header.getAttribute("aria-sort");
    // first click: numbers descending (the biggest spend first), text ascending; then alternate
    const ascending = current ? current !== "ascending" : !numeric;
    const rows = Array.from(body.rows).filter(function (row) { return !row.classList.contains("empty"); });
    rows.sort(function (r1, r2) {
      const a = r1.cells[index].dataset.sort || "";
      const b = r2.cells[index].dataset.sort || "";
      const order = compare(a, b, numeric);
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    table.querySelectorAll("th").forEach(function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  function init() {
    document.querySelectorAll("table.sortable").forEach(function (table) {
      table.querySelectorAll("thead th").forEach(function (header, index) {
        const button = header.querySelector("button.sort");
        if (button) {
          button.addEventListener("click", function () { sortBy(table, header, index); });
        }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
