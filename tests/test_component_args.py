"""Component args: plain data mirroring the config models, validated with one-line errors."""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import Any, NotRequired, get_args, get_origin

import pulumi
import pytest
from pydantic import BaseModel

from rootguard import inputs
from rootguard.alarms import SecurityAlarms, SecurityAlarmsArgs
from rootguard.baseline import RootGuard, RootGuardArgs
from rootguard.config import RootGuardConfig
from rootguard.config.alarms import AlarmsConfig
from rootguard.config.component_inputs import models, render
from rootguard.config.contacts import ContactsConfig
from rootguard.config.guardrails import GuardrailPoliciesConfig
from rootguard.config.organization import OrganizationConfig
from rootguard.config.password_policy import PasswordPolicyConfig
from rootguard.config.root_access import RootAccessConfig
from rootguard.config.trail import TrailConfig
from rootguard.contacts import RecoveryContacts, RecoveryContactsArgs
from rootguard.guardrails import Guardrails, GuardrailsArgs
from rootguard.offline import run_program
from rootguard.offline.fake_aws import FakeAws
from rootguard.organization import Organization, OrganizationArgs
from rootguard.password_policy import PasswordPolicy, PasswordPolicyArgs
from rootguard.root_access import RootAccess, RootAccessArgs
from rootguard.trail import OrgTrail, OrgTrailArgs
from tests.config_samples import ALARMS
from tests.conftest import minimal_organization
from tests.package import REPO

INPUTS_FILE = REPO / "rootguard" / "inputs.py"

# Each component's Args, its config model, and the keys that are not config (links).
COMPONENT_ARGS: list[tuple[type, type[BaseModel], set[str]]] = [
    (RootGuardArgs, RootGuardConfig, set()),
    (OrganizationArgs, OrganizationConfig, set()),
    (GuardrailsArgs, GuardrailPoliciesConfig, {"attach_to", "organization_id"}),
    (RootAccessArgs, RootAccessConfig, {"organization_id"}),
    (PasswordPolicyArgs, PasswordPolicyConfig, set()),
    (RecoveryContactsArgs, ContactsConfig, {"member_accounts", "organization_id"}),
    (OrgTrailArgs, TrailConfig, {"organization_id"}),
    (SecurityAlarmsArgs, AlarmsConfig, {"log_group_name"}),
]


def test_committed_inputs_match_the_models() -> None:
    assert INPUTS_FILE.read_text() == render(), "stale rootguard/inputs.py: run `make schema`"


@pytest.mark.parametrize("model", models(), ids=lambda m: m.__name__)
def test_each_typed_dict_has_exactly_the_models_fields_and_optionality(
    model: type[BaseModel],
) -> None:
    typed_dict = getattr(inputs, model.__name__)
    assert set(typed_dict.__annotations__) == set(model.model_fields)
    optional = {name for name, field in model.model_fields.items() if not field.is_required()}
    assert typed_dict.__optional_keys__ == optional
    for name, field in model.model_fields.items():
        nested = _models_in(field.annotation)
        annotation = typed_dict.__annotations__[name]
        assert {t.__name__ for t in _typed_dicts_in(annotation)} == {m.__name__ for m in nested}


@pytest.mark.parametrize(
    ("args", "model", "links"), COMPONENT_ARGS, ids=[a.__name__ for a, _, _ in COMPONENT_ARGS]
)
def test_component_args_are_the_config_fields_plus_links(
    args: type, model: type[BaseModel], links: set[str]
) -> None:
    assert set(args.__annotations__) == set(model.model_fields) | links
    optional = {name for name, field in model.model_fields.items() if not field.is_required()}
    assert args.__optional_keys__ - links == optional  # type: ignore[attr-defined]


