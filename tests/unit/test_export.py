"""The exporter's parts: names, Python source, reading the account, and the generated program.

The program test is the unit-level round trip: the generated *text* is executed with stand-ins for
``fd`` and ``pulumi`` that record each resource's arguments, and those arguments are put through
the provider's own ``check`` and compared with what the provider reads back from the live rule.
Equal means the first ``pulumi up`` adopts without writing.
"""

from __future__ import annotations

import ast
import random
import re
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import BaseModel
from test_export_fakes import (
    BIG_CHANNEL,
    EMPTY_INTEGRATION,
    NO_EMAIL,
    OPS_A,
    OPS_B,
    PAYMENTS,
    SECRETS,
    SHARED_INTEGRATION,
    TEAM_TWIN_A,
    FakeApi,
    account,
)

from flashduty_pulumi.emulator import seed
from flashduty_pulumi.export import (
    Directory,
    ExportError,
    ExportResult,
    build_program,
    read_snapshot,
    resource_names,
    slug,
)
from flashduty_pulumi.export.fetch import resolve_channels
from flashduty_pulumi.export.names import Identifiers, NameRequest
from flashduty_pulumi.export.pysource import Call, Commented, Expr, py_str, render, render_call, resolve
from flashduty_pulumi.export.rule_arguments import Resource
from flashduty_pulumi.export.self_check import engine_numbers, resource_text
from flashduty_pulumi.models import (
    CreateEscalationRuleRequest,
    CreateSilenceRuleRequest,
    EscalateLayer,
    EscalateRuleItem,
    NotifyBy,
    RouteCase,
    RouteItem,
    SilenceRuleItem,
    UpsertRouteRequest,
)
from flashduty_pulumi.providers import EscalationRuleProvider, RoutingRuleProvider, SilenceRuleProvider
from flashduty_pulumi.version import package_version

pytestmark = pytest.mark.unit

ALL = [SHARED_INTEGRATION, EMPTY_INTEGRATION]


def export(fake: FakeApi, **selection: Any) -> ExportResult:
    client = fake.client()
    directory = Directory(client)
    selection.setdefault("integrations", ALL)
    selection.setdefault("all_channels", True)
    snapshot = read_snapshot(client, directory, **selection)
    return build_program(snapshot, directory)


# ------------------------------------------------------------------------------------------ names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Business hours", "business-hours"),
        ("  On-call (EU) / nights!! ", "on-call-eu-nights"),
        ("Café Ünïcode", "cafe-unicode"),
        ("值班", ""),
        ("P1: DB_down", "p1-db-down"),
        ("a" * 60, "a" * 48),
        ("word " * 20, "word-word-word-word-word-word-word-word-word-word"[:48].rsplit("-", 1)[0]),
    ],
)
def test_slug(text: str, expected: str) -> None:
    assert slug(text) == expected
    assert len(slug(text)) <= 48


def req(key: str, base: str, scope: str = "payments", kind: str = "escalation") -> NameRequest:
    return NameRequest(key=key, base=base, scope=scope, kind=kind, fallback=f"{kind}-{key[-4:]}")


def test_unique_names_are_the_rule_name() -> None:
    assert resource_names([req("a", "oncall"), req("b", "nightly", "checkout")]) == {
        "a": "oncall",
        "b": "nightly",
    }


def test_a_name_shared_across_channels_takes_the_channel() -> None:
    names = resource_names([req("a", "oncall"), req("b", "oncall", "checkout"), req("c", "other")])
    assert names == {"a": "payments-oncall", "b": "checkout-oncall", "c": "other"}


def test_a_name_shared_across_kinds_in_one_channel_takes_the_kind() -> None:
    names = resource_names([req("a", "hours"), req("b", "hours", kind="silence")])
    assert names == {"a": "payments-hours-escalation", "b": "payments-hours-silence"}


def test_same_name_same_kind_same_channel_numbers_in_key_order() -> None:
    names = resource_names([req("e:0002", "dup"), req("e:0001", "dup"), req("e:0003", "dup")])
    assert names == {
        "e:0001": "payments-dup-escalation",
        "e:0002": "payments-dup-escalation-2",
        "e:0003": "payments-dup-escalation-3",
    }


def test_an_empty_base_uses_the_fallback() -> None:
    assert resource_names([req("e:abcd", "")]) == {"e:abcd": "escalation-abcd"}


