(function () {
  'use strict';
  function cellValue(row, i) {
    var c = row.cells[i];
    return c ? (c.getAttribute('data-v') || c.textContent) : '';
  }
  function sortBy(table, i, th) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var numeric = rows.every(function (r) { var v = cellValue(r, i); return v === '' || !isNaN(Number(v)); });
    var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
    rows.sort(function (a, b) {
      var x = cellValue(a, i), y = cellValue(b, i);
      if (numeric) { return dir * (Number(x) - Number(y)); }
      return dir * x.localeCompare(y);
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      th.tabIndex = 0;
      th.addEventListener('click', function () { sortBy(table, i, th); });
      th.addEventListener('keydown', function (e) { if (e.key === 'Enter') { sortBy(table, i, th); } });
    });
  });
  var filter = document.getElementById('flag-filter');
  if (filter) {
    filter.addEventListener('input', function () {
      var q = filter.value.toLowerCase();
      Array.prototype.forEach.call(document.querySelectorAll('#flagged tbody tr'), function (r) {
        r.hidden = q !== '' && r.textContent.toLowerCase().indexOf(q) < 0;
      });
    });
  }
  document.documentElement.setAttribute('data-report-ready', 'yes');
})();
