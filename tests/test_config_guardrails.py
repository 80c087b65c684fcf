"""`rootguard:guardrails`, `rootAccess`, `passwordPolicy`: defaults and one-line errors."""

from __future__ import annotations

from typing import Any

import pytest

from rootguard.config import ConfigError, RootGuardConfig, load_config
from rootguard.scp import catalog_ids
from tests.config_samples import ALARMS
from tests.conftest import minimal_organization

ORGANIZATION = minimal_organization(
    organizationalUnits=[
        {"path": "Security"},
        {"path": "Workloads"},
        {"path": "Workloads/Prod"},
        {"path": "Sandbox"},
    ],
    accounts=[
        {"name": "log-archive", "email": "aws+log@example.com", "ou": "Security"},
        {"name": "break-glass", "email": "aws+bg@example.com", "ou": "Security"},
        {"name": "payments", "email": "aws+pay@example.com", "ou": "Workloads/Prod"},
    ],
)


def load(**sections: Any) -> RootGuardConfig:
    return load_config({"organization": ORGANIZATION, "alarms": ALARMS, **sections})


def error_of(**sections: Any) -> str:
    with pytest.raises(ConfigError) as caught:
        load(**sections)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_defaults_are_the_secure_choice() -> None:
    config = load()
    assert config.guardrails.statements == list(catalog_ids())
    assert config.guardrails.targets is None  # the organization root
    assert config.guardrails.exempt_principals == []
    assert config.guardrails.quotas.free_slots == 5 - 1  # FullAWSAccess takes one slot
    assert config.root_access.enabled_features == ["RootCredentialsManagement", "RootSessions"]
    policy = config.password_policy
    assert (policy.minimum_password_length, policy.password_reuse_prevention) == (14, 24)
    assert policy.require_lowercase_characters and policy.require_uppercase_characters
    assert policy.require_numbers and policy.require_symbols
    assert policy.max_password_age is None and not policy.hard_expiry


@pytest.mark.parametrize(
    ("guardrails", "expected"),
    [
        (
            {"exemptPrincipals": ["BreakGlass"]},
            "rootguard:guardrails.exemptPrincipals[0]: must be an IAM role or user ARN pattern",
        ),
        (
            {"exemptPrincipals": ["arn:aws:iam::*:role/Admin", "arn:aws:s3:::bucket"]},
            "rootguard:guardrails.exemptPrincipals[1]: must be an IAM role or user ARN pattern",
        ),
        (
            # A pattern that could match root would switch the root statements off.
            {"exemptPrincipals": ["arn:aws:iam::*:*"]},
            "rootguard:guardrails.exemptPrincipals[0]: must be an IAM role or user ARN pattern",
        ),
        (
            {"exemptPrincipals": ["arn:aws:iam::*:role/*"]},
            "rootguard:guardrails.exemptPrincipals[0]: 'arn:aws:iam::*:role/*' would exempt every",
        ),
        (
            {"exemptPrincipals": ["arn:aws:iam::1234:role/Admin"]},
            "rootguard:guardrails.exemptPrincipals[0]: must be an IAM role or user ARN pattern",
        ),
        (
            {"exemptPrincipals": ["arn:aws:iam::*:role/A", "arn:aws:iam::*:role/A"]},
            "rootguard:guardrails.exemptPrincipals[1]: 'arn:aws:iam::*:role/A' is already listed",
        ),
        (
            {"statements": ["DenyRootActions", "DenyRootUser"]},
            "rootguard:guardrails.statements[1]: unknown statement id 'DenyRootUser'; allowed: "
            + ", ".join(catalog_ids()),
        ),
        ({"statements": []}, "rootguard:guardrails.statements: list should have at least 1 item"),
        (
            {"statements": ["DenyRootActions", "DenyRootActions"]},
            "rootguard:guardrails.statements[1]: 'DenyRootActions' is already listed",
        ),
        (
            {"targets": ["Workloads", "Platform"]},
            "rootguard:guardrails.targets[1]: OU 'Platform' is not declared in organization",
        ),
        (
            {"targets": ["Workloads", "Workloads/Prod"]},
            "rootguard:guardrails.targets[1]: OU 'Workloads/Prod' is already covered by target",
        ),
        (
            {"exemptOus": ["Workloads/Dev"]},
            "rootguard:guardrails.exemptOus[0]: OU 'Workloads/Dev' is not declared",
        ),
        (
            {"targets": ["Workloads"], "exemptOus": ["Sandbox"]},
            "rootguard:guardrails.exemptOus[0]: OU 'Sandbox' is not below any target",
        ),
        (
            {"targets": ["Workloads"], "exemptOus": ["Workloads"]},
            "rootguard:guardrails.exemptOus[0]: OU 'Workloads' is also a target",
        ),
        (
            {"exemptOus": ["Workloads", "Workloads/Prod"]},
            "rootguard:guardrails.exemptOus[1]: OU 'Workloads/Prod' is already exempt through",
        ),
        (
            {"exemptAccounts": ["breakglass"]},
            "rootguard:guardrails.exemptAccounts[0]: account 'breakglass' is not declared",
        ),
        (
            {"targets": ["Workloads"], "exemptAccounts": ["break-glass"]},
            "rootguard:guardrails.exemptAccounts[0]: account 'break-glass' is not below any target",
        ),
        (
            {"exemptOus": ["Security"], "exemptAccounts": ["break-glass"]},
            "rootguard:guardrails.exemptAccounts[0]: account 'break-glass' is already in an exempt",
        ),
        (
            {"targets": ["Workloads"], "exemptOus": ["Workloads/Prod"]},
            "rootguard:guardrails.exemptOus: exempts everything below the targets",
        ),
        (
            {"maxPolicyCharacters": 100000},
            "rootguard:guardrails.maxPolicyCharacters: input should be less than or equal to 10240",
        ),
        (
            {"maxPoliciesPerTarget": 1},
            "rootguard:guardrails.maxPoliciesPerTarget: input should be greater than or equal to 2",
        ),
        (
            {"maxPoliciesPerTarget": 3, "reservedPoliciesPerTarget": 2},
            "rootguard:guardrails.reservedPoliciesPerTarget: no SCP slot is left on a target "
            "(maxPoliciesPerTarget 3 - 1 for FullAWSAccess - reservedPoliciesPerTarget 2 = 0)",
        ),
        (
            {"maxPolicyCharacters": 400, "maxPoliciesPerTarget": 3},
            "rootguard:guardrails.maxPoliciesPerTarget: the 7 statements need 4 policies of at "
            "most 400 characters but a target has 2 free slot(s)",
        ),
        (
            {
                "exemptPrincipals": [
                    f"arn:aws:iam::*:role/admin-{n:03d}-{'x' * 60}" for n in range(80)
                ]
            },
            "rootguard:guardrails.maxPolicyCharacters: statement DenyLeaveOrganization alone makes",
        ),
        (
            {"statement": []},
            "rootguard:guardrails.statement: unknown key; did you mean 'statements'?",
        ),
    ],
)
def test_bad_guardrails_config_is_one_line_naming_the_key(
    guardrails: dict[str, Any], expected: str
) -> None:
    assert error_of(guardrails=guardrails).startswith(expected)