def test_a_component_names_the_bad_key_and_registers_nothing() -> None:
    fake = FakeAws()
    with pytest.raises(pulumi.RunError) as error:
        run_program(
            lambda: OrgTrail(
                "trail",
                {"bucket": {"retention_days": 30, "object_lock": {"days": 90}}},
            ),
            fake=fake,
        )
    assert str(error.value) == (
        "OrgTrail 'trail': bucket.objectLock.days: 90 days of object lock exceeds "
        "retentionDays (30); locked logs cannot expire before the lock ends"
    )
    assert fake.registered == []


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: OrgTrail("t", {"log_groups": {}}),
            "OrgTrail 't': log_groups: unknown key; did you mean 'log_group'? allowed: bucket, "
            "existing, existing_bucket, kms, log_group, name, s3_key_prefix",
        ),
        (
            lambda: PasswordPolicy("p", {"minimum_password_length": 4}),
            "PasswordPolicy 'p': minimum_password_length: input should be greater than or "
            "equal to 6, got 4",
        ),
        (
            lambda: Guardrails("g", {"statements": ["DenyEverything"]}),
            "Guardrails 'g': statements[0]: unknown statement id 'DenyEverything'; allowed: ",
        ),
        (
            lambda: RootAccess("r", {"root_sessions": "maybe"}),
            "RootAccess 'r': root_sessions: input should be a valid boolean",
        ),
        (
            lambda: Organization("o", {"accounts": [{"name": "a", "email": "a@example.com"}]}),
            "Organization 'o': accounts[0].ou: is required",
        ),
        (
            lambda: SecurityAlarms("a", {"email": ["security@example.com"]}),
            "SecurityAlarms 'a': log_group_name: is required",
        ),
        (
            lambda: RootGuard("rg", {"organization": {}, "trail": {"name": "x"}}),
            "RootGuard 'rg': trail.name: must be a trail name of 3-128",
        ),
    ],
    ids=["typo", "range", "catalog", "type", "missing", "link", "nested"],
)
def test_bad_component_args_fail_with_one_line_naming_the_key(
    build: Callable[[], object], message: str
) -> None:
    fake = FakeAws()
    with pytest.raises(pulumi.RunError) as error:
        run_program(build, fake=fake)
    assert str(error.value).startswith(message), str(error.value)
    assert "\n" not in str(error.value)
    assert fake.registered == []


def test_contacts_overrides_must_name_a_member_or_existing_account() -> None:
    contact = {
        "name": "Sec",
        "title": "On-call",
        "email": "sec@example.com",
        "phone": "+1 206 555 0100",
    }
    args: RecoveryContactsArgs = {
        "default": {"security": contact},
        "overrides": {"prod": {"security": contact}},
        "member_accounts": {"dev": "222222222222"},
    }
    with pytest.raises(pulumi.RunError) as error:
        run_program(lambda: RecoveryContacts("c", args))
    assert str(error.value) == (
        "RecoveryContacts 'c': overrides.prod: account 'prod' is neither in member_accounts "
        "nor in existing_accounts (known: dev)"
    )


def test_contacts_member_names_must_not_share_resource_names() -> None:
    contact = {
        "name": "Sec",
        "title": "On-call",
        "email": "sec@example.com",
        "phone": "+1 206 555 0100",
    }
    args: RecoveryContactsArgs = {
        "default": {"security": contact},
        "member_accounts": {"Prod Workloads": "222222222222", "prod-workloads": "333333333333"},
    }
    with pytest.raises(pulumi.RunError, match="would share the contact resource names"):
        run_program(lambda: RecoveryContacts("c", args))


def test_root_guard_takes_the_stack_config_as_plain_data(run_stack: Any) -> None:
    """The program passes the validated config as plain data: the same as another program."""
    section = minimal_organization()
    direct = run_program(
        lambda: RootGuard(
            "rootguard",
            typing.cast(
                RootGuardArgs,
                RootGuardConfig.model_validate(
                    {"organization": section, "alarms": ALARMS}
                ).model_dump(),
            ),
        )
    )
    via_main = run_stack({"rootguard:organization": section})
    assert sorted((r.type, r.name) for r in direct) == sorted((r.type, r.name) for r in via_main)


def _models_in(tp: Any) -> set[type[BaseModel]]:
    found = {tp} if isinstance(tp, type) and issubclass(tp, BaseModel) else set()
    for arg in get_args(tp):
        found |= _models_in(arg)
    return found


def _typed_dicts_in(tp: Any) -> set[type]:
    found = {tp} if typing.is_typeddict(tp) else set()
    if get_origin(tp) is NotRequired or get_args(tp):
        for arg in get_args(tp):
            found |= _typed_dicts_in(arg)
    return found


def test_a_stack_config_is_validated_once_on_its_way_to_the_resources(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """YAML -> model at the boundary, then models down: no section is validated again."""
    from rootguard.config.base import StrictModel
    from rootguard.offline.plan import plan_stack

    validated: list[str] = []
    original = StrictModel.model_validate.__func__  # type: ignore[attr-defined]

    def counting(cls: type[StrictModel], *args: Any, **kwargs: Any) -> Any:
        validated.append(cls.__name__)
        return original(cls, *args, **kwargs)

    monkeypatch.setattr(StrictModel, "model_validate", classmethod(counting))
    recording = plan_stack("prod")
    assert recording.of_type("aws:organizations/policy:Policy")  # the whole program ran
    # Once by the plan's fail-fast check of the stack file, once by the program itself.
    assert validated == ["RootGuardConfig", "RootGuardConfig"], validated
