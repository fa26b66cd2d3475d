"""A local Flashduty API for tests, demos and benchmarks: `python -m flashduty_pulumi.emulator`.

It is driven by the official OpenAPI documents (spec_subset.json), not by this package's models, so
a mistake in the models shows up as an emulator error. See README.md beside this file.
"""
