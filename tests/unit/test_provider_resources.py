"""The resource classes under Pulumi's mocks: type tokens, props, secrets, the pickled provider."""

from __future__ import annotations

import base64
from typing import Any

import dill
import pulumi
import pytest
from google.protobuf.json_format import MessageToDict
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.rpc import unwrap_rpc_secret

import flashduty_pulumi as fd
from flashduty_pulumi.providers import EscalationRuleProvider

pytestmark = pytest.mark.unit

CH = 5201314520131
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"


class Recorder(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.resources: dict[str, Any] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.resources[args.name] = args
        return f"{args.name}-id", args.inputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


class RecordingMonitor(MockMonitor):
    requests: list[Any]

    def RegisterResource(self, request: Any) -> Any:
        if request.type != "pulumi:pulumi:Stack":
            self.requests.append(request)
        return super().RegisterResource(request)


@pytest.fixture
def mocks() -> tuple[Recorder, RecordingMonitor]:
    recorder = Recorder()
    monitor = RecordingMonitor(recorder)
    monitor.requests = []
    pulumi.runtime.set_mocks(recorder, preview=False, monitor=monitor)
    return recorder, monitor


LAYER = {"target": {"person_ids": [1], "by": {"follow_preference": True}}}
WEBHOOK_LAYER = {
    "target": {"team_ids": [2], "webhooks": [{"type": "feishu", "settings": {"token": "t0k3n"}}]}
}


@pulumi.runtime.test
def test_type_tokens_props_and_outputs(mocks: tuple[Recorder, RecordingMonitor]) -> Any:
    recorder, monitor = mocks
    route = fd.RoutingRule("r", integration_id=6022140857131, default={"channel_ids": [CH]})
    esc = fd.EscalationRule(
        "e", channel_id=CH, rule_name="x", template_id="000000000000000000000001", layers=[LAYER]
    )
    sil = fd.SilenceRule(
        "s",
        channel_id=CH,
        rule_name="q",
        filters=[[{"key": "k", "oper": "IN", "vals": ["v"]}]],
        time_filters=[{"start": "01:00", "end": "02:00"}],
    )
    return registered(route, esc, sil).apply(
        lambda _: check_registrations(recorder, monitor, route, esc, sil)
    )


def registered(*resources: pulumi.CustomResource) -> pulumi.Output[Any]:
    """Resolves once every resource went through RegisterResource."""
    return pulumi.Output.all(*[r.id for r in resources])


def check_registrations(
    recorder: Recorder, monitor: RecordingMonitor, route: Any, esc: Any, sil: Any
) -> None:
    types = {r.name: r.type for r in monitor.requests}
    assert types == {
        "r": "pulumi-python:dynamic/flashduty:RoutingRule",
        "e": "pulumi-python:dynamic/flashduty:EscalationRule",
        "s": "pulumi-python:dynamic/flashduty:SilenceRule",
    }
    e_inputs = recorder.resources["e"].inputs
    assert e_inputs["enabled"] is True and "rule_id" not in e_inputs  # computed: None, not sent
    assert recorder.resources["r"].inputs["delete_behavior"] == "retain"
    assert recorder.resources["r"].inputs["adopt"] is False
    # the serialized provider: a short plain string (no secret wrapping), loading to the right class
    provider = e_inputs["__provider"]
    assert isinstance(provider, str) and len(provider) < 200
    assert isinstance(dill.loads(base64.b64decode(provider)), EscalationRuleProvider)
    # every output, computed ones included, exists as an attribute
    for res, names in (
        (esc, ["rule_id", "status", "created_at", "updated_at", "layers", "enabled"]),
        (sil, ["rule_id", "status", "time_filter", "is_directly_discard"]),
        (route, ["version", "status", "created_at", "updated_at", "default"]),
    ):
        for name in names:
            assert isinstance(getattr(res, name), pulumi.Output), name


@pulumi.runtime.test
def test_layers_are_secret_outputs_and_secret_inputs_with_webhooks(
    mocks: tuple[Recorder, RecordingMonitor],
) -> Any:
    recorder, monitor = mocks
    made = [
        fd.EscalationRule(
            "plain", channel_id=CH, rule_name="x", template_id="000000000000000000000001", layers=[LAYER]
        ),
        fd.EscalationRule(
            "hooks",
            channel_id=CH,
            rule_name="y",
            template_id="000000000000000000000001",
            layers=[LAYER, WEBHOOK_LAYER],
        ),
        # webhooks inside an Output are found too
        fd.EscalationRule(
            "later",
            channel_id=CH,
            rule_name="z",
            template_id="000000000000000000000001",
            layers=[pulumi.Output.from_input(WEBHOOK_LAYER)],
        ),
    ]
    return registered(*made).apply(lambda _: check_secrets(recorder, monitor))


def check_secrets(recorder: Recorder, monitor: RecordingMonitor) -> None:
    requests = {r.name: r for r in monitor.requests}
    for name in ("plain", "hooks", "later"):
        assert list(requests[name].additionalSecretOutputs) == ["layers"]
    wire = {name: MessageToDict(r.object) for name, r in requests.items()}  # as sent to the engine
    assert not secret_paths(wire["plain"]["layers"])
    # only the webhooks are secret, so the rest of the structure stays visible (and, at preview,
    # a value not known yet leaves everything around it known)
    assert secret_paths(wire["hooks"]["layers"]) == [(1, "target", "webhooks")]
    assert unwrap_rpc_secret(recorder.resources["hooks"].inputs["layers"])[1]["target"]["webhooks"]
    # a layer given as an Output: its webhooks are found when it resolves
    assert secret_paths(wire["later"]["layers"]) in ([(0,)], [(0, "target", "webhooks")])


def secret_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict) and value.get(SIG_KEY) == SECRET_SIG:
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in secret_paths(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in secret_paths(v, (*path, i))]
    return []


