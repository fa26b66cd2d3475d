"""The simulator against tables of cases: one row per value form, operator, key rule, route
behaviour, silence behaviour, escalation choice, time window and timeline rule."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from test_simulate_fakes import (
    INTEGRATION,
    alert,
    at,
    cond,
    config,
    escalation,
    layer,
    silence,
)

from flashduty_pulumi.simulate import Alert, Simulator, match, values


# ----------------------------------------------------------------- value forms and operators
@pytest.fixture(params=["google-re2", "python re"])
def regex_engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Every matching case runs with RE2 itself (the simulate extra installs it) and with the
    fallback on Python's re, which must agree."""
    if request.param == "google-re2":
        assert values._RE2 is not None, "google-re2 is not installed: pip install -e '.[dev]'"
    else:
        monkeypatch.setattr(values, "_RE2", None)
    values.compile_value.cache_clear()
    match._predicate.cache_clear()
    yield request.param
    values.compile_value.cache_clear()
    match._predicate.cache_clear()


# (condition, alert, matches). The route sends matches to Checkout (10), the rest to Payments.
_A = Alert(
    severity="Critical",
    title="disk 91% on db-1",
    description="",
    integration_id=INTEGRATION,
    labels={"service": "checkout-api", "ip": "10.2.3.4", "latency_ms": "250", "env": "prod", "empty": ""},
    fields={"alert_key": "k-1"},
)
MATCHING: list[tuple[str, dict[str, Any], bool]] = [
    ("exact hit", cond("labels.env", "IN", "prod"), True),
    ("exact is case-sensitive", cond("labels.env", "IN", "Prod"), False),
    ("IN any of several", cond("labels.env", "IN", "staging", "prod"), True),
    ("IN none", cond("labels.env", "IN", "staging", "dev"), False),
    ("NOTIN none of", cond("labels.env", "NOTIN", "staging"), True),
    ("NOTIN one of", cond("labels.env", "NOTIN", "staging", "prod"), False),
    ("missing key: IN never", cond("labels.team", "IN", "*"), False),
    ("missing key: NOTIN always", cond("labels.team", "NOTIN", "payments"), True),
    ("star alone: key exists", cond("labels.empty", "IN", "*"), True),
    ("wildcard *", cond("labels.service", "IN", "checkout-*"), True),
    ("wildcard covers the whole value", cond("labels.service", "IN", "checkout"), False),
    ("wildcard ?", cond("labels.env", "IN", "pro?"), True),
    ("wildcard ? is one character", cond("labels.env", "IN", "pr?"), False),
    ("wildcard dot is literal", cond("labels.ip", "IN", "10*2*"), True),
    ("regex searched, unanchored", cond("title", "IN", "/disk [0-9]+%/"), True),
    ("regex anchored by the user", cond("title", "IN", "/^db-1/"), False),
    ("regex RE2 \\z end of text", cond("title", "IN", "/db-1\\z/"), True),
    ("regex with lookahead is refused (never matches)", cond("title", "IN", "/disk(?= 91)/"), False),
    ("regex that does not compile never matches", cond("title", "IN", "/disk[/"), False),
    ("NOTIN with a bad regex keeps the alert", cond("title", "NOTIN", "/disk[/"), True),
    ("cidr inside", cond("labels.ip", "IN", "cidr:10.0.0.0/8"), True),
    ("cidr outside", cond("labels.ip", "IN", "cidr:192.168.0.0/16"), False),
    ("cidr on a non-IP value", cond("labels.env", "IN", "cidr:10.0.0.0/8"), False),
    ("num:gt true", cond("labels.latency_ms", "IN", "num:gt:200"), True),
    ("num:gt equal is false", cond("labels.latency_ms", "IN", "num:gt:250"), False),
    ("num:ge equal is true", cond("labels.latency_ms", "IN", "num:ge:250"), True),
    ("num:lt", cond("labels.latency_ms", "IN", "num:lt:100"), False),
    ("num:le", cond("labels.latency_ms", "IN", "num:le:250.0"), True),
    ("num on a non-number", cond("labels.env", "IN", "num:gt:1"), False),
    ("severity exact", cond("severity", "IN", "Critical"), True),
    ("severity lowercase never matches", cond("severity", "IN", "critical"), False),
    ("legacy alert_severity alias", cond("alert_severity", "IN", "Critical"), True),
    ("data_source_id is the integration", cond("data_source_id", "IN", str(INTEGRATION)), True),
    ("alert_key is a route key", cond("alert_key", "IN", "k-1"), True),
    ("dedup_key is not a route key: IN", cond("dedup_key", "IN", "*"), False),
    ("unknown key never matches, even NOTIN", cond("priority", "NOTIN", "P1"), False),
    ("bare label name is not a key", cond("service", "NOTIN", "x"), False),
    ("operator other than IN/NOTIN never matches", cond("labels.env", "EQ", "prod"), False),
]