def test_quota_overflow_says_by_how_much() -> None:
    message = error_of(guardrails={"maxPolicyCharacters": 400, "maxPoliciesPerTarget": 3})
    assert message.endswith(": 2 over; select fewer statements or free slots")


@pytest.mark.parametrize(
    ("section", "value", "expected"),
    [
        (
            "rootAccess",
            {"rootSession": False},
            "rootguard:rootAccess.rootSession: unknown key; did",
        ),
        (
            "rootAccess",
            {"rootSessions": "maybe"},
            "rootguard:rootAccess.rootSessions: input should be",
        ),
        (
            "passwordPolicy",
            {"minimumPasswordLength": 5},
            "rootguard:passwordPolicy.minimumPasswordLength: input should be greater than or "
            "equal to 6",
        ),
        (
            "passwordPolicy",
            {"minimumPasswordLength": 129},
            "rootguard:passwordPolicy.minimumPasswordLength: input should be less than or equal",
        ),
        (
            "passwordPolicy",
            {"passwordReusePrevention": 25},
            "rootguard:passwordPolicy.passwordReusePrevention: input should be less than or equal "
            "to 24",
        ),
        (
            "passwordPolicy",
            {"maxPasswordAge": 0},
            "rootguard:passwordPolicy.maxPasswordAge: input should be greater than or equal to 1",
        ),
        (
            "passwordPolicy",
            {"maxPasswordAge": 1096},
            "rootguard:passwordPolicy.maxPasswordAge: input should be less than or equal to 1095",
        ),
        (
            "passwordPolicy",
            {"hardExpiry": True},
            "rootguard:passwordPolicy.hardExpiry: needs maxPasswordAge",
        ),
        (
            "passwordPolicy",
            {"requireSymbol": True},
            "rootguard:passwordPolicy.requireSymbol: unknown key; did you mean 'requireSymbols'?",
        ),
    ],
)
def test_bad_root_access_and_password_policy_are_one_line(
    section: str, value: dict[str, Any], expected: str
) -> None:
    assert error_of(**{section: value}).startswith(expected)


def test_root_access_features_follow_the_switches() -> None:
    assert load(rootAccess={"rootSessions": False}).root_access.enabled_features == [
        "RootCredentialsManagement"
    ]
    assert (
        load(
            rootAccess={"rootCredentialsManagement": False, "rootSessions": False}
        ).root_access.enabled_features
        == []
    )


def test_password_policy_fields_are_configurable() -> None:
    policy = load(
        passwordPolicy={"minimumPasswordLength": 20, "maxPasswordAge": 90, "hardExpiry": True}
    ).password_policy
    assert (policy.minimum_password_length, policy.max_password_age, policy.hard_expiry) == (
        20,
        90,
        True,
    )
