"""Adopting an existing organization: the live preflight (SCP slots per target, SCPs that
block AssumeRoot), trusted access as resources, and the Control Tower model offline."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest

from rootguard.audit.policy import blocks_assume_root_sessions
from rootguard.cli import main
from rootguard.config.guardrails import GuardrailPoliciesConfig
from rootguard.offline.fake_aws import FULL_AWS_ACCESS, MANAGEMENT_ACCOUNT_ID, ROOT_ID, FakeAws
from tests.conftest import minimal_organization
from tests.package import REPO

CONTROL_TOWER = REPO / "examples" / "control-tower"
ROOT_DENY = {
    "Effect": "Deny",
    "Action": "*",
    "Resource": ["*"],
    "Condition": {"StringLike": {"aws:PrincipalArn": ["arn:aws:iam::*:root"]}},
}


def policy(policy_id: str, name: str, *statements: dict[str, Any]) -> dict[str, Any]:
    document = {"Version": "2012-10-17", "Statement": list(statements) or [ROOT_DENY]}
    return {"id": policy_id, "name": name, "content": json.dumps(document)}


def fake_with(root: list[dict[str, Any]], **more: list[dict[str, Any]]) -> FakeAws:
    """A fake organization whose root (and other targets by id) carry these SCPs."""
    everything = {p["id"]: p for p in [*root, *(p for ps in more.values() for p in ps)]}
    attachments = {ROOT_ID: [FULL_AWS_ACCESS["id"], *(p["id"] for p in root)]}
    attachments.update(
        {target: [FULL_AWS_ACCESS["id"], *(p["id"] for p in ps)] for target, ps in more.items()}
    )
    return FakeAws(policies=everything.values(), attachments=attachments)


OTHERS = [policy(f"p-other{n:04d}", f"aws-guardrails-ab1{n}") for n in range(3)]


def test_a_full_root_stops_before_anything_is_registered_with_the_arithmetic(
    run_stack: Callable[..., Any],
) -> None:
    fake = fake_with(OTHERS)
    with pytest.raises(pulumi.RunError) as error:
        run_stack(
            {
                "rootguard:organization": minimal_organization(),
                # Small documents: the statements need two policies.
                "rootguard:guardrails": {"maxPolicyCharacters": 900},
            },
            fake=fake,
        )
    assert str(error.value) == (
        "rootguard:guardrails: the root carries 4 SCPs (FullAWSAccess, aws-guardrails-ab10, "
        "aws-guardrails-ab11, aws-guardrails-ab12); rootguard needs 2; the quota is 5: 1 over; "
        "detach SCPs you no longer need, select fewer statements, or raise "
        "maxPoliciesPerTarget if AWS raised your organization's quota"
    )
    assert fake.registered == []


def test_rootguards_own_policies_do_not_count(run_stack: Callable[..., Any]) -> None:
    own = policy("p-own00001", "rootguard-guardrails-1")
    config = {
        "rootguard:organization": minimal_organization(),
        "rootguard:guardrails": {"maxPoliciesPerTarget": 4},
    }
    # FullAWSAccess + 2 others + rootguard's policy from the last deployment: it is replaced.
    recording = run_stack(config, fake=fake_with([*OTHERS[:2], own]))
    assert recording.of_type("aws:organizations/policyAttachment:PolicyAttachment")
    with pytest.raises(pulumi.RunError, match=r"the root carries 4 SCPs .*: 1 over"):
        run_stack(config, fake=fake_with(OTHERS))


def test_an_existing_ou_target_is_read_live_and_a_new_one_is_not(
    run_stack: Callable[..., Any],
) -> None:
    organization = minimal_organization(
        organizationalUnits=[{"path": "Security", "id": "ou-ab12-security"}, {"path": "Workloads"}]
    )
    config = {
        "rootguard:organization": organization,
        "rootguard:guardrails": {"targets": ["Security", "Workloads"], "maxPoliciesPerTarget": 3},
    }
    with pytest.raises(pulumi.RunError) as error:
        run_stack(config, fake=fake_with([], **{"ou-ab12-security": OTHERS[:2]}))
    assert str(error.value).startswith(
        "rootguard:guardrails: OU Security carries 3 SCPs (FullAWSAccess, aws-guardrails-ab10, "
        "aws-guardrails-ab11); rootguard needs 1; the quota is 3: 1 over"
    )
    # Workloads is created by this run: it will carry FullAWSAccess only.
    assert run_stack(config, fake=fake_with([])).of_type(
        "aws:organizations/policyAttachment:PolicyAttachment"
    )


def test_an_scp_that_blocks_assume_root_is_named_with_its_targets(
    run_stack: Callable[..., Any],
) -> None:
    organization = minimal_organization(
        organizationalUnits=[{"path": "Security", "id": "ou-ab12-security"}, {"path": "Workloads"}]
    )
    blocker = policy("p-ctguard01", "aws-guardrails-AbCdEf")
    recording = run_stack(
        {"rootguard:organization": organization},
        fake=fake_with([blocker], **{"ou-ab12-security": [blocker]}),
    )
    (warning,) = [w for w in recording.warnings if "AssumedRoot" in w]
    assert warning.startswith(
        "rootguard:rootAccess: SCP aws-guardrails-AbCdEf (p-ctguard01) on the root, OU Security "
        "denies every action by the root user without an aws:AssumedRoot exception"
    )


def test_root_denies_with_the_assumed_root_exception_are_fine(
    run_stack: Callable[..., Any],
) -> None:
    lza = {
        **ROOT_DENY,
        "Condition": {**ROOT_DENY["Condition"], "Null": {"aws:AssumedRoot": "true"}},
    }
    recording = run_stack(
        {"rootguard:organization": minimal_organization()},
        fake=fake_with([policy("p-lzagrru1", "lza-core-guardrails", lza)]),
    )
    assert not [w for w in recording.warnings if "AssumedRoot" in w]


def test_the_judge_of_assume_root_blockers() -> None:
    control_tower = json.dumps({"Statement": [ROOT_DENY]})
    assert blocks_assume_root_sessions(control_tower)
    for rendered in GuardrailPoliciesConfig().policies():  # rootguard's own never block it
        assert not blocks_assume_root_sessions(rendered.document)
    keys_only = {**ROOT_DENY, "Action": "iam:CreateAccessKey"}
    assert not blocks_assume_root_sessions(json.dumps({"Statement": [keys_only]}))


def test_missing_trusted_access_becomes_retained_resources(run_stack: Callable[..., Any]) -> None:
    fake = FakeAws()
    fake.organization["awsServiceAccessPrincipals"] = ["cloudtrail.amazonaws.com"]
    recording = run_stack({"rootguard:organization": minimal_organization()}, fake=fake)
    access = {
        r.inputs["servicePrincipal"]: r
        for r in recording.of_type("aws:organizations/awsServiceAccess:AwsServiceAccess")
    }
    assert sorted(access) == ["account.amazonaws.com", "iam.amazonaws.com"]
    assert all(a.retain_on_delete for a in access.values())
    (features,) = recording.of_type("aws:iam/organizationsFeatures:OrganizationsFeatures")
    assert access["iam.amazonaws.com"].urn in features.depends_on


def test_nothing_rootguard_does_not_own_is_touched(run_stack: Callable[..., Any]) -> None:
    recording = run_stack(
        {"rootguard:organization": minimal_organization()}, fake=fake_with(OTHERS)
    )
    policies = recording.of_type("aws:organizations/policy:Policy")
    assert [p.inputs["name"] for p in policies] == ["rootguard-guardrails-1"]
    assert not [r for r in recording if r.import_id and r.type.endswith("policy:Policy")]


def plan_control_tower(stacks_dir: Path) -> int:
    """`rootguard plan ct` against the modelled Control Tower organization."""
    organization = CONTROL_TOWER / "organization.yaml"
    return main(
        ["plan", "ct", "--stacks-dir", str(stacks_dir), "--organization", str(organization)]
    )


def test_the_control_tower_example_plans_with_its_warning(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = plan_control_tower(CONTROL_TOWER)
    out = capsys.readouterr().out
    assert code == 0
    assert "SCP rootguard-guardrails-1: 7 statements" in out and "attached to Root" in out
    warnings = out.split("\nWarnings:\n", 1)[1]
    assert "SCP aws-guardrails-AbCdEf (p-ctguard01) on OU Security, OU Sandbox denies" in warnings
    # Control Tower's trail is reused: no second trail, the alarms on its log group.
    assert "trail:     existing arn:aws:cloudtrail:" in out and "(adopted, not created)" in out
    assert "aws:cloudtrail/trail:Trail" not in out
    assert 'logGroupName: "aws-controltower/CloudTrailLogs"' in out  # on the metric filters
    # Security Hub's exact CIS texts beside the corrected alarms, said in the summary.
    assert "; 4 verbatim CIS (4.1, 4.2, 4.3, 4.13; low)" in out


def test_the_control_tower_example_stops_on_a_full_ou(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = (CONTROL_TOWER / "Pulumi.ct.yaml").read_text()
    stack = stack.replace(
        "    maxPoliciesPerTarget: 5\n",
        "    maxPoliciesPerTarget: 5\n"
        "    maxPolicyCharacters: 900\n"
        "    targets: [Sandbox, Workloads]\n",
    )
    (tmp_path / "Pulumi.ct.yaml").write_text(stack)
    code = plan_control_tower(tmp_path)
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(
        "error: rootguard:guardrails: OU Sandbox carries 4 SCPs (FullAWSAccess, "
        "aws-guardrails-AbCdEf, aws-guardrails-GhIjKl, aws-guardrails-MnOpQr); rootguard needs 2; "
        "the quota is 5: 1 over"
    )


def test_a_bad_organization_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "org.yaml"
    bad.write_text("attachments:\n  r-ex12: [p-nothere1]\n")
    assert main(["plan", "dev", "--organization", str(bad)]) == 2
    assert capsys.readouterr().err == (
        f"error: --organization {bad}: attachments.r-ex12: unknown policy p-nothere1\n"
    )


GAPS = {
    ROOT_ID: {
        "ous": [
            {"id": "ou-ab12-security", "name": "Security"},
            {"id": "ou-ab12-workload", "name": "Workloads"},
            {"id": "ou-ab12-legacy01", "name": "Legacy"},
        ],
        "accounts": [{"id": MANAGEMENT_ACCOUNT_ID, "name": "management"}],
    },
    "ou-ab12-security": {
        "accounts": [
            {"id": "210987654321", "name": "log-archive"},
            {"id": "510987654321", "name": "old-app"},
        ]
    },
}
ADOPTED = minimal_organization(
    organizationalUnits=[
        {"path": "Security", "id": "ou-ab12-security"},
        {"path": "Workloads", "id": "ou-ab12-workload"},
    ],
    accounts=[
        {
            "name": "log-archive",
            "email": "aws+log@example.com",
            "ou": "Security",
            "id": "210987654321",
        },
    ],
)


def test_undeclared_live_children_beside_an_exemption_stop_the_run(
    run_stack: Callable[..., Any],
) -> None:
    fake = FakeAws(children=GAPS)
    with pytest.raises(pulumi.RunError) as error:
        run_stack(
            {
                "rootguard:organization": ADOPTED,
                "rootguard:guardrails": {"exemptAccounts": ["log-archive"]},
            },
            fake=fake,
        )
    message = str(error.value)
    assert message.startswith("rootguard:guardrails: the exemptions route the guardrails around")
    assert message.endswith(
        "so they would get no guardrails: OU Legacy (ou-ab12-legacy01) in the root, "
        "account old-app (510987654321) in OU Security; declare them (with their id) or exempt "
        "them explicitly"
    )
    assert fake.registered == []


def test_without_exemptions_the_children_inherit_and_are_not_read(
    run_stack: Callable[..., Any],
) -> None:
    recording = run_stack({"rootguard:organization": ADOPTED}, fake=FakeAws(children=GAPS))
    (attachment,) = recording.of_type("aws:organizations/policyAttachment:PolicyAttachment")
    assert attachment.inputs["targetId"] == ROOT_ID


def test_declared_live_children_are_fine(run_stack: Callable[..., Any]) -> None:
    declared = {
        ROOT_ID: {"ous": GAPS[ROOT_ID]["ous"][:2], "accounts": GAPS[ROOT_ID]["accounts"]},
        "ou-ab12-security": {"accounts": GAPS["ou-ab12-security"]["accounts"][:1]},
    }
    recording = run_stack(
        {
            "rootguard:organization": ADOPTED,
            "rootguard:guardrails": {"exemptAccounts": ["log-archive"]},
        },
        fake=FakeAws(children=declared),
    )
    targets = {
        a.inputs["targetId"]
        for a in recording.of_type("aws:organizations/policyAttachment:PolicyAttachment")
    }
    assert targets == {"ou-ab12-workload"}  # Security holds only the exempt account


def test_a_delegated_administrator_is_registered_and_its_role_exempted(
    run_stack: Callable[..., Any],
) -> None:
    from rootguard.offline.plan import render_tree

    recording = run_stack(
        {
            "rootguard:organization": minimal_organization(),
            "rootguard:rootAccess": {
                "delegatedAdministrator": {"accountId": "610987654321", "roleName": "ops/RootTasks"}
            },
        }
    )
    (admin,) = recording.of_type("aws:organizations/delegatedAdministrator:DelegatedAdministrator")
    assert admin.inputs == {"accountId": "610987654321", "servicePrincipal": "iam.amazonaws.com"}
    role = "arn:*:iam::610987654321:role/ops/RootTasks"
    statements = {
        statement["Sid"]: statement
        for policy in recording.of_type("aws:organizations/policy:Policy")
        for statement in json.loads(policy.inputs["content"])["Statement"]
    }
    assume_root = statements["DenyMemberAssumeRoot"]["Condition"]["ArnNotLike"]
    assert assume_root["aws:PrincipalArn"] == [role]
    # Only that statement: the role stays denied everything else the guardrails deny.
    assert all(
        role not in json.dumps(s) for sid, s in statements.items() if sid != "DenyMemberAssumeRoot"
    )
    assert (
        "   root access: delegated administrator 610987654321 (iam.amazonaws.com); its role "
        f"{role} is exempt from DenyMemberAssumeRoot"
    ) in render_tree("test", recording)


def test_a_bad_delegated_administrator_is_one_line(run_stack: Callable[..., Any]) -> None:
    fake = FakeAws()
    with pytest.raises(pulumi.RunError) as error:
        run_stack(
            {
                "rootguard:organization": minimal_organization(),
                "rootguard:rootAccess": {
                    "delegatedAdministrator": {"accountId": "6109", "roleName": "RootTasks"}
                },
            },
            fake=fake,
        )
    assert str(error.value).startswith(
        "rootguard:rootAccess.delegatedAdministrator.accountId: must be a 12-digit AWS account id"
    )
    assert fake.registered == []