@pytest.mark.parametrize(
    ("condition", "matches"), [(c, m) for _, c, m in MATCHING], ids=[n for n, _, _ in MATCHING]
)
def test_value_forms_and_operators(condition: dict[str, Any], matches: bool, regex_engine: str) -> None:
    cfg = config([{"if": [condition], "channel_ids": [10]}], default=[20])
    trace = Simulator(cfg).route(_A, at())
    assert trace.channels == (["Checkout"] if matches else ["Payments"])
    assert trace.route.cases[0].matched is matches
    if not matches:
        assert trace.route.default_used
        assert trace.route.cases[0].reason  # says why


# ------------------------------------------------------------------------------------ route
ROUTING: list[tuple[str, list[dict[str, Any]], list[int] | None, dict[str, str], list[str]]] = [
    (
        "first match wins without fallthrough",
        [
            {"if": [cond("labels.service", "IN", "checkout*")], "channel_ids": [20]},
            {"if": [cond("labels.service", "IN", "checkout")], "channel_ids": [10]},
        ],
        [30],
        {"service": "checkout"},
        ["Payments"],
    ),
    (
        "fallthrough continues to the next case",
        [
            {"if": [cond("labels.service", "IN", "checkout*")], "channel_ids": [20], "fallthrough": True},
            {"if": [cond("labels.service", "IN", "checkout")], "channel_ids": [10]},
        ],
        [30],
        {"service": "checkout"},
        ["Payments", "Checkout"],
    ),
    (
        "a channel reached twice is listed once",
        [
            {"if": [], "channel_ids": [10], "fallthrough": True},
            {"if": [], "channel_ids": [10, 20]},
        ],
        None,
        {},
        ["Checkout", "Payments"],
    ),
    (
        "AND: every condition must hold",
        [
            {
                "if": [cond("labels.service", "IN", "checkout"), cond("severity", "IN", "Warning")],
                "channel_ids": [10],
            }
        ],
        [30],
        {"service": "checkout"},
        ["Platform"],
    ),
    (
        "an empty if matches every alert",
        [{"if": [], "channel_ids": [10]}],
        [30],
        {},
        ["Checkout"],
    ),
    (
        "no case matches: default",
        [{"if": [cond("labels.x", "IN", "y")], "channel_ids": [10]}],
        [30],
        {},
        ["Platform"],
    ),
    (
        "no case matches and no default: dropped",
        [{"if": [cond("labels.x", "IN", "y")], "channel_ids": [10]}],
        None,
        {},
        [],
    ),
    (
        "name_mapping sends to the channel the label names",
        [{"if": [], "routing_mode": "name_mapping", "name_mapping_label": "labels.team"}],
        [30],
        {"team": "Checkout"},
        ["Checkout"],
    ),
    (
        "name_mapping to an unknown name falls to the default",
        [{"if": [], "routing_mode": "name_mapping", "name_mapping_label": "labels.team"}],
        [30],
        {"team": "checkout"},
        ["Platform"],
    ),
    (
        "name_mapping without the label falls to the default",
        [{"if": [], "routing_mode": "name_mapping", "name_mapping_label": "labels.team"}],
        [30],
        {},
        ["Platform"],
    ),
    (
        "a matched case with a channel keeps the default away, even before a failed name_mapping",
        [
            {"if": [], "channel_ids": [20], "fallthrough": True},
            {"if": [], "routing_mode": "name_mapping", "name_mapping_label": "labels.team"},
        ],
        [30],
        {"team": "nobody"},
        ["Payments"],
    ),
    (
        "a case after a non-fallthrough match is never tried",
        [
            {"if": [], "channel_ids": [20]},
            {"if": [], "channel_ids": [10]},
        ],
        [30],
        {},
        ["Payments"],
    ),
]


