"""The picture of the alert path: one self-contained HTML page drawn in the browser.

``page.render_page`` turns a plain JSON document of API-shaped objects into the page (it imports
nothing of the models, so the emulator can use its renderer too); ``document`` builds that
document, and an alert's highlight, from the simulator's configuration and trace; ``diff`` lists
what a program would change against the live configuration.
"""

from .page import asset, render_page

__all__ = ["asset", "render_page"]