def test_names_do_not_depend_on_input_order_and_are_always_unique() -> None:
    rng = random.Random(7)
    for _ in range(200):
        reqs = [
            req(
                f"k{i:03d}",
                rng.choice(["a", "b", "payments-a", "a-escalation", ""]),
                rng.choice(["payments", "checkout", ""]),
                rng.choice(["escalation", "silence"]),
            )
            for i in range(rng.randint(1, 12))
        ]
        names = resource_names(reqs)
        assert len(set(names.values())) == len(reqs)
        shuffled = list(reqs)
        rng.shuffle(shuffled)
        assert resource_names(shuffled) == names


def test_identifiers_are_unique_valid_and_never_reserved() -> None:
    ids = Identifiers()
    made = [
        ids.new("channel", "Payments"),
        ids.new("channel", "payments"),
        ids.new("", "class"),
        ids.new("", "9 lives"),
        ids.new("", "config"),
        ids.new("team", "值班"),
    ]
    assert made == ["channel_payments", "channel_payments_2", "v_class", "v_9_lives", "config_2", "team"]
    assert all(m.isidentifier() for m in made)


# ---------------------------------------------------------------------------------- Python source

STRINGS = [
    "plain",
    "with \"double\" and 'single'",
    "back\\slash",
    "new\nline\ttab",
    "ünïcode 值班 ✓",
    "\x00\x1f\u2028",
    "",
    "{braces} %s",
]


@pytest.mark.parametrize("text", STRINGS)
def test_py_str_round_trips(text: str) -> None:
    literal = py_str(text)
    assert literal.startswith('"') and "\n" not in literal
    assert ast.literal_eval(literal) == text


def test_render_round_trips_nested_data() -> None:
    rng = random.Random(3)

    def value(depth: int) -> Any:
        pick = rng.randrange(8 if depth < 4 else 5)
        if pick == 0:
            return rng.choice(STRINGS)
        if pick == 1:
            return rng.randrange(-(2**60), 2**60)
        if pick == 2:
            return rng.choice([0.5, 10.0, 1e-7, -3.25])
        if pick == 3:
            return rng.choice([True, False, None])
        if pick == 4:
            return "x" * rng.randrange(0, 130)
        if pick in (5, 6):
            return [value(depth + 1) for _ in range(rng.randrange(0, 5))]
        return {rng.choice(STRINGS) + str(i): value(depth + 1) for i in range(rng.randrange(0, 5))}

    for _ in range(200):
        data = value(0)
        text = render(data)
        assert ast.literal_eval(text) == data
        for line in text.splitlines():
            assert len(line) <= 100 or '"' in line  # only a long string literal may overflow


def test_render_fits_one_line_or_wraps_with_trailing_commas() -> None:
    assert render({"a": [1, 2], "b": "x"}) == '{"a": [1, 2], "b": "x"}'
    wide = {"key": ["value-" + str(i) for i in range(20)]}
    text = render(wide)
    assert text.startswith('{\n    "key": [\n        "value-0",\n')
    assert text.endswith("    ],\n}")


def test_comments_force_lines_and_sit_after_or_above() -> None:
    tree = {"ids": [Expr("channel_payments", 1), Commented(5201314523131, 'channel "Ops": name not unique')]}
    text = render(tree)
    assert text == (
        "{\n"
        '    "ids": [\n'
        "        channel_payments,\n"
        '        5201314523131,  # channel "Ops": name not unique\n'
        "    ],\n"
        "}"
    )
    assert resolve(tree) == {"ids": [1, 5201314523131]}
    above = render({"long": Commented({"k": "v" * 120}, "note\nsplit")})
    assert '    # note split\n    "long": {\n' in above


def test_render_call_one_argument_per_line() -> None:
    call = Call(
        "fd.SilenceRule", ("name",), (("rule_name", "R"), ("time_filter", Commented({"a": 1}, "when")))
    )
    assert render_call(call) == (
        'fd.SilenceRule(\n    "name",\n    rule_name="R",\n    time_filter={"a": 1},  # when\n)'
    )


# ------------------------------------------------------------------------------ reading the account


def test_channels_by_name_or_id_in_a_fixed_order() -> None:
    fake = account()
    client = fake.client()
    directory = Directory(client)
    found = resolve_channels(directory, client, ["Checkout", str(PAYMENTS), "Checkout"])
    assert [c.channel_name for c in found] == ["Checkout", "Payments"]