@pytest.mark.parametrize(
    ("cases", "default", "labels", "expected"),
    [(c, d, labels, e) for _, c, d, labels, e in ROUTING],
    ids=[r[0] for r in ROUTING],
)
def test_routing(
    cases: list[dict[str, Any]], default: list[int] | None, labels: dict[str, str], expected: list[str]
) -> None:
    trace = Simulator(config(cases, default)).route(Alert(integration_id=INTEGRATION, labels=labels), at())
    assert trace.channels == expected
    assert trace.dropped is (not expected)


def test_route_trace_lists_cases_tried_in_order() -> None:
    cfg = config(
        [
            {"if": [cond("labels.service", "IN", "a")], "channel_ids": [10]},
            {"if": [], "channel_ids": [20], "fallthrough": True},
            {"if": [cond("labels.service", "IN", "b")], "channel_ids": [30]},
        ],
        default=[10],
    )
    trace = Simulator(cfg).route(Alert(integration_id=INTEGRATION, labels={"service": "b"}), at())
    assert [(c.index, c.matched) for c in trace.route.cases] == [(0, False), (1, True), (2, True)]
    assert [o.via for o in trace.outcomes] == ["case 2", "case 3"]


def test_alert_without_integration_uses_the_only_route_and_unknown_integration_has_none() -> None:
    cfg = config([{"if": [], "channel_ids": [10]}])
    assert Simulator(cfg).route(Alert(), at()).channels == ["Checkout"]
    trace = Simulator(cfg).route(Alert(integration_id=1), at())
    assert not trace.route.found and trace.channels == [] and "no routing rule" in str(trace)


# ---------------------------------------------------------------------------------- silence
NOW = at("2026-12-07T10:00:00+08:00")  # Monday
SILENCE: list[tuple[str, dict[str, Any], bool, str | None]] = [
    (
        "one-off window in force",
        {"time_filter": {"start_time": int(NOW.timestamp()) - 60, "end_time": int(NOW.timestamp()) + 60}},
        True,
        "silenced",
    ),
    (
        "one-off window over",
        {"time_filter": {"start_time": int(NOW.timestamp()) - 120, "end_time": int(NOW.timestamp()) - 60}},
        False,
        None,
    ),
    (
        "one-off window end is exclusive",
        {"time_filter": {"start_time": 1, "end_time": int(NOW.timestamp())}},
        False,
        None,
    ),
    (
        "one-off given in milliseconds has not started",
        {
            "time_filter": {
                "start_time": int(NOW.timestamp()) * 1000,
                "end_time": int(NOW.timestamp()) * 1000 + 6e6,
            }
        },
        False,
        None,
    ),
    (
        "recurring window in force",
        {"time_filters": [{"start": "09:00", "end": "11:00", "repeat": [1]}]},
        True,
        "silenced",
    ),
    (
        "recurring window other day",
        {"time_filters": [{"start": "09:00", "end": "11:00", "repeat": [2]}]},
        False,
        None,
    ),
    ("directly discard", {"time_filters": [], "is_directly_discard": True}, True, "discarded"),
    ("disabled rule is skipped", {"time_filters": [], "status": "disabled"}, False, None),
]


