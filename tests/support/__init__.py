"""Helpers every test tier shares; tests import them as ``support.<module>`` (tests/ is on sys.path).

- clock.py: ``FakeClock``, a monotonic clock and a sleep that only moves it.
- polling.py: ``wait_for`` a condition, or ``wait_until_steady`` a value, up to a deadline, with a
  failure that says what was awaited and what was last seen. Use them instead of a fixed sleep.
- processes.py: stopping child processes (``stop_process``) and whole process trees (``kill_tree``).
"""