@pytest.mark.parametrize(
    ("wanted", "message"),
    [
        ("Nope", "no channel named 'Nope' is visible to this app key"),
        ("payments", "did you mean 'Payments'?"),
        ("Ops", f"2 channels are named 'Ops' (IDs {OPS_A}, {OPS_B}); pass the channel ID instead"),
        ("999", "no channel with ID 999 is visible to this app key"),
    ],
)
def test_unknown_or_ambiguous_channels_are_clear_errors(wanted: str, message: str) -> None:
    fake = account()
    client = fake.client()
    with pytest.raises(ExportError, match=re.escape(message)) as caught:
        resolve_channels(Directory(client), client, [wanted])
    assert caught.value.exit_code == 4


def test_selection_defaults() -> None:
    fake = account()
    client = fake.client()
    every = read_snapshot(client, Directory(client))
    assert len(every.channels) == 5 and every.routes == []
    routes_only = read_snapshot(client, Directory(client), integrations=[SHARED_INTEGRATION])
    assert routes_only.channels == [] and [r.integration_id for r in routes_only.routes] == [
        SHARED_INTEGRATION
    ]
    both = read_snapshot(client, Directory(client), channels=["Payments"], all_channels=True)
    assert len(both.channels) == 5
    empty = read_snapshot(client, Directory(client), channels=["Payments"], integrations=[EMPTY_INTEGRATION])
    assert empty.routes[0].route is None


@pytest.mark.parametrize(
    ("integration", "message"),
    [
        (6022140899999, "integration 6022140899999 does not exist"),
        (seed.DEDICATED_INTEGRATION_ID, "has no routing rule to export"),
    ],
)
def test_unknown_or_dedicated_integrations_are_clear_errors(integration: int, message: str) -> None:
    client = account().client()
    with pytest.raises(ExportError, match=message) as caught:
        read_snapshot(client, Directory(client), integrations=[integration])
    assert caught.value.exit_code == 4


def test_reading_is_read_only() -> None:
    fake = account()
    export(fake)
    assert fake.calls and fake.writes() == []


# ----------------------------------------------------------------------------- the program


class Recorder:
    """Stand-ins for ``fd`` and ``pulumi`` while the generated program runs."""

    def __init__(self, fake: FakeApi, secrets: dict[str, Any]) -> None:
        self.fake = fake
        self.secrets = secrets
        self.resources: list[tuple[str, str, dict[str, Any]]] = []

    def lookup(self, path: str, field: str, id_field: str, body: dict[str, Any]) -> Callable[[str], Any]:
        def find(value: str) -> Any:
            items = self.fake.call(path, body)["items"]
            match = [i for i in items if str(i[field]).casefold() == value.casefold()]
            assert len(match) == 1, (path, value)
            return match[0][id_field]

        return find

    def module(self) -> Any:
        rec = self

        class Fd:
            lookup_channel = staticmethod(
                rec.lookup("/channel/list", "channel_name", "channel_id", {"limit": 100})
            )
            lookup_team = staticmethod(rec.lookup("/team/list", "team_name", "team_id", {"limit": 100}))
            lookup_member = staticmethod(rec.lookup("/member/list", "email", "member_id", {"limit": 100}))
            lookup_template = staticmethod(
                rec.lookup("/template/list", "template_name", "template_id", {"limit": 100})
            )

            @staticmethod
            def _record(kind: str) -> Callable[..., None]:
                def make(name: str, **kwargs: Any) -> None:
                    rec.resources.append((kind, name, kwargs))

                return make

        for kind in ("EscalationRule", "SilenceRule", "RoutingRule"):
            setattr(Fd, kind, Fd._record(kind))
        return Fd

    def pulumi(self) -> Any:
        rec = self

        class Config:
            def require_secret(self, key: str) -> Any:
                assert isinstance(rec.secrets[key], str)
                return rec.secrets[key]

            def require_secret_object(self, key: str) -> Any:
                return rec.secrets[key]

        class Pulumi:
            pass

        Pulumi.Config = Config  # type: ignore[attr-defined]
        return Pulumi


PROVIDERS = {
    "EscalationRule": EscalationRuleProvider(),
    "SilenceRule": SilenceRuleProvider(),
    "RoutingRule": RoutingRuleProvider(),
}