@pytest.mark.parametrize(
    ("extra", "silenced", "detail"), [(e, s, d) for _, e, s, d in SILENCE], ids=[r[0] for r in SILENCE]
)
def test_silence(extra: dict[str, Any], silenced: bool, detail: str | None) -> None:
    rules = [
        silence(10, "quiet", [[cond("labels.service", "IN", "checkout")]], **extra),
        escalation(10, "all", [layer(people=[1])]),
    ]
    trace = Simulator(config([{"if": [], "channel_ids": [10]}], rules=rules)).route(
        alert(service="checkout"), NOW
    )
    assert trace.silenced is silenced
    o = trace.outcome("Checkout")
    if silenced:
        assert (
            o.silenced_by is not None
            and o.silenced_by.rule_name == "quiet"
            and o.silenced_by.detail == detail
        )
        assert o.escalation is None and trace.first_notified() == []
        with pytest.raises(KeyError, match="silenced"):
            trace.escalation["Checkout"]
    else:
        assert trace.first_notified() == ["alice@example.com"]


def test_silence_filters_or_of_and_and_priority() -> None:
    rules = [
        silence(
            10,
            "late",
            [
                [cond("labels.env", "IN", "prod"), cond("labels.service", "IN", "x")],
                [cond("severity", "IN", "Info")],
            ],
            priority=5,
        ),
        silence(10, "early", [[cond("labels.env", "IN", "prod")]], priority=1),
    ]
    sim = Simulator(config([{"if": [], "channel_ids": [10]}], rules=rules))
    assert sim.route(alert(env="prod"), NOW).outcome(10).silenced_by.rule_name == "early"  # type: ignore[union-attr]
    assert sim.route(alert("Info"), NOW).outcome(10).silenced_by.rule_name == "late"  # type: ignore[union-attr]
    assert sim.route(alert("Warning", env="dev"), NOW).silenced is False


# ------------------------------------------------------------------------------- escalation
def _escalate(rules: list[Any], when: str, a: Alert | None = None, tz: str | None = None) -> Any:
    cfg = config([{"if": [], "channel_ids": [10]}], rules=rules, timezone_=tz)
    return Simulator(cfg).route(a or alert(), at(when)).escalation["Checkout"]


