"""Guardrails, RootAccess and PasswordPolicy components under the offline mocks."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest

from rootguard.cli import main as plan_main
from rootguard.config import load_config
from rootguard.guardrails import Guardrails
from rootguard.offline import Recording, run_program
from rootguard.offline.fake_aws import MANAGEMENT_ACCOUNT_ID, ROOT_ID, FakeAws
from rootguard.scp import GUARDRAIL_TAG_KEY
from tests.config_samples import ALARMS
from tests.conftest import minimal_organization
from tests.test_config_guardrails import ORGANIZATION

POLICY = "aws:organizations/policy:Policy"
ATTACHMENT = "aws:organizations/policyAttachment:PolicyAttachment"
ORG = "aws:organizations/organization:Organization"
FEATURES = "aws:iam/organizationsFeatures:OrganizationsFeatures"
PASSWORD_POLICY = "aws:iam/accountPasswordPolicy:AccountPasswordPolicy"
MANY_EXEMPTIONS = [f"arn:aws:iam::*:role/team-{n:02d}-admin" for n in range(40)]


def stack(
    run_stack: Any, organization: dict[str, Any] = ORGANIZATION, **sections: Any
) -> Recording:
    config = {"rootguard:organization": organization}
    config.update({f"rootguard:{key}": value for key, value in sections.items()})
    recording: Recording = run_stack(config)
    return recording


def validated(organization: dict[str, Any] = ORGANIZATION, **sections: Any) -> Any:
    return load_config({"organization": organization, "alarms": ALARMS, **sections})


def targets_of(recording: Recording, policy: Any) -> set[str]:
    return {
        a.inputs["targetId"]
        for a in recording.of_type(ATTACHMENT)
        if a.inputs["policyId"] == policy.id
    }


def test_default_renders_the_catalog_into_one_tagged_scp_attached_to_the_root(
    run_stack: Any,
) -> None:
    recording = stack(run_stack)
    expected = validated().guardrails.policies()
    policies = recording.of_type(POLICY)
    assert [p.inputs["content"] for p in policies] == [e.document for e in expected]
    (policy,) = policies
    assert policy.inputs["type"] == "SERVICE_CONTROL_POLICY"
    assert policy.inputs["name"] == "rootguard-guardrails-1"
    assert policy.inputs["tags"] == {GUARDRAIL_TAG_KEY: "true"}
    assert "DenyRootActions" in policy.inputs["description"]
    assert targets_of(recording, policy) == {ROOT_ID}


def test_children_are_parented_and_named_after_the_component(run_stack: Any) -> None:
    recording = stack(run_stack)
    component = recording.named("rootguard-guardrails")
    assert component.type == "rootguard:index:Guardrails"
    assert component.parent == recording.named("rootguard").urn
    children = recording.children(component)
    assert {c.type for c in children} == {POLICY, ATTACHMENT}
    assert all(c.name.startswith("rootguard-guardrails-scp-") for c in children)
    assert all(r.parent == component.urn for r in recording if r.type in (POLICY, ATTACHMENT))


def test_exempt_account_gets_nothing_and_its_siblings_get_every_policy(run_stack: Any) -> None:
    recording = stack(
        run_stack,
        guardrails={"exemptAccounts": ["break-glass"], "exemptPrincipals": MANY_EXEMPTIONS},
    )
    policies = recording.of_type(POLICY)
    assert len(policies) > 1  # forty exemptions split the set
    expected = {
        recording.named("rootguard-organization-account-log-archive").id,
        recording.named("rootguard-organization-ou-Workloads").id,
        recording.named("rootguard-organization-ou-Sandbox").id,
    }
    for policy in policies:
        assert targets_of(recording, policy) == expected
    every_target = {a.inputs["targetId"] for a in recording.of_type(ATTACHMENT)}
    assert recording.named("rootguard-organization-account-break-glass").id not in every_target
    assert ROOT_ID not in every_target
    # SCPs never apply to the management account: it is never a target.
    assert MANAGEMENT_ACCOUNT_ID not in every_target
    assert len(recording.of_type(ATTACHMENT)) == len(policies) * len(expected)


def test_attachments_wait_for_their_policy_and_their_target(run_stack: Any) -> None:
    recording = stack(run_stack, guardrails={"targets": ["Workloads/Prod"]})
    (policy,) = recording.of_type(POLICY)
    (attachment,) = recording.of_type(ATTACHMENT)
    ou = recording.named("rootguard-organization-ou-Workloads/Prod")
    assert attachment.name == "rootguard-guardrails-scp-1-ou-Workloads/Prod"
    assert attachment.inputs == {"policyId": policy.id, "targetId": ou.id}
    assert policy.urn in attachment.property_dependencies["policyId"]
    assert ou.urn in attachment.property_dependencies["targetId"]


def test_created_organization_comes_first_for_scps_and_root_access(run_stack: Any) -> None:
    recording = stack(run_stack, organization=minimal_organization(mode="create"))
    (organization,) = recording.of_type(ORG)
    # The SCP policy type and trusted access for iam.amazonaws.com are set on it.
    assert "SERVICE_CONTROL_POLICY" in organization.inputs["enabledPolicyTypes"]
    assert "iam.amazonaws.com" in organization.inputs["awsServiceAccessPrincipals"]
    for resource in [*recording.of_type(POLICY), *recording.of_type(ATTACHMENT)]:
        assert organization.urn in resource.dependencies, resource.name
    (features,) = recording.of_type(FEATURES)
    assert organization.urn in features.dependencies


def test_root_access_turns_on_both_features_by_default(run_stack: Any) -> None:
    recording = stack(run_stack)
    (features,) = recording.of_type(FEATURES)
    assert features.inputs["enabledFeatures"] == ["RootCredentialsManagement", "RootSessions"]
    assert features.parent == recording.named("rootguard-root-access").urn
    assert recording.exports["rootAccessFeatures"] == ["RootCredentialsManagement", "RootSessions"]


def test_root_access_can_be_narrowed_or_switched_off(run_stack: Any) -> None:
    (features,) = stack(run_stack, rootAccess={"rootSessions": False}).of_type(FEATURES)
    assert features.inputs["enabledFeatures"] == ["RootCredentialsManagement"]
    off = stack(run_stack, rootAccess={"rootCredentialsManagement": False, "rootSessions": False})
    assert off.of_type(FEATURES) == []


def test_password_policy_has_cis_defaults(run_stack: Any) -> None:
    (policy,) = stack(run_stack).of_type(PASSWORD_POLICY)
    assert policy.inputs == {
        "minimumPasswordLength": 14,
        "passwordReusePrevention": 24,
        "requireLowercaseCharacters": True,
        "requireUppercaseCharacters": True,
        "requireNumbers": True,
        "requireSymbols": True,
        "allowUsersToChangePassword": True,
        "hardExpiry": False,
    }


def test_password_policy_fields_flow_through(run_stack: Any) -> None:
    custom = {
        "minimumPasswordLength": 20,
        "maxPasswordAge": 90,
        "hardExpiry": True,
        "passwordReusePrevention": None,
        "requireSymbols": False,
    }
    (policy,) = stack(run_stack, passwordPolicy=custom).of_type(PASSWORD_POLICY)
    assert policy.inputs["minimumPasswordLength"] == 20
    assert policy.inputs["maxPasswordAge"] == 90
    assert policy.inputs["hardExpiry"] is True
    assert policy.inputs["requireSymbols"] is False
    assert "passwordReusePrevention" not in policy.inputs


def test_outputs_show_each_policy_with_size_quota_statements_and_targets(run_stack: Any) -> None:
    recording = stack(
        run_stack,
        guardrails={
            "targets": ["Workloads", "Sandbox"],
            "maxPolicyCharacters": 1000,
            "maxPoliciesPerTarget": 10,
        },
    )
    config = validated(
        guardrails={
            "targets": ["Workloads", "Sandbox"],
            "maxPolicyCharacters": 1000,
            "maxPoliciesPerTarget": 10,
        }
    ).guardrails
    outputs = recording.component_outputs[recording.named("rootguard-guardrails").urn]
    # Registration order is asynchronous: look policies up by name, not by recording order.
    policies = recording.of_type(POLICY)
    assert outputs["policyIds"] == [
        recording.named(f"rootguard-guardrails-scp-{n}").id for n in range(1, len(policies) + 1)
    ]
    assert recording.exports["guardrailPolicyIds"] == outputs["policyIds"]
    summaries = outputs["policies"]
    assert [s["statementIds"] for s in summaries] == [
        list(p.statement_ids) for p in config.policies()
    ]
    for summary, rendered in zip(summaries, config.policies(), strict=True):
        assert summary["characters"] == rendered.characters <= 1000
        assert summary["size"] == f"{rendered.characters} of 1000 characters"
        assert summary["targets"] == ["ou:Workloads", "ou:Sandbox"]


def test_bad_guardrails_config_registers_nothing(run_stack: Any) -> None:
    fake = FakeAws()
    with pytest.raises(
        pulumi.RunError, match=r"^rootguard:guardrails\.exemptPrincipals\[0\]: must be"
    ):
        run_stack(
            {
                "rootguard:organization": ORGANIZATION,
                "rootguard:guardrails": {"exemptPrincipals": ["*"]},
            },
            fake=fake,
        )
    assert fake.registered == []


def test_component_is_usable_alone_with_explicit_target_ids() -> None:
    recording = run_program(
        lambda: Guardrails(
            "scps",
            {"statements": ["DenyRootActions"], "attach_to": {"ou:Workloads": "ou-ab12-cdef3456"}},
        )
    )
    (policy,) = recording.of_type(POLICY)
    assert json.loads(policy.inputs["content"])["Statement"][0]["Sid"] == "DenyRootActions"
    (attachment,) = recording.of_type(ATTACHMENT)
    assert attachment.name == "scps-scp-1-ou-Workloads"
    assert attachment.inputs["targetId"] == "ou-ab12-cdef3456"


def test_prod_plan_shows_documents_sizes_and_targets(capsys: pytest.CaptureFixture[str]) -> None:
    assert plan_main(["plan", "prod"]) == 0
    printed = capsys.readouterr().out
    assert "Policy rootguard-guardrails-scp-1  (aws:organizations/policy:Policy)" in printed
    assert '"Sid": "DenyRootActions"' in printed
    assert '"aws:AssumedRoot": "true"' in printed
    assert "of 5120 characters" in printed
    assert '"maxPolicyCharacters": 5120,' in printed  # whole numbers, not 5120.0
    assert '"account:log-archive"' in printed
    assert "PolicyAttachment rootguard-guardrails-scp-1-account-audit" in printed
    assert "break-glass  (aws:organizations/policyAttachment" not in printed