def run_program(fake: FakeApi, result: ExportResult) -> list[tuple[str, str, dict[str, Any]]]:
    text = result.files["__main__.py"]
    body = text.replace("import flashduty_pulumi as fd\n", "").replace("import pulumi\n", "")
    rec = Recorder(fake, {s.key: s.value for s in result.secrets})
    exec(compile(body, "__main__.py", "exec"), {"fd": rec.module(), "pulumi": rec.pulumi()})
    return rec.resources


def live(fake: FakeApi, kind: str, kwargs: dict[str, Any]) -> tuple[dict[str, Any], bool | None]:
    """What the provider reads back from the live rule the resource adopts."""
    provider = PROVIDERS[kind]
    if kind == "RoutingRule":
        item: Any = RouteItem.model_validate(
            fake.call("/route/info", {"integration_id": int(kwargs["integration_id"])})
        )
        return provider.live_inputs(item.as_inputs()), None
    rule_id = kwargs["adopt_rule_id"]
    if kind == "EscalationRule":
        rules = fake.store.collection("escalation_rules")
        item = EscalateRuleItem.model_validate(
            {k: v for k, v in rules[rule_id].items() if not k.startswith("_")}
        )
    else:
        rules = fake.store.collection("silence_rules")
        item = SilenceRuleItem.model_validate(
            {k: v for k, v in rules[rule_id].items() if not k.startswith("_")}
        )
    return provider.live_inputs(item.as_inputs()), item.status == "enabled"


def test_the_generated_program_adopts_every_rule_without_a_change() -> None:
    fake = account()
    result = export(fake)
    assert result.warnings == [f"integration {EMPTY_INTEGRATION} has no routing rule: nothing to export"]
    assert result.counts == {"escalation": 5, "silence": 3, "route": 1, "skipped": 0}
    resources = run_program(fake, result)
    assert len(resources) == 9
    for kind, name, kwargs in resources:
        provider = PROVIDERS[kind]
        checked = provider.check({}, engine_numbers(kwargs))
        assert not checked.failures, (name, [(f.property, f.reason) for f in checked.failures])
        api, own = provider.split(checked.inputs)
        live_api, enabled = live(fake, kind, kwargs)
        assert api == live_api, name
        if enabled is not None:
            assert own["enabled"] is enabled, name
            assert own["adopt_rule_id"] == kwargs["adopt_rule_id"]
        else:
            assert own["adopt"] is True


def test_the_program_is_readable() -> None:
    result = export(account())
    text = result.files["__main__.py"]
    # Look-ups once, at the top; literals with a reason where a name does not identify.
    assert 'channel_payments = fd.lookup_channel("Payments")\n' in text
    assert 'channel_big = str(fd.lookup_channel("Big"))  # IDs from 2**53 on travel as strings\n' in text
    assert 'member_dana = str(fd.lookup_member("dana@example.com"))' in text
    assert text.count('fd.lookup_channel("Payments")') == 1
    assert f'channel_id={OPS_A},  # channel "Ops": name not unique' in text
    assert f'{TEAM_TWIN_A},  # team "Twins": name not unique' in text
    assert f'{NO_EMAIL},  # member "No Mail": no email to look up' in text
    assert 'template_id="000000000000000000000001",  # the built-in preset template' in text
    assert "integration_id=6022140857131,  # integrations have no look-up" in text
    assert "# schedule ID -> role IDs (0: the default role); schedules have no look-up" in text
    # Names, defaults left out, comments for windows.
    for name in (
        "on-call",
        "payments-same-name-escalation",
        "payments-same-name-silence",
        "checkout-same-name",
        "preset",
        "nightly",
        "calendar",
        "route-6022140857131",
    ):
        assert f'\n    "{name}",\n' in text, name
    assert re.search(r'\n    "escalation-[0-9a-f]{8}",\n    rule_name="值班",', text)
    assert '{"start": "09:00", "end": "18:00", "repeat": [5, 1, 3]},  # Mon, Wed, Fri' in text
    assert '{"start": "00:00", "end": "06:00"},  # every day' in text
    assert "# 2031-02-27 23:06 UTC to 2031-02-28 03:06 UTC" in text
    assert '"notify_step": 0.5' in text and '"max_times": 0' in text
    assert 'max_times": 2' not in text and 'force_escalate": False' not in text
    assert text.count("enabled=False") == 2
    assert "    priority=0,\n" not in text  # the default (the server's 0) is left out...
    assert "    priority=1,\n" in text  # ...any other value is written
    # Valid Python, and no webhook secret in any file.
    ast.parse(text)
    for name, content in result.files.items():
        for secret in SECRETS:
            assert secret not in content, name


