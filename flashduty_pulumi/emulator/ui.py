"""GET /__emulator/ui: the emulator's own state drawn as the alert-path picture, live.

The page is the same client-side renderer ``flashduty-pulumi graph`` writes into its HTML files
(words.js, graph.js, graph.css, read as text from the package), fed straight from GET
/__emulator/state: the emulator stores API-shaped objects, which is what the renderer reads, so
nothing here goes through the project's models (the emulator stays an independent oracle). The
page polls the state and the request log once a second, redraws when the state changed, and lists
recent API requests by method, path, status and error code: the log already holds no app key, and
bodies (which may hold webhook tokens) are not shown.
"""

from __future__ import annotations

from importlib import resources

__all__ = ["HEADERS", "page"]

HEADERS = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}

REFRESH_MS = 1000
RECENT = 50  # requests listed


def _asset(name: str) -> str:
    return resources.files("flashduty_pulumi.graph").joinpath("assets", name).read_text(encoding="utf-8")


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; \
script-src 'unsafe-inline'; connect-src 'self'">
<title>Flashduty emulator</title>
<style>%(css)s
.status { color: #5a6272; margin: 0 16px; font: 12px system-ui, sans-serif; }
section.recent { margin: 16px; font: 13px system-ui, sans-serif; }
</style>
</head>
<body>
<p class="status" id="status">loading...</p>
<main id="graph"></main>
<section class="recent fd-graph"><h2>Recent API requests (newest first)</h2>
<table class="requests"><thead><tr><th>#</th><th>time (UTC)</th><th>method</th><th>path</th>
<th>status</th><th>error</th><th>ms</th></tr></thead><tbody id="requests"></tbody></table></section>
<script>%(js)s</script>
<script>
(function () {
  var root = document.getElementById("graph"), status = document.getElementById("status");
  var lastState = null, seq = 0, recent = [];
  function cell(row, text) {
    var td = document.createElement("td");
    td.textContent = text;
    row.appendChild(td);
  }
  function showRequests() {
    var body = document.getElementById("requests");
    while (body.firstChild) body.removeChild(body.firstChild);
    recent.slice().reverse().forEach(function (r) {
      var row = document.createElement("tr");
      row.className = "request";
      cell(row, r.seq);
      cell(row, new Date(r.time * 1000).toISOString().slice(11, 19));
      cell(row, r.method);
      cell(row, r.path);
      cell(row, r.status === null ? "dropped" : r.status);
      cell(row, r.error_code || "");
      cell(row, r.duration_ms === undefined ? "" : Math.round(r.duration_ms));
      body.appendChild(row);
    });
  }
  function redraw(text) {
    var search = root.querySelector("input.search");
    var query = search ? search.value : "";
    var closed = Array.prototype.map.call(root.querySelectorAll("details.channel:not([open])"),
      function (d) { return d.getAttribute("data-key"); });
    var state = FlashdutyGraph.parseJSON(text);
    var account = state.account && state.account.account_name ? state.account.account_name : "";
    FlashdutyGraph.render(root, state, {title: "Flashduty emulator" + (account ? ": " + account : ""),
      subtitle: "Its current state, redrawn as it changes."});
    closed.forEach(function (k) {
      var d = root.querySelector('details.channel[data-key="' + k + '"]');
      if (d) d.open = false;
    });
    if (query) {
      root.querySelector("input.search").value = query;
      FlashdutyGraph.search(root, query);
    }
    FlashdutyGraph.drawEdges(root);
  }
  function poll() {
    Promise.all([
      fetch("/__emulator/state").then(function (r) { return r.text(); }),
      fetch("/__emulator/requests?since=" + seq).then(function (r) { return r.json(); }),
    ]).then(function (got) {
      if (got[0] !== lastState) { lastState = got[0]; redraw(got[0]); }
      var items = got[1].items || [];
      if (items.length) {
        seq = items[items.length - 1].seq;
        recent = recent.concat(items).slice(-%(recent)d);
        showRequests();
      }
      status.textContent = "live: refreshed " + new Date().toISOString().slice(11, 19) + " UTC";
      var polls = Number(document.body.getAttribute("data-polls") || 0) + 1;
      document.body.setAttribute("data-polls", String(polls));
    }).catch(function (e) {
      status.textContent = "emulator unreachable (" + e + "); retrying";
    }).then(function () { setTimeout(poll, %(refresh)d); });
  }
  poll();
})();
</script>
</body>
</html>
"""


def page() -> bytes:
    """The page's HTML (it fetches everything else from the control surface)."""
    html = _PAGE % {
        "css": _asset("graph.css"),
        "js": _asset("words.js") + "\n" + _asset("graph.js"),
        "recent": RECENT,
        "refresh": REFRESH_MS,
    }
    return html.encode("utf-8")