HOURS = [layer(people=[1])]
ESCALATION: list[tuple[str, list[dict[str, Any]], str, str | None]] = [
    # (name, rules as (name, priority, time_filters, filters), when, chosen)
    ("lower priority first", [{"n": "b", "p": 2}, {"n": "a", "p": 1}], "2026-12-07T10:00:00+08:00", "a"),
    (
        "equal priority: older rule first",
        [{"n": "new", "p": 1, "c": 200}, {"n": "old", "p": 1, "c": 100}],
        "2026-12-07T10:00:00+08:00",
        "old",
    ),
    (
        "out of window skipped",
        [
            {"n": "office", "p": 1, "t": [{"start": "09:00", "end": "18:00", "repeat": [1, 2, 3, 4, 5]}]},
            {"n": "any", "p": 2},
        ],
        "2026-12-07T20:00:00+08:00",
        "any",
    ),
    (
        "in window",
        [
            {"n": "office", "p": 1, "t": [{"start": "09:00", "end": "18:00", "repeat": [1, 2, 3, 4, 5]}]},
            {"n": "any", "p": 2},
        ],
        "2026-12-07T09:00:00+08:00",
        "office",
    ),
    (
        "end minute inclusive",
        [{"n": "office", "p": 1, "t": [{"start": "09:00", "end": "18:00"}]}],
        "2026-12-07T18:00:59+08:00",
        "office",
    ),
    (
        "after end minute",
        [{"n": "office", "p": 1, "t": [{"start": "09:00", "end": "18:00"}]}],
        "2026-12-07T18:01:00+08:00",
        None,
    ),
    (
        "weekend day not in repeat",
        [{"n": "office", "p": 1, "t": [{"start": "00:00", "end": "23:59", "repeat": [1, 2, 3, 4, 5]}]}],
        "2026-12-06T12:00:00+08:00",
        None,
    ),
    (
        "midnight crossing, evening part",
        [{"n": "night", "p": 1, "t": [{"start": "22:00", "end": "06:00", "repeat": [0]}]}],
        "2026-12-06T23:00:00+08:00",
        "night",
    ),
    (
        "midnight crossing, morning part belongs to the day before",
        [{"n": "night", "p": 1, "t": [{"start": "22:00", "end": "06:00", "repeat": [0]}]}],
        "2026-12-07T03:00:00+08:00",
        "night",
    ),
    (
        "midnight crossing, morning of the named day is not covered",
        [{"n": "night", "p": 1, "t": [{"start": "22:00", "end": "06:00", "repeat": [0]}]}],
        "2026-12-06T03:00:00+08:00",
        None,
    ),
    (
        "filters choose",
        [{"n": "db", "p": 1, "f": [[cond("labels.service", "IN", "db")]]}, {"n": "rest", "p": 2}],
        "2026-12-07T10:00:00+08:00",
        "rest",
    ),
    (
        "dedup_key is an escalation key (missing: NOTIN holds)",
        [{"n": "k", "p": 1, "f": [[cond("dedup_key", "NOTIN", "x")]]}],
        "2026-12-07T10:00:00+08:00",
        "k",
    ),
    (
        "alert_key is not an escalation key",
        [{"n": "k", "p": 1, "f": [[cond("alert_key", "NOTIN", "x")]]}],
        "2026-12-07T10:00:00+08:00",
        None,
    ),
    (
        "disabled rule skipped",
        [{"n": "off", "p": 1, "s": "disabled"}, {"n": "on", "p": 2}],
        "2026-12-07T10:00:00+08:00",
        "on",
    ),
    ("no rules: nobody", [], "2026-12-07T10:00:00+08:00", None),
]


@pytest.mark.parametrize(
    ("specs", "when", "chosen"), [(s, w, c) for _, s, w, c in ESCALATION], ids=[r[0] for r in ESCALATION]
)
def test_escalation_choice(specs: list[dict[str, Any]], when: str, chosen: str | None) -> None:
    rules = [
        escalation(
            10,
            s["n"],
            HOURS,
            priority=s["p"],
            created_at=s.get("c", 0),
            time_filters=s.get("t", []),
            filters=s.get("f", []),
            status=s.get("s", "enabled"),
        )
        for s in specs
    ]
    esc = _escalate(rules, when)
    assert esc.rule_name == chosen
    assert (esc.timeline != ()) is (chosen is not None)


def test_time_zone_of_the_configuration_wins_over_the_alerts() -> None:
    rules = [escalation(10, "office", HOURS, time_filters=[{"start": "09:00", "end": "18:00"}])]
    # 02:00 UTC is 10:00 in Shanghai.
    assert _escalate(rules, "2026-12-07T02:00:00+00:00").rule_name is None
    assert _escalate(rules, "2026-12-07T02:00:00+00:00", tz="Asia/Shanghai").rule_name == "office"