def test_webhook_secrets_go_to_config_by_default() -> None:
    result = export(account())
    text = result.files["__main__.py"]
    keys = {s.key: s for s in result.secrets}
    assert set(keys) == {"feishu_ops_token", "custom_on_call_l2_url", "custom_on_call_l2_headers"}
    assert keys["custom_on_call_l2_headers"].is_object
    assert keys["custom_on_call_l2_headers"].config_text == '{"Authorization": "Bearer header-secret-1a2b"}'
    assert 'feishu_ops_token = config.require_secret("feishu_ops_token")' in text
    assert 'custom_on_call_l2_headers = config.require_secret_object("custom_on_call_l2_headers")' in text
    assert '"settings": {"data_source_id": 7, "chat_ids": ["c1"]}' in text  # harmless settings stay
    readme = result.files["README.md"]
    assert "pulumi config set --secret feishu_ops_token\n" in readme
    assert '`token` of the feishu webhook "ops" in layer 2 of escalation rule "On-call"' in readme


def test_the_same_secret_used_twice_is_one_config_key() -> None:
    fake = account()
    layer = {
        "target": {
            "person_ids": [seed.BOB_ID],
            "webhooks": [{"type": "feishu", "settings": {"token": SECRETS[0], "alias": "ops"}}],
        }
    }
    fake.call(
        "/channel/escalate/rule/create",
        {
            "channel_id": PAYMENTS,
            "rule_name": "Again",
            "template_id": seed.CUSTOM_TEMPLATE_ID,
            "layers": [layer],
        },
    )
    result = export(fake)
    assert [s.key for s in result.secrets].count("feishu_ops_token") == 1
    (token,) = [s for s in result.secrets if s.key == "feishu_ops_token"]
    assert len(token.uses) == 2
    assert result.files["__main__.py"].count("feishu_ops_token") == 4  # definition (2) + two uses


def test_the_export_is_deterministic_whatever_the_api_order() -> None:
    fake = account()
    first = export(fake).files
    assert export(fake).files == first
    for seed_value in range(3):
        fake.shuffle = random.Random(seed_value)
        assert export(fake).files == first


def test_a_rule_the_checks_refuse_is_written_commented_out() -> None:
    fake = account()
    rule = next(iter(fake.store.collection("escalation_rules").values()))
    rule["layers"][0]["notify_step"] = 0.25  # below the API's documented minimum of 0.5
    result = export(fake)
    assert result.counts["skipped"] == 1
    text = result.files["__main__.py"]
    assert "# NOT EXPORTED: this package's checks refuse the live rule: layers[0].notify_step" in text
    assert '# fd.EscalationRule(\n#     "on-call",\n' in text
    assert any("was not exported" in w for w in result.warnings)
    assert len(run_program(fake, result)) == 8
    ast.parse(text)


def test_a_rule_that_would_change_is_flagged() -> None:
    fake = account()
    client = fake.client()
    directory = Directory(client)
    snapshot = read_snapshot(client, directory, channels=["Payments"])
    result = build_program(snapshot, directory)
    assert not any("would update" in w for w in result.warnings)
    provider = EscalationRuleProvider()
    res = Resource(
        section="s",
        call=Call(
            "fd.EscalationRule",
            ("x",),
            (
                ("rule_name", "x"),
                ("channel_id", PAYMENTS),
                ("template_id", seed.CUSTOM_TEMPLATE_ID),
                ("layers", [{"target": {"emails": ["a@b.co"], "by": {"critical": ["sms"]}}}]),
                ("adopt_rule_id", "0" * 24),
            ),
        ),
        provider=provider,
        live_api={"rule_name": "y"},
        live_enabled=False,
        title="rule x",
    )

    warnings: list[str] = []
    text, kept = resource_text(res, warnings)
    assert kept
    assert text.startswith("# WARNING: adopting this rule would update ")
    assert "enabled" in text.splitlines()[0] and "layers" in text.splitlines()[0]
    assert warnings == [
        f"rule x: the first `pulumi up` would update {text.splitlines()[0].split('update ')[1].split(';')[0]}"
    ]


