"""Every lint check with a configuration that triggers it and one that does not."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from test_simulate_fakes import CST, INTEGRATION, cond, config, escalation, layer, silence

from flashduty_pulumi.models import FilterConditionItem
from flashduty_pulumi.simulate import Config
from flashduty_pulumi.simulate.lint import CHECKS, lint_config, render_findings, resource_warnings
from flashduty_pulumi.simulate.lint.conditions import condition_problems

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=CST)
ALWAYS = [escalation(c, f"all-{c}", [layer(people=[1])]) for c in (10, 20, 30)]
CASE = {"if": [cond("labels.service", "IN", "checkout")], "channel_ids": [10]}


def codes(cfg: Config) -> list[str]:
    return sorted({f.code for f in lint_config(cfg, NOW)})


def route_cfg(
    cases: list[dict[str, Any]], default: list[int] | None = (20,), rules: list[Any] = ALWAYS
) -> Config:  # type: ignore[assignment]
    return config(cases, default=list(default) if default is not None else None, rules=rules)


# (check, triggering config, clean config)
CASES: dict[str, tuple[Config, Config]] = {
    "unreachable-case": (
        route_cfg([{"if": [], "channel_ids": [20]}, CASE], default=None),
        route_cfg([{"if": [], "channel_ids": [20], "fallthrough": True}, CASE], default=None),
    ),
    "shadowed-case": (
        route_cfg(
            [
                {"if": [cond("labels.service", "IN", "checkout*")], "channel_ids": [20]},
                {
                    "if": [cond("labels.service", "IN", "checkout-api"), cond("severity", "IN", "Critical")],
                    "channel_ids": [10],
                },
            ]
        ),
        route_cfg(
            [
                {
                    "if": [cond("labels.service", "IN", "checkout-api"), cond("severity", "IN", "Critical")],
                    "channel_ids": [10],
                },
                {"if": [cond("labels.service", "IN", "checkout*")], "channel_ids": [20]},
            ]
        ),
    ),
    "unreachable-default": (
        route_cfg([CASE, {"if": [], "channel_ids": [30]}]),
        route_cfg([CASE, {"if": [cond("severity", "IN", "Info")], "channel_ids": [30]}]),
    ),
    "no-default": (route_cfg([CASE], default=None), route_cfg([CASE])),
    "never-matches": (
        route_cfg([{"if": [cond("severity", "IN", "critical")], "channel_ids": [10]}]),
        route_cfg([{"if": [cond("severity", "IN", "Critical")], "channel_ids": [10]}]),
    ),
    "bad-value": (
        route_cfg([{"if": [cond("title", "IN", "/disk(?=full)/")], "channel_ids": [10]}]),
        route_cfg([{"if": [cond("title", "IN", "/disk full/")], "channel_ids": [10]}]),
    ),
    "unknown-channel": (route_cfg([{"if": [], "channel_ids": [99]}]), route_cfg([CASE])),
    "silence-milliseconds": (
        route_cfg(
            [CASE],
            rules=[
                *ALWAYS,
                silence(
                    10,
                    "s",
                    [[cond("labels.x", "IN", "y")]],
                    time_filter={"start_time": 1796608800000, "end_time": 1796612400000},
                ),
            ],
        ),
        route_cfg(
            [CASE],
            rules=[
                *ALWAYS,
                silence(
                    10,
                    "s",
                    [[cond("labels.x", "IN", "y")]],
                    time_filter={"start_time": 1796608800, "end_time": 1796612400},
                ),
            ],
        ),
    ),
    "silence-over": (
        route_cfg(
            [CASE],
            rules=[
                *ALWAYS,
                silence(
                    10,
                    "s",
                    [[cond("labels.x", "IN", "y")]],
                    time_filter={"start_time": 1700000000, "end_time": 1700003600},
                ),
            ],
        ),
        route_cfg(
            [CASE],
            rules=[
                *ALWAYS,
                silence(
                    10,
                    "s",
                    [[cond("labels.x", "IN", "y")]],
                    time_filter={"start_time": 1796608800, "end_time": 1796612400},
                ),
            ],
        ),
    ),
    "matches-everything": (
        route_cfg(
            [CASE],
            rules=[
                *ALWAYS,
                silence(
                    10,
                    "s",
                    [[cond("labels.x", "IN", "y")], [cond("severity", "IN", "Critical", "Warning", "Info")]],
                ),
            ],
        ),
        route_cfg(
            [CASE],
            rules=[
                *ALWAYS,
                silence(
                    10, "s", [[cond("labels.x", "IN", "y")], [cond("severity", "IN", "Critical", "Warning")]]
                ),
            ],
        ),
    ),
    "no-escalation": (route_cfg([CASE], rules=ALWAYS[1:]), route_cfg([CASE])),
    "uncovered-hours": (
        route_cfg(
            [CASE],
            rules=[
                *ALWAYS[1:],
                escalation(
                    10,
                    "office",
                    [layer(people=[1])],
                    time_filters=[{"start": "09:00", "end": "18:00", "repeat": [1, 2, 3, 4, 5]}],
                ),
            ],
        ),
        route_cfg(
            [CASE],
            rules=[
                *ALWAYS[1:],
                escalation(10, "day", [layer(people=[1])], time_filters=[{"start": "08:00", "end": "19:59"}]),
                escalation(
                    10, "night", [layer(people=[2])], time_filters=[{"start": "20:00", "end": "07:59"}]
                ),
            ],
        ),
    ),
    "unresolvable-layer": (
        route_cfg([CASE], rules=[*ALWAYS, escalation(10, "ghosts", [layer(people=[404], teams=[405])])]),
        route_cfg([CASE], rules=[*ALWAYS, escalation(10, "mixed", [layer(people=[404], teams=[7])])]),
    ),
}


def test_every_check_has_a_case() -> None:
    assert set(CASES) == set(CHECKS)


@pytest.mark.parametrize("check", list(CASES))
def test_check_triggers_and_does_not(check: str) -> None:
    bad, good = CASES[check]
    assert check in codes(bad)
    assert check not in codes(good)


def test_clean_configuration_has_no_findings() -> None:
    assert codes(route_cfg([CASE])) == []


def test_uncovered_hours_names_the_gap() -> None:
    bad, _ = CASES["uncovered-hours"]
    (finding,) = [f for f in lint_config(bad, NOW) if f.code == "uncovered-hours"]
    assert finding.where == "channel Checkout"
    assert "Sun 00:00-Mon 08:59" in finding.message and "Mon 18:01-Tue 08:59" in finding.message


def test_never_matches_forms() -> None:
    def problems(family: str, key: str, oper: str, *vals: str) -> list[str]:
        return [
            c for c, _ in condition_problems(family, FilterConditionItem(key=key, oper=oper, vals=list(vals)))
        ]

    assert problems("route", "severity", "IN", "critical") == ["never-matches"]
    assert problems("route", "severity", "IN", "/^Crit/") == []
    assert problems("route", "dedup_key", "IN", "x") == ["never-matches"]  # not a route key
    assert problems("escalation", "dedup_key", "IN", "x") == []
    assert problems("escalation", "alert_key", "IN", "x") == ["never-matches"]
    assert problems("silence", "labels.x", "EQ", "y") == ["never-matches"]
    assert problems("silence", "labels.ip", "IN", "cidr:10.0.0.0/33") == ["bad-value"]
    assert problems("silence", "labels.n", "IN", "num:gt:ten") == ["bad-value"]
    assert problems("silence", "labels.n", "IN", "num:gt:10", "cidr:10.0.0.0/8") == []
    # cidr: and num: are not supported on the active-alert side of inhibit rules.
    assert problems("inhibit_active", "labels.n", "IN", "num:gt:10") == ["never-matches"]
    assert problems("route", "labels.x", "IN") == ["never-matches"]


def test_formats() -> None:
    bad, _ = CASES["no-default"]
    findings = lint_config(bad, NOW)
    text = render_findings(findings, "text")
    assert (
        f"error: route {INTEGRATION}: alerts no case matches are dropped; add a default [no-default]" in text
    )
    assert text.endswith("1 errors, 0 warnings")
    data = json.loads(render_findings(findings, "json"))
    assert data == [
        {
            "code": "no-default",
            "level": "error",
            "where": f"route {INTEGRATION}",
            "message": findings[0].message,
        }
    ]
    sarif = json.loads(render_findings(findings, "sarif"))
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} == set(CHECKS)
    assert [(r["ruleId"], r["level"]) for r in run["results"]] == [("no-default", "error")]


def test_resource_warnings_per_kind() -> None:
    route = {
        "integration_id": INTEGRATION,
        "cases": [{"if": [cond("severity", "IN", "critical")], "channel_ids": [10]}],
    }
    assert [w.rsplit("[", 1)[1] for w in resource_warnings("routing rule", route)] == [
        "never-matches]",
        "no-default]",
    ]
    route["default"] = {"channel_ids": [20]}
    route["cases"][0]["if"][0]["vals"] = ["Critical"]
    assert resource_warnings("routing rule", route) == []
    sil = {
        "channel_id": 10,
        "rule_name": "s",
        "filters": [[cond("title", "IN", "*")]],
        "time_filter": {"start_time": 1796608800000, "end_time": 1796612400000},
    }
    got = resource_warnings("silence rule", sil, NOW)
    assert any("[silence-milliseconds]" in w for w in got) and any("[matches-everything]" in w for w in got)
    assert got[0].startswith("silence rule 's': ")
    esc = {
        "channel_id": 10,
        "rule_name": "e",
        "layers": [{"target": {"person_ids": [1]}}],
        "filters": [[cond("alert_key", "IN", "x")]],
    }
    assert [w.rsplit("[", 1)[1] for w in resource_warnings("escalation rule", esc)] == ["never-matches]"]
    # Shapes it cannot read (an unknown at preview) give no warning, never an exception.
    assert resource_warnings("routing rule", {"cases": "unknown"}) == []
    assert resource_warnings("drop rule", {}) == []