@pulumi.runtime.test
def test_user_options_are_kept(mocks: tuple[Recorder, RecordingMonitor]) -> Any:
    _, monitor = mocks
    rule = fd.EscalationRule(
        "e",
        channel_id=CH,
        rule_name="x",
        template_id="000000000000000000000001",
        layers=[LAYER],
        opts=pulumi.ResourceOptions(protect=True, additional_secret_outputs=["description"]),
    )

    def check(_: Any) -> None:
        (request,) = monitor.requests
        assert request.protect is True
        assert sorted(request.additionalSecretOutputs) == ["description", "layers"]

    return registered(rule).apply(check)


@pulumi.runtime.test
def test_two_resources_giving_a_channel_one_rule_name_fail_the_program(
    mocks: tuple[Recorder, RecordingMonitor],
) -> Any:
    def esc(name: str, rule_name: str, channel: int = CH, adopt: str | None = None) -> fd.EscalationRule:
        return fd.EscalationRule(
            name,
            channel_id=channel,
            rule_name=rule_name,
            template_id="000000000000000000000001",
            layers=[LAYER],
            adopt_rule_id=adopt,
        )

    made = [esc("first", "Payments"), esc("elsewhere", "Payments", channel=CH + 1), esc("other", "Checkout")]
    # another kind may use the name
    made.append(fd.SilenceRule("quiet", channel_id=CH, rule_name="Payments", filters=[], time_filters=[]))
    with pytest.raises(
        pulumi.RunError, match=r"'first' and 'second' both give channel 5201314520131 a rule named"
    ):
        esc("second", "Payments")
    # rules adopted by ID may share a name (the console allows it; no new rule is made), but a
    # resource that would create one may not join them
    made += [esc("adopted-1", "Twice", adopt="a" * 24), esc("adopted-2", "Twice", adopt="b" * 24)]
    with pytest.raises(pulumi.RunError, match=r"'adopted-1' and 'third' both give channel"):
        esc("third", "Twice")
    return registered(*made)