def test_auto_delete_silence_rules_get_a_note() -> None:
    fake = account()
    rule = next(r for r in fake.store.collection("silence_rules").values() if r["rule_name"] == "Nightly")
    rule["is_auto_delete"] = True
    text = export(fake).files["__main__.py"]
    assert "# In Flashduty this rule deletes itself once its window has passed (is_auto_delete)" in text


def model_defaults(model: type[BaseModel]) -> dict[str, Any]:
    """The values a request model fills in for its optional fields (what ``check`` fills in)."""
    out = {k: f.get_default(call_default_factory=True) for k, f in model.model_fields.items()}
    return {k: v for k, v in out.items() if v is not None and not model.model_fields[k].is_required()}


def test_values_at_the_models_defaults_are_left_out() -> None:
    """The program writes a value only where it differs from the request models' defaults."""
    fake = FakeApi()
    target = {"person_ids": [seed.BOB_ID], "by": {**model_defaults(NotifyBy), "follow_preference": True}}
    fake.call(
        "/channel/escalate/rule/create",
        {
            **model_defaults(CreateEscalationRuleRequest),
            "channel_id": PAYMENTS,
            "rule_name": "Plain",
            "template_id": seed.CUSTOM_TEMPLATE_ID,
            "layers": [{**model_defaults(EscalateLayer), "target": target}],
        },
    )
    fake.call(
        "/channel/silence/rule/create",
        {
            **model_defaults(CreateSilenceRuleRequest),
            "channel_id": PAYMENTS,
            "rule_name": "Plain silence",
            "filters": [[{"key": "title", "oper": "IN", "vals": ["x"]}]],
            "time_filters": [{"start": "00:00", "end": "06:00"}],
        },
    )
    case = {**model_defaults(RouteCase), "if": [{"key": "title", "oper": "IN", "vals": ["x"]}]}
    fake.call(
        "/route/upsert",
        {
            **model_defaults(UpsertRouteRequest),
            "integration_id": SHARED_INTEGRATION,
            "cases": [{**case, "channel_ids": [PAYMENTS]}],
        },
    )
    result = export(fake, channels=["Payments"], integrations=[SHARED_INTEGRATION], all_channels=False)
    assert result.counts == {"escalation": 1, "silence": 1, "route": 1, "skipped": 0}
    assert not any("would update" in w for w in result.warnings)
    written = {kind: kwargs for kind, _, kwargs in run_program(fake, result)}
    esc = written["EscalationRule"]
    assert set(esc) == {"rule_name", "channel_id", "template_id", "layers", "adopt_rule_id"}
    assert esc["layers"] == [{"target": {"person_ids": [seed.BOB_ID], "by": {"follow_preference": True}}}]
    sil = written["SilenceRule"]
    assert set(sil) == {"rule_name", "channel_id", "filters", "time_filters", "adopt_rule_id"}
    route = written["RoutingRule"]
    assert set(route) == {"integration_id", "cases", "adopt"}
    assert route["cases"] == [{"if": case["if"], "channel_ids": [PAYMENTS]}]


def test_big_ids_are_strings_everywhere() -> None:
    result = export(account())
    text = result.files["__main__.py"]
    assert str(2**53 + 1) not in text.replace('str(fd.lookup_member("dana@example.com"))', "")
    fake = account()
    resources = run_program(fake, export(fake))
    route = next(kw for kind, _, kw in resources if kind == "RoutingRule")
    assert route["cases"][2]["channel_ids"] == [OPS_A, str(BIG_CHANNEL)]


def test_project_files() -> None:
    result = export(account())
    assert result.files["Pulumi.yaml"].startswith("name: flashduty-rules\n")
    assert "virtualenv: venv" in result.files["Pulumi.yaml"]
    # Pinned to the exporter's own version: a bare name would install whatever is uploaded under it.
    requirements = result.files["requirements.txt"]
    assert requirements.splitlines()[-1] == f"flashduty-pulumi=={package_version()}"
    readme = result.files["README.md"]
    assert "5 escalation rules, 3 silence rules and 1 routing rules" in readme
    assert "pulumi config set --secret flashduty:appKey" in readme
    assert f"integration {EMPTY_INTEGRATION} has no routing rule" in readme