def test_calendar_windows() -> None:
    from flashduty_pulumi.simulate import Calendar

    rules = [
        escalation(
            10,
            "holiday",
            HOURS,
            priority=1,
            time_filters=[{"start": "00:00", "end": "23:59", "cal_id": "cn", "is_off": True}],
        ),
        escalation(
            10,
            "workday",
            HOURS,
            priority=2,
            time_filters=[{"start": "00:00", "end": "23:59", "cal_id": "cn"}],
        ),
    ]
    cfg = config([{"if": [], "channel_ids": [10]}], rules=rules)
    cfg.calendars["cn"] = Calendar(
        "cn", workdays=(1, 2, 3, 4, 5), off_dates=("2026-10-01",), work_dates=("2026-10-10",)
    )
    sim = Simulator(cfg)
    pick = lambda when: sim.route(alert(), at(when)).escalation["Checkout"].rule_name  # noqa: E731
    assert pick("2026-10-01T12:00:00+08:00") == "holiday"  # a Thursday, but a holiday
    assert pick("2026-10-02T12:00:00+08:00") == "workday"
    assert pick("2026-10-10T12:00:00+08:00") == "workday"  # a Saturday made a workday
    assert pick("2026-10-11T12:00:00+08:00") == "holiday"
    cfg.calendars.clear()  # an unknown calendar matches nothing
    assert sim.route(alert(), at("2026-10-02T12:00:00+08:00")).escalation["Checkout"].rule_name is None


# --------------------------------------------------------------------------------- timeline
def test_timeline_repeats_within_each_layer_and_escalates() -> None:
    rule = escalation(
        10,
        "two layers",
        [
            layer(people=[1], max_times=2, notify_step=10, escalate_window=25),
            layer(teams=[7], schedules=[9], max_times=1, notify_step=5, escalate_window=30),
        ],
        aggr_window=120,
    )
    esc = _escalate([rule], "2026-12-07T10:00:00+08:00")
    got = [(n.minute, n.layer, n.attempt, tuple(n.people())) for n in esc.timeline]
    assert got == [
        (2.0, 1, 1, ("alice@example.com",)),
        (12.0, 1, 2, ("alice@example.com",)),
        (22.0, 1, 3, ("alice@example.com",)),
        (27.0, 2, 1, ("bob@example.com", "carol@example.com", "Primary on-call")),
        (32.0, 2, 2, ("bob@example.com", "carol@example.com", "Primary on-call")),
    ]
    assert esc.timeline[0].via == ("voice",)


def test_timeline_repeat_at_the_window_is_not_sent_and_severity_picks_the_channels() -> None:
    rule = escalation(
        10,
        "r",
        [
            layer(people=[1], max_times=3, notify_step=10, escalate_window=20),
            layer(emails=["ops@example.com"]),
        ],
    )
    esc = _escalate([rule], "2026-12-07T10:00:00+08:00", a=alert("Warning"))
    assert [(n.minute, n.layer) for n in esc.timeline][:3] == [(0.0, 1), (10.0, 1), (20.0, 2)]
    assert esc.timeline[0].via == ("sms",)
    assert esc.timeline[2].via == ("sms", "email")


def test_unresolved_recipients_are_marked() -> None:
    rule = escalation(10, "r", [layer(people=[404], teams=[405])])
    esc = _escalate([rule], "2026-12-07T10:00:00+08:00")
    assert [(r.kind, r.label, r.resolved) for r in esc.timeline[0].recipients] == [
        ("member", "404", False),
        ("team", "405", False),
    ]


def test_readable_trace() -> None:
    rules = [
        escalation(10, "office", HOURS, priority=1, time_filters=[{"start": "09:00", "end": "18:00"}]),
        escalation(10, "any", [layer(people=[2])], priority=2),
    ]
    cfg = config(
        [{"if": [cond("labels.service", "IN", "pay")], "channel_ids": [20]}, {"if": [], "channel_ids": [10]}],
        rules=rules,
    )
    text = str(Simulator(cfg).route(alert(service="checkout"), at("2026-12-07T20:00:00+08:00")))
    assert "case 1: no    labels.service IN ['pay']: labels.service is 'checkout'" in text
    assert "case 2: match" in text
    assert "channel Checkout (10) via case 2: escalation rule 'any'" in text
    assert "skipped 'office': outside its time windows at Mon 20:00" in text
    assert "T+0m layer 1 #1: bob@example.com by voice" in text
