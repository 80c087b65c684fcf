"""The Organization component: resources, parents, protection, ordering, imports, outputs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
import pytest
from hypothesis import HealthCheck, given, settings

from rootguard.config.organization import OrganizationConfig
from rootguard.offline import Recording, run_program
from rootguard.offline.fake_aws import ROOT_ID, FakeAws
from rootguard.organization import Organization
from tests.conftest import minimal_organization, plain_args
from tests.test_config_organization import ou_trees

ORG = "aws:organizations/organization:Organization"
OU = "aws:organizations/organizationalUnit:OrganizationalUnit"
ACCOUNT = "aws:organizations/account:Account"


def build(organization: dict[str, Any], fake: FakeAws | None = None) -> Recording:
    args = plain_args(OrganizationConfig, organization)
    return run_program(lambda: Organization("org", args), fake=fake)


def test_adopt_creates_no_organization_and_hangs_top_ous_off_the_looked_up_root() -> None:
    recording = build(minimal_organization())
    assert recording.of_type(ORG) == []
    for ou in recording.of_type(OU):
        assert ou.inputs["parentId"] == ROOT_ID


def test_create_enables_all_features_scps_and_trusted_access_and_is_protected() -> None:
    recording = build(minimal_organization(mode="create", trustedServices=["sso.amazonaws.com"]))
    (organization,) = recording.of_type(ORG)
    assert organization.inputs["featureSet"] == "ALL"
    assert organization.inputs["enabledPolicyTypes"] == ["SERVICE_CONTROL_POLICY"]
    assert organization.inputs["awsServiceAccessPrincipals"] == [
        "account.amazonaws.com",
        "cloudtrail.amazonaws.com",
        "iam.amazonaws.com",
        "sso.amazonaws.com",
    ]
    assert organization.protect and organization.retain_on_delete


def test_every_child_is_parented_by_the_component_and_named_after_it() -> None:
    recording = build(minimal_organization(mode="create"))
    component = recording.named("org")
    assert component.type == "rootguard:index:Organization"
    children = [r for r in recording if r is not component]
    assert children and all(r.parent == component.urn for r in children)
    assert all(r.name.startswith("org-") for r in children)


def test_accounts_are_protected_retained_and_never_closed() -> None:
    recording = build(minimal_organization())
    (account,) = recording.of_type(ACCOUNT)
    assert account.protect
    assert account.retain_on_delete
    assert account.inputs["closeOnDeletion"] is False
    assert account.inputs["iamUserAccessToBilling"] == "DENY"
    # Changing a creation-only input must never replace (close) an account.
    assert {"iamUserAccessToBilling", "roleName"} <= set(account.ignore_changes)


def test_ous_are_protected() -> None:
    recording = build(minimal_organization())
    assert all(ou.protect and ou.retain_on_delete for ou in recording.of_type(OU))


def test_account_lives_in_its_ou_and_waits_for_it() -> None:
    recording = build(minimal_organization())
    security = recording.named("org-ou-Security")
    account = recording.named("org-account-log-archive")
    assert account.inputs["parentId"] == security.id
    assert security.urn in account.property_dependencies["parentId"]


def test_nested_ou_is_created_under_its_parent_after_it() -> None:
    recording = build(
        minimal_organization(
            organizationalUnits=[{"path": "Workloads"}, {"path": "Workloads/Prod"}], accounts=[]
        )
    )
    parent = recording.named("org-ou-Workloads")
    child = recording.named("org-ou-Workloads/Prod")
    assert child.inputs["name"] == "Prod"
    assert child.inputs["parentId"] == parent.id
    assert parent.urn in child.depends_on


def test_existing_ou_and_account_are_imported_not_created() -> None:
    recording = build(
        minimal_organization(
            organizationalUnits=[{"path": "Security", "id": "ou-ab12-cdef3456"}],
            accounts=[
                {
                    "name": "log-archive",
                    "email": "aws+log@example.com",
                    "ou": "Security",
                    "id": "210987654321",
                }
            ],
        )
    )
    ou = recording.named("org-ou-Security")
    account = recording.named("org-account-log-archive")
    assert ou.import_id == "ou-ab12-cdef3456" and ou.id == "ou-ab12-cdef3456"
    assert account.import_id == "210987654321"
    # AWS cannot read billing access back; setting it would make the import mismatch.
    assert "iamUserAccessToBilling" not in account.inputs
    assert account.protect


def test_outputs_map_paths_and_names_to_ids() -> None:
    recording = build(minimal_organization())
    outputs = recording.component_outputs[recording.named("org").urn]
    assert outputs["rootId"] == ROOT_ID
    assert outputs["ouIds"] == {
        "Security": recording.named("org-ou-Security").id,
        "Workloads": recording.named("org-ou-Workloads").id,
    }
    assert outputs["accountIds"] == {"log-archive": recording.named("org-account-log-archive").id}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"featureSet": "CONSOLIDATED_BILLING"}, "feature set is CONSOLIDATED_BILLING, not ALL"),
        (
            {"roots": [{"id": ROOT_ID, "arn": "arn", "name": "Root", "policyTypes": []}]},
            "SCPs are not enabled",
        ),
    ],
)
def test_adopting_an_unready_organization_fails_before_creating_anything(
    change: dict[str, Any], problem: str
) -> None:
    fake = FakeAws()
    fake.organization = {**fake.organization, **change}
    with pytest.raises(pulumi.RunError) as caught:
        build(minimal_organization(), fake=fake)
    message = str(caught.value)
    assert message.startswith("rootguard:organization.mode: adopted organization")
    assert problem in message and "\n" not in message
    assert [t for t, _ in fake.registered if t.startswith("aws:")] == []


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ou_trees())
def test_any_valid_tree_creates_each_ou_under_its_parent(paths: list[str]) -> None:
    paths = [p for p in paths if p.count("/") < 5]
    recording = build({"organizationalUnits": [{"path": p} for p in paths]})
    by_name: Callable[[str], Any] = recording.named
    for path in paths:
        ou = by_name(f"org-ou-{path}")
        parent_path, _, name = path.rpartition("/")
        assert ou.inputs["name"] == name
        if parent_path:
            parent = by_name(f"org-ou-{parent_path}")
            assert ou.inputs["parentId"] == parent.id
            assert parent.urn in ou.depends_on
        else:
            assert ou.inputs["parentId"] == ROOT_ID
