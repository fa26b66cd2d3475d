"""The page file: self-contained (nothing to fetch), data that cannot break out of its script
element, and a renderer the emulator can serve without importing the project's models."""

from __future__ import annotations

import ast
import inspect
import json
import re
import subprocess
import sys

from flashduty_pulumi.emulator import ui
from flashduty_pulumi.graph import asset, render_page
from flashduty_pulumi.graph.page import embed_json, renderer_js


def test_page_inlines_everything_and_forbids_fetching() -> None:
    html = render_page({"channels": []}, title="t")
    assert asset("words.js") in html and asset("graph.js") in html and asset("graph.css") in html
    assert "default-src 'none'" in html  # the browser itself refuses any request the page might make
    assert not re.search(r"""\b(src|href)\s*=""", html), "no external resource"
    assert "@import" not in html and "url(" not in html


def test_embedded_data_cannot_close_the_script() -> None:
    hostile = {
        "channels": [{"channel_id": 1, "channel_name": "</script><script>alert(1)</script><!--\u2028"}]
    }
    html = render_page(hostile, title="</title><script>x</script>")
    assert html.count("</script>") == 3  # the data, the renderer and the start-up script close once each
    assert "<script>alert(1)" not in html and "<script>x</script>" not in html
    embedded = re.search(r'<script id="graph-data" type="application/json">(.*?)</script>', html, re.S)
    assert embedded is not None
    assert json.loads(embedded.group(1)) == hostile


def test_big_ids_are_written_exactly() -> None:
    # The renderer's parser keeps them as text; the JSON must carry every digit.
    assert embed_json({"id": 2**53 + 1}) == '{"id":9007199254740993}'


def test_emulator_ui_page_uses_the_same_renderer() -> None:
    html = ui.page().decode("utf-8")
    assert renderer_js() in html
    assert "connect-src 'self'" in html and "/__emulator/state" in html and "/__emulator/requests" in html
    assert ui.HEADERS["Content-Type"].startswith("text/html")


def test_emulator_page_does_not_import_the_models() -> None:
    """The emulator is the independent oracle: its page and the renderer code it reads import
    nothing of the project beyond the graph's asset loader (no models, client or simulator)."""
    import flashduty_pulumi.graph as graph
    import flashduty_pulumi.graph.page as page

    for module in (ui, graph, page):
        tree = ast.parse(inspect.getsource(module))
        imported = ["." * n.level + (n.module or "") for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        project = [m for m in imported if m.startswith(("flashduty_pulumi", "."))]
        assert set(project) <= {".page"}, (module.__name__, project)
    # (The package's top level imports the providers, and so models, for every submodule; what
    # matters is that the page itself loads none of the graph's model-based modules.)
    code = (
        "import sys, flashduty_pulumi.emulator.ui as ui; ui.page();"
        "print(sorted(m for m in sys.modules if m.startswith('flashduty_pulumi.graph.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['flashduty_pulumi.graph.page']"
