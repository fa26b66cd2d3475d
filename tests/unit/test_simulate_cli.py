"""The simulator's subcommands on snapshot files: exit codes 0/1/2, failure traces, JUnit,
simulate's trace, lint's exit code, and the snapshot round trip."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
import yaml
from test_simulate_fakes import INTEGRATION, cond, config, escalation, layer, silence

from flashduty_pulumi.cli import main
from flashduty_pulumi.simulate import dump_snapshot, load_snapshot, read_snapshot_file, write_snapshot_file

AT = "2026-12-07T10:00:00+08:00"


@pytest.fixture
def snap(tmp_path: Path) -> Path:
    cfg = config(
        [{"if": [cond("labels.service", "IN", "checkout")], "channel_ids": [10]}],
        default=[20],
        rules=[
            escalation(10, "Checkout on-call", [layer(people=[1]), layer(teams=[7])]),
            escalation(20, "Payments on-call", [layer(people=[2])]),
            silence(10, "Load tests", [[cond("labels.env", "IN", "loadtest")]], time_filters=[]),
        ],
    )
    path = tmp_path / "snap.json"
    write_snapshot_file(cfg, path)
    return path


def write_tests(tmp_path: Path, tests: list[dict[str, Any]], source: dict[str, Any] | None = None) -> Path:
    path = tmp_path / "routing-tests.yaml"
    path.write_text(yaml.safe_dump({"source": source or {"snapshot": "snap.json"}, "tests": tests}))
    return path


CHECKOUT = {"integration_id": INTEGRATION, "severity": "Critical", "labels": {"service": "checkout"}}


def test_snapshot_round_trip(snap: Path) -> None:
    doc = json.loads(snap.read_text())
    assert doc["format"] == "flashduty-pulumi-snapshot" and doc["version"] == 1
    assert dump_snapshot(read_snapshot_file(snap)) == doc
    assert dump_snapshot(load_snapshot(doc)) == doc


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ([], "a snapshot must be a JSON object"),
        ({"format": "x"}, "format: must be 'flashduty-pulumi-snapshot'"),
        (
            {"format": "flashduty-pulumi-snapshot", "version": 2},
            "version: this flashduty-pulumi reads version 1",
        ),
        ({"format": "flashduty-pulumi-snapshot", "version": 1, "drop_rules": []}, "drop_rules: not known"),
        ({"format": "flashduty-pulumi-snapshot", "version": 1, "routes": {}}, "routes: must be a list"),
        (
            {"format": "flashduty-pulumi-snapshot", "version": 1, "escalation_rules": [{"layers": []}]},
            "escalation_rules[0].rule_id",
        ),
    ],
)
def test_bad_snapshots_are_named(doc: Any, message: str) -> None:
    from flashduty_pulumi.simulate import SnapshotError

    with pytest.raises(SnapshotError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_snapshot(doc)


def test_passing_file_exits_0_and_writes_junit(
    snap: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_tests(
        tmp_path,
        [
            {
                "name": "checkout pages alice",
                "alert": CHECKOUT,
                "at": AT,
                "expect": {
                    "channels": ["Checkout"],
                    "silenced": False,
                    "escalation": {"Checkout": {"rule": "Checkout on-call", "first": ["alice@example.com"]}},
                },
            },
            {
                "name": "by ID, and load tests are silenced",
                "alert": {**CHECKOUT, "labels": {"service": "checkout", "env": "loadtest"}},
                "at": AT,
                "expect": {"channels": [10], "silenced": True, "dropped": False},
            },
            {
                "name": "others go to payments",
                "alert": {"integration_id": INTEGRATION, "severity": "Info"},
                "at": AT,
                "expect": {
                    "channels": ["Payments"],
                    "escalation": {"Payments": {"first": ["bob@example.com"]}},
                },
            },
        ],
    )
    junit = tmp_path / "out.xml"
    assert main(["test", str(path), "--junit", str(junit)]) == 0
    out = capsys.readouterr().out
    assert "3 passed, 0 failed" in out
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == "3" and suite.get("failures") == "0"


def test_failing_expectation_exits_1_and_prints_the_trace(
    snap: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_tests(
        tmp_path,
        [
            {"name": "ok", "alert": CHECKOUT, "at": AT, "expect": {"channels": ["Checkout"]}},
            {
                "name": "wrong",
                "alert": CHECKOUT,
                "at": AT,
                "expect": {
                    "channels": ["Payments"],
                    "escalation": {"Checkout": {"rule": "Nope", "first": ["bob@example.com"]}},
                },
            },
        ],
    )
    junit = tmp_path / "out.xml"
    assert main(["test", str(path), "--junit", str(junit)]) == 1
    out = capsys.readouterr().out
    assert "FAIL  wrong" in out and "PASS  ok" in out and "1 passed, 1 failed" in out
    assert "channels: expected ['Payments'], got ['Checkout']" in out
    assert "escalation.Checkout.rule: expected 'Nope', got 'Checkout on-call'" in out
    assert "escalation.Checkout.first: expected ['bob@example.com'], got ['alice@example.com']" in out
    assert "      |   channel Checkout (10) via case 1: escalation rule 'Checkout on-call'" in out
    failure = ET.parse(junit).getroot().find("testsuite/testcase[@name='wrong']/failure")
    assert failure is not None and "route of integration" in (failure.text or "")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("tests: [", "is not valid YAML"),
        ("source: {snapshot: snap.json}\n", "tests: must be a non-empty list"),
        ("source: {}\ntests: [{alert: {}, expect: {channels: []}}]", "source: give exactly one of"),
        (
            "source: {snapshot: nope.json}\ntests: [{alert: {}, expect: {channels: []}}]",
            "cannot read snapshot",
        ),
        (
            "source: {snapshot: snap.json}\ntests: [{alert: {}, expect: {chanels: []}}]",
            "tests[0].expect.chanels: unknown",
        ),
        (
            "source: {snapshot: snap.json}\n"
            "tests: [{alert: {}, at: '2026-12-07 10:00', expect: {dropped: false}}]",
            "needs a zone",
        ),
        (
            "source: {snapshot: snap.json}\n"
            "tests: [{alert: {integration_id: abc}, expect: {dropped: false}}]",
            "alert.integration_id",
        ),
        (
            "source: {snapshot: snap.json}\ntimezone: Mars/Olympus\n"
            "tests: [{alert: {}, expect: {dropped: false}}]",
            "timezone: 'Mars/Olympus'",
        ),
        ("source: {live: true}\ntests: [{alert: {}, expect: {silenced: false}}]", "needs an app key"),
    ],
)
def test_bad_file_or_source_exits_2(
    snap: Path,
    tmp_path: Path,
    content: str,
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("FLASHDUTY_APP_KEY", raising=False)
    path = tmp_path / "t.yaml"
    path.write_text(content)
    assert main(["test", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_simulate_prints_one_trace(snap: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "simulate",
            "--snapshot",
            str(snap),
            "--alert",
            "severity=Warning,labels.service=checkout",
            "--integration",
            str(INTEGRATION),
            "--at",
            AT,
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "case 1: match" in out and "escalation rule 'Checkout on-call'" in out
    assert "T+0m layer 1 #1: alice@example.com by sms" in out
    assert main(["simulate", "--snapshot", str(snap), "--alert", "severity=Info", "--at", AT, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["channels"] == ["Payments"] and data["route"]["default_used"] is True


@pytest.mark.parametrize(
    "argv",
    [
        ["simulate", "--alert", "severity=Info"],  # no source
        ["simulate", "--snapshot", "x.json", "--live", "--alert", "severity=Info"],
        ["simulate", "--snapshot", "SNAP", "--alert", "severity"],
        ["simulate", "--snapshot", "SNAP", "--alert", "severity=Info", "--at", "2026-12-07T10:00:00"],
        ["lint", "--snapshot", "SNAP", "--timezone", "Nowhere/Else"],
    ],
)
def test_simulate_and_lint_usage_errors_exit_2(
    snap: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(snap) if a == "SNAP" else a for a in argv]) == 2
    assert "error:" in capsys.readouterr().err


def test_lint_exit_codes(snap: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "--snapshot", str(snap), "--at", AT]) == 0
    assert capsys.readouterr().out.strip() == "0 errors, 0 warnings"
    doc = json.loads(snap.read_text())
    doc["routes"][0].pop("default")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    assert main(["lint", "--snapshot", str(bad), "--format", "sarif"]) == 1
    assert json.loads(capsys.readouterr().out)["runs"][0]["results"][0]["ruleId"] == "no-default"


def test_snapshot_command_copies_a_snapshot(snap: Path, tmp_path: Path) -> None:
    out = tmp_path / "copy.json"
    assert main(["snapshot", "--snapshot", str(snap), "--out", str(out)]) == 0
    assert json.loads(out.read_text()) == json.loads(snap.read_text())
