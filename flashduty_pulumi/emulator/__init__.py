"""A local Flashduty API for tests, demos and benchmarks: `python -m flashduty_pulumi.emulator`.

It is driven by the official OpenAPI documents (spec_subset.json), not by this package's models, so
a mistake in the models shows up as an emulator error. See README.md beside this file.
"""

# Here rather than in server.py, so the CLI and the test harness can name it without the extra's
# dependencies (jsonschema) installed.
DEFAULT_APP_KEY = "fd-emulator-key"
