/* ePIC production catalogue: filter and sort the table of catalog/index.html in the browser.
 *
 * Plain JavaScript, no libraries, nothing loaded from elsewhere. The filters live in the URL
 * hash (#pwg=edt&status=draft&priority=1&origin=imported&campaign=26.07&q=text&sort=5&dir=desc),
 * so a filtered view can be linked and is applied on load. A hash naming a row (#issue-12) is left to the
 * browser: it scrolls to that row. The number of visible rows is written into
 * <output id="visible-count">; <html data-js-ok="1"> says the script ran to its end.
 */
(function () {
  "use strict";

  var FILTERS = ["pwg", "status", "priority", "origin", "campaign", "q"];
  var table = document.getElementById("catalog");
  if (!table) {
    return;
  }
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var output = document.getElementById("visible-count");
  var form = document.getElementById("filters");
  var controls = {
    pwg: document.getElementById("f-pwg"),
    status: document.getElementById("f-status"),
    priority: document.getElementById("f-priority"),
    origin: document.getElementById("f-origin"),
    campaign: document.getElementById("f-campaign"),
    q: document.getElementById("f-q")
  };
  var state = {
    pwg: "", status: "", priority: "", origin: "", campaign: "", q: "", sort: "", dir: "asc"
  };
  var texts = null;

  function decoded(text) {
    try {
      return decodeURIComponent(text);
    } catch (error) {
      return text;
    }
  }

  function rowText(index) {
    if (texts === null) {
      texts = rows.map(function (row) {
        var link = row.querySelector("td.path a");
        var page = link ? decoded(link.getAttribute("href")) : "";
        return (row.textContent + " " + page).toLowerCase();
      });
    }
    return texts[index];
  }

  function matches(row, index, words) {
    var d = row.dataset;
    if (state.pwg && d.pwg !== state.pwg) {
      return false;
    }
    if (state.status && d.status !== state.status && d.substate !== state.status) {
      return false;
    }
    if (state.priority && d.priority !== state.priority) {
      return false;
    }
    if (state.campaign && d.campaign !== state.campaign) {
      return false;
    }
    if (state.origin && d.origin !== state.origin) {
      return false;
    }
    for (var i = 0; i < words.length; i++) {
      if (rowText(index).indexOf(words[i]) < 0) {
        return false;
      }
    }
    return true;
  }

  function sortKey(row, column, type) {
    if (type === "events") {
      return Number(row.dataset.events);
    }
    if (type === "priority") {
      var p = Number(row.dataset.priority);
      return isNaN(p) || p < 1 ? 99 : p;
    }
    return row.cells[column].textContent.trim().toLowerCase();
  }

  function applySort() {
    var column = parseInt(state.sort, 10);
    headers.forEach(function (th, i) {
      if (i === column) {
        th.setAttribute("aria-sort", state.dir === "desc" ? "descending" : "ascending");
      } else {
        th.removeAttribute("aria-sort");
      }
    });
    var order = rows.map(function (row, index) {
      return index;
    });
    if (!isNaN(column) && headers[column]) {
      var type = headers[column].getAttribute("data-type");
      var keys = rows.map(function (row) {
        return sortKey(row, column, type);
      });
      var sign = state.dir === "desc" ? -1 : 1;
      order.sort(function (a, b) {
        if (keys[a] < keys[b]) {
          return -sign;
        }
        if (keys[a] > keys[b]) {
          return sign;
        }
        return a - b;
      });
    }
    var fragment = document.createDocumentFragment();
    order.forEach(function (index) {
      fragment.appendChild(rows[index]);
    });
    tbody.appendChild(fragment);
  }

  function applyFilters() {
    var words = state.q.toLowerCase().split(/\s+/).filter(Boolean);
    var visible = 0;
    rows.forEach(function (row, index) {
      var show = matches(row, index, words);
      row.hidden = !show;
      if (show) {
        visible += 1;
      }
    });
    output.value = String(visible);
    output.textContent = String(visible);
    document.querySelectorAll(".chip[data-filter]").forEach(function (chip) {
      var key = chip.getAttribute("data-filter");
      chip.classList.toggle("active", state[key] === chip.getAttribute("data-value"));
    });
  }

  function showControls() {
    FILTERS.forEach(function (key) {
      if (controls[key]) {
        controls[key].value = state[key];
      }
    });
  }

  function isFilterHash() {
    var hash = window.location.hash.replace(/^#/, "");
    return hash === "" || hash.indexOf("=") >= 0;
  }

  function readHash() {
    if (!isFilterHash()) {
      return;
    }
    var params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    FILTERS.concat(["sort"]).forEach(function (key) {
      state[key] = params.get(key) || "";
    });
    state.dir = params.get("dir") === "desc" ? "desc" : "asc";
  }

  function writeHash() {
    if (!isFilterHash() && !state.sort && !FILTERS.some(function (key) { return state[key]; })) {
      return;
    }
    var params = new URLSearchParams();
    FILTERS.concat(["sort"]).forEach(function (key) {
      if (state[key]) {
        params.set(key, state[key]);
      }
    });
    if (state.sort && state.dir === "desc") {
      params.set("dir", "desc");
    }
    var hash = params.toString();
    var url = window.location.pathname + window.location.search + (hash ? "#" + hash : "");
    window.history.replaceState(null, "", url);
  }

  function update(sorted) {
    if (sorted) {
      applySort();
    }
    applyFilters();
    writeHash();
  }

  FILTERS.forEach(function (key) {
    var control = controls[key];
    if (!control) {
      return;
    }
    control.addEventListener(key === "q" ? "input" : "change", function () {
      state[key] = control.value;
      update(false);
    });
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
  });

  form.addEventListener("reset", function () {
    window.setTimeout(function () {
      FILTERS.forEach(function (key) {
        state[key] = "";
      });
      state.sort = "";
      state.dir = "asc";
      showControls();
      update(true);
    }, 0);
  });

  document.querySelectorAll(".chip[data-filter]").forEach(function (chip) {
    chip.addEventListener("click", function () {
      var key = chip.getAttribute("data-filter");
      var value = chip.getAttribute("data-value");
      state[key] = state[key] === value ? "" : value;
      showControls();
      update(false);
    });
  });

  headers.forEach(function (th, i) {
    if (th.getAttribute("data-type") === "none") {
      return;
    }
    th.tabIndex = 0;
    function sortHere() {
      var same = state.sort === String(i);
      state.dir = same && state.dir === "asc" ? "desc" : "asc";
      state.sort = String(i);
      update(true);
    }
    th.addEventListener("click", sortHere);
    th.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        sortHere();
      }
    });
  });

  window.addEventListener("hashchange", function () {
    readHash();
    showControls();
    applySort();
    applyFilters();
  });

  readHash();
  showControls();
  if (state.sort) {
    applySort();
  }
  applyFilters();
  document.documentElement.setAttribute("data-js-ok", "1");
})();
