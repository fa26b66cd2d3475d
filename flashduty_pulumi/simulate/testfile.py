"""Routing tests in YAML, run by ``flashduty-pulumi test FILE.yaml [--junit FILE.xml]``.

    source: {live: true}          # or {program: DIR, fixtures: FILE} or {snapshot: FILE}
    timezone: Asia/Shanghai       # optional: the account's zone for time windows
    tests:
      - name: checkout criticals page the checkout channel
        alert: {integration_id: 6022140857131, severity: Critical, title: "5xx", labels: {service: checkout}}
        at: "2026-12-06T03:00:00+08:00"
        expect:
          channels: [Checkout]                 # names or IDs; exactly this set
          silenced: false                      # optional; also dropped, inhibited
          escalation: {Checkout: {rule: "Out of hours", first: ["alice@example.com"]}}

``escalation.<channel>.rule: null`` expects that no rule applies; ``first`` compares as a set
against who is notified first (members by email or name, teams expanded to their members,
schedules by name). A test without ``at`` uses the time of the run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from .alert import Alert
from .config import Config
from .engine import Simulator
from .trace import Trace

__all__ = [
    "Case",
    "CaseResult",
    "TestFile",
    "TestFileError",
    "check",
    "junit_xml",
    "parse_test_file",
    "run_cases",
]

_EXPECT_KEYS = {"channels", "silenced", "dropped", "inhibited", "escalation"}
_CASE_KEYS = {"name", "alert", "at", "expect"}


class TestFileError(ValueError):
    """The test file is malformed; the message names the place (``tests[2].expect.channels``)."""

    __test__ = False  # not a pytest class


@dataclass(frozen=True)
class Case:
    name: str
    alert: Alert
    at: datetime
    expect: dict[str, Any]


@dataclass(frozen=True)
class TestFile:
    __test__ = False

    source: dict[str, Any]
    cases: list[Case]
    timezone: str | None = None
    base: Path = field(default_factory=Path)


@dataclass(frozen=True)
class CaseResult:
    case: Case
    failures: list[str]
    trace: Trace

    @property
    def ok(self) -> bool:
        return not self.failures


def _at(value: Any, where: str) -> datetime:
    if value is None:
        return datetime.now(timezone.utc)
    if isinstance(value, datetime):
        when = value
    else:
        try:
            when = datetime.fromisoformat(str(value))
        except ValueError:
            raise TestFileError(f"{where}: {value!r} is not an ISO 8601 time") from None
    if when.tzinfo is None:
        raise TestFileError(f"{where}: {value!r} needs a zone (e.g. +08:00 or Z)")
    return when


def _expect(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict) or not raw:
        raise TestFileError(f"{where}: must be a mapping with at least one of {sorted(_EXPECT_KEYS)}")
    unknown = sorted(set(raw) - _EXPECT_KEYS)
    if unknown:
        raise TestFileError(f"{where}.{unknown[0]}: unknown expectation (known: {sorted(_EXPECT_KEYS)})")
    if "channels" in raw and not isinstance(raw["channels"], list):
        raise TestFileError(f"{where}.channels: must be a list of channel names or IDs")
    for flag in ("silenced", "dropped", "inhibited"):
        if flag in raw and not isinstance(raw[flag], bool):
            raise TestFileError(f"{where}.{flag}: must be true or false")
    esc = raw.get("escalation", {})
    if not isinstance(esc, dict):
        raise TestFileError(f"{where}.escalation: must map channel names to {{rule, first}}")
    for ch, e in esc.items():
        if not isinstance(e, dict) or not set(e) <= {"rule", "first"} or not e:
            raise TestFileError(f"{where}.escalation.{ch}: must be a mapping with rule and/or first")
        if "first" in e and not isinstance(e["first"], list):
            raise TestFileError(f"{where}.escalation.{ch}.first: must be a list")
    return raw


def parse_test_file(doc: Any, base: Path) -> TestFile:
    if not isinstance(doc, dict):
        raise TestFileError("the test file must be a mapping with source and tests")
    source = doc.get("source")
    if not isinstance(source, dict):
        raise TestFileError("source: must be a mapping: {live: true}, {program: DIR} or {snapshot: FILE}")
    tests = doc.get("tests")
    if not isinstance(tests, list) or not tests:
        raise TestFileError("tests: must be a non-empty list")
    cases = []
    for i, t in enumerate(tests):
        where = f"tests[{i}]"
        if not isinstance(t, dict):
            raise TestFileError(f"{where}: must be a mapping with name, alert, at and expect")
        unknown = sorted(set(t) - _CASE_KEYS)
        if unknown:
            raise TestFileError(f"{where}.{unknown[0]}: unknown key (known: {sorted(_CASE_KEYS)})")
        if not isinstance(t.get("alert"), dict):
            raise TestFileError(
                f"{where}.alert: must be a mapping (severity, title, labels, integration_id...)"
            )
        try:
            alert = Alert.from_dict(t["alert"])
        except ValueError as exc:
            raise TestFileError(f"{where}.{exc}") from None
        name = str(t.get("name") or f"test {i + 1}")
        cases.append(
            Case(name, alert, _at(t.get("at"), f"{where}.at"), _expect(t.get("expect"), f"{where}.expect"))
        )
    zone = doc.get("timezone")
    return TestFile(source, cases, str(zone) if zone else None, base)


def _channel_set(names: list[Any], config: Config) -> set[str]:
    """Expected channels as names (an ID the configuration knows becomes its name)."""
    out = set()
    for n in names:
        text = str(n)
        out.add(config.channel_name(int(text)) if text.isdigit() else text)
    return out


def check(case: Case, trace: Trace, config: Config) -> list[str]:
    """Every expectation of ``case`` that ``trace`` breaks, as sentences."""
    e = case.expect
    failures = []
    if "channels" in e:
        want, got = _channel_set(e["channels"], config), set(trace.channels)
        if want != got:
            failures.append(f"channels: expected {sorted(want)}, got {sorted(got)}")
    for flag in ("silenced", "dropped", "inhibited"):
        if flag in e and getattr(trace, flag) is not e[flag]:
            failures.append(
                f"{flag}: expected {str(e[flag]).lower()}, got {str(getattr(trace, flag)).lower()}"
            )
    for channel, want in (e.get("escalation") or {}).items():
        try:
            outcome = trace.outcome(channel)
        except KeyError as exc:
            failures.append(f"escalation.{channel}: {exc.args[0]}")
            continue
        esc = outcome.escalation
        rule = esc.rule_name if esc is not None else None
        if "rule" in want and want["rule"] != rule:
            failures.append(f"escalation.{channel}.rule: expected {want['rule']!r}, got {rule!r}")
        if "first" in want:
            first = trace.first_notified(channel)
            if {str(x) for x in want["first"]} != set(first):
                failures.append(
                    f"escalation.{channel}.first: expected {sorted(map(str, want['first']))}, got {first}"
                )
    return failures


def run_cases(tests: TestFile, config: Config) -> list[CaseResult]:
    sim = Simulator(config)
    results = []
    for case in tests.cases:
        trace = sim.route(case.alert, case.at)
        results.append(CaseResult(case, check(case, trace, config), trace))
    return results


def junit_xml(results: list[CaseResult], suite: str) -> str:
    failed = sum(1 for r in results if not r.ok)
    root = ET.Element("testsuites")
    ts = ET.SubElement(
        root, "testsuite", name=suite, tests=str(len(results)), failures=str(failed), errors="0"
    )
    for r in results:
        tc = ET.SubElement(ts, "testcase", classname=suite, name=r.case.name)
        if not r.ok:
            f = ET.SubElement(tc, "failure", message="; ".join(r.failures))
            f.text = "\n".join(r.failures) + "\n\n" + str(r.trace)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
