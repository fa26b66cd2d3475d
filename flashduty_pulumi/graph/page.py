"""One self-contained HTML file: the renderer's CSS and JS and the document, all inline.

Nothing is fetched when the page is opened (no CDN, no font, no image), so it works offline and
as a CI artifact. The document is embedded as JSON text and parsed by the renderer, which keeps
64-bit IDs exact; ``<`` is escaped so no value can close the script element.
"""

from __future__ import annotations

import html
import json
from importlib import resources
from typing import Any

__all__ = ["asset", "embed_json", "render_page", "renderer_js"]


def asset(name: str) -> str:
    """The text of a renderer asset (words.js, graph.js, graph.css), shipped inside the package."""
    return resources.files(__package__).joinpath("assets", name).read_text(encoding="utf-8")


def renderer_js() -> str:
    """The renderer's JavaScript: the words it writes (words.js), then the drawing (graph.js)."""
    return asset("words.js") + "\n" + asset("graph.js")


def embed_json(value: Any) -> str:
    """JSON safe inside a <script> element: no ``</script>``, ``<!--`` or line separators survive."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; \
script-src 'unsafe-inline'; img-src data:">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<main id="graph"></main>
<script id="graph-data" type="application/json">{data}</script>
<script>{js}</script>
<script>
(function () {{
  var started = performance.now(), root = document.getElementById("graph");
  var doc = FlashdutyGraph.parseJSON(document.getElementById("graph-data").textContent);
  FlashdutyGraph.render(root, doc, {options});
  root.setAttribute("data-render-ms", (performance.now() - started).toFixed(1));
}})();
</script>
</body>
</html>
"""


def render_page(document: dict[str, Any], *, title: str, subtitle: str = "") -> str:
    """The HTML page drawing ``document`` (see graph.js for its shape)."""
    return _TEMPLATE.format(
        title=html.escape(title),
        css=asset("graph.css"),
        js=renderer_js(),
        data=embed_json(document),
        options=embed_json({"title": title, "subtitle": subtitle}),
    )
