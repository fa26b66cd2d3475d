"""Simulate 10,000 alerts against a configuration of 500 rules (a figure, not a timed test).

The configuration: one routing rule with 100 cases (exact, wildcard, /regex/, num: and cidr:
conditions, a fifth with fallthrough) over 50 channels, and per channel 6 escalation rules (time
windows and filters) and 2 silence rules: 100 + 300 + 100 = 500 rules. 10,000 alerts with random
labels and times (fixed seed). Run with the regex engine the install has (google-re2 when the
simulate extra is installed) and with Python's re, side by side; then lint over the same config.

    .venv/bin/python benchmarks/simulate.py
"""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta, timezone
from typing import Any

from flashduty_pulumi.models import ChannelItem, EscalateRuleItem, MemberItem, RouteItem, SilenceRuleItem
from flashduty_pulumi.simulate import Alert, Config, Simulator, match, values
from flashduty_pulumi.simulate.lint import lint_config

INTEGRATION = 6022140857131
CHANNELS = 50
SERVICES = [f"svc-{i}" for i in range(100)]


def cond(key: str, oper: str, *vals: str) -> dict[str, Any]:
    return {"key": key, "oper": oper, "vals": list(vals)}


def build_config(rng: random.Random) -> Config:
    cases = []
    for i in range(100):
        kind = i % 5
        if kind == 0:
            c = [cond("labels.service", "IN", SERVICES[i]), cond("severity", "IN", "Critical", "Warning")]
        elif kind == 1:
            c = [cond("labels.service", "IN", f"svc-{i // 10}*"), cond("labels.env", "NOTIN", "dev")]
        elif kind == 2:
            c = [cond("title", "IN", f"/(timeout|5xx) on svc-{i}$/")]
        elif kind == 3:
            c = [
                cond("labels.latency_ms", "IN", f"num:gt:{100 * (i % 10)}"),
                cond("labels.service", "IN", SERVICES[i]),
            ]
        else:
            c = [cond("labels.ip", "IN", f"cidr:10.{i}.0.0/16")]
        cases.append({"if": c, "channel_ids": [1000 + i % CHANNELS], "fallthrough": kind == 4})
    route = RouteItem.model_validate(
        {"integration_id": INTEGRATION, "cases": cases, "default": {"channel_ids": [1000]}}
    )
    esc, sil = [], []
    n = 0
    for ch in range(1000, 1000 + CHANNELS):
        for p in range(6):
            n += 1
            esc.append(
                EscalateRuleItem.model_validate(
                    {
                        "rule_id": f"{n:024x}",
                        "channel_id": ch,
                        "rule_name": f"rule {p}",
                        "priority": p,
                        "status": "enabled",
                        "time_filters": []
                        if p == 5
                        else [
                            {
                                "start": f"{(p * 4) % 24:02d}:00",
                                "end": f"{(p * 4 + 3) % 24:02d}:59",
                                "repeat": [1, 2, 3, 4, 5],
                            }
                        ],
                        "filters": []
                        if p >= 4
                        else [[cond("severity", "IN", "Critical")], [cond("labels.team", "IN", f"t{p}")]],
                        "layers": [
                            {
                                "target": {
                                    "person_ids": [1],
                                    "by": {"critical": ["voice"], "warning": ["sms"], "info": ["email"]},
                                }
                            },
                            {"target": {"person_ids": [2], "by": {"follow_preference": True}}},
                        ],
                    }
                )
            )
        for s in range(2):
            n += 1
            sil.append(
                SilenceRuleItem.model_validate(
                    {
                        "rule_id": f"{n:024x}",
                        "channel_id": ch,
                        "rule_name": f"quiet {s}",
                        "status": "enabled",
                        "filters": [
                            [cond("labels.env", "IN", "loadtest")],
                            [cond("title", "IN", "*maintenance*")],
                        ],
                        "time_filters": [{"start": "01:00", "end": "03:00"}] if s else [],
                        "is_directly_discard": bool(s),
                    }
                )
            )
    return Config(
        routes={INTEGRATION: route},
        channels={
            c: ChannelItem(channel_id=c, channel_name=f"channel {c}") for c in range(1000, 1000 + CHANNELS)
        },
        escalation_rules=esc,
        silence_rules=sil,
        members={
            1: MemberItem(member_id=1, email="a@example.com"),
            2: MemberItem(member_id=2, email="b@example.com"),
        },
        timezone="Asia/Shanghai",
    )


def alerts(rng: random.Random, n: int) -> list[tuple[Alert, datetime]]:
    start = datetime(2026, 12, 7, tzinfo=timezone.utc)
    out = []
    for _ in range(n):
        svc = rng.choice(SERVICES)
        labels = {
            "service": svc,
            "env": rng.choice(["prod", "dev", "loadtest", "staging"]),
            "latency_ms": str(rng.randint(0, 2000)),
            "ip": f"10.{rng.randint(0, 120)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
        }
        if rng.random() < 0.3:
            labels["team"] = f"t{rng.randint(0, 5)}"
        title = rng.choice([f"timeout on {svc}", f"5xx on {svc}", "disk full", "maintenance window"])
        a = Alert(
            severity=rng.choice(["Critical", "Warning", "Info"]),
            title=title,
            integration_id=INTEGRATION,
            labels=labels,
        )
        out.append((a, start + timedelta(minutes=rng.randint(0, 7 * 24 * 60))))
    return out


def run(config: Config, batch: list[tuple[Alert, datetime]]) -> tuple[float, int]:
    """CPU seconds (this process only: the machine is shared, wall time is noise), channels notified."""
    values.compile_value.cache_clear()
    match._predicate.cache_clear()
    started = time.process_time()
    sim = Simulator(config)
    notified = sum(1 for a, at in batch for o in sim.route(a, at).outcomes if o.notified)
    return time.process_time() - started, notified


def figure(name: str, seconds: float, n: int) -> str:
    return (
        f"  {name:<11} {seconds:6.2f} s CPU ({seconds / n * 1e6:5.0f} us/alert, {n / seconds:7,.0f} alerts/s)"
    )


def main() -> None:
    rng = random.Random(15)
    config = build_config(rng)
    rules = (
        sum(len(r.cases) for r in config.routes.values())
        + len(config.escalation_rules)
        + len(config.silence_rules)
    )
    batch = alerts(rng, 10_000)
    engine = "google-re2" if values._RE2 is not None else "python re"
    t_default, notified = run(config, batch)
    saved, values._RE2 = values._RE2, None
    try:
        t_python, notified_py = run(config, batch)
    finally:
        values._RE2 = saved
    assert notified == notified_py, "both regex engines must give the same answers here"
    n_esc, n_sil = len(config.escalation_rules), len(config.silence_rules)
    print(f"config: {rules} rules ({n_esc} escalation, {n_sil} silence, {rules - n_esc - n_sil} route cases)")
    print(f"{len(batch):,} alerts:")
    print(figure(engine, t_default, len(batch)))
    if engine != "python re":
        print(figure("python re", t_python, len(batch)) + f"  ratio re2/re {t_default / t_python:.2f}")
    print(f"  channels notified: {notified:,}")
    started = time.process_time()
    findings = lint_config(config, datetime(2026, 12, 7, tzinfo=timezone.utc))
    print(f"lint over the same config: {time.process_time() - started:.2f} s CPU, {len(findings)} findings")


if __name__ == "__main__":
    main()
