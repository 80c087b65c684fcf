"""rootguard as a Pulumi component package: the schema the SDK infers from provider/, and a
component constructed through the provider as another language's program would."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml
from pulumi.provider.experimental.component import ComponentProvider

import rootguard
from rootguard.offline import run_program
from rootguard.offline.fake_aws import ORGANIZATION_ID
from tests.package import PROVIDER, hosted_components, package_schema

PUBLIC = [
    "RootGuard",
    "Organization",
    "Guardrails",
    "RootAccess",
    "PasswordPolicy",
    "RecoveryContacts",
    "OrgTrail",
    "SecurityAlarms",
]


@pytest.fixture(scope="module")
def components() -> list[type[pulumi.ComponentResource]]:
    """The components provider/__main__.py hosts."""
    return hosted_components()


def test_provider_hosts_the_installed_package(rootguard_installed: Path, tmp_path: Path) -> None:
    """Run outside the checkout, provider/__main__.py finds every component in the wheel."""
    script = (
        "import runpy, sys\n"
        f"hosted = runpy.run_path({str(PROVIDER / '__main__.py')!r}, run_name='x')['COMPONENTS']\n"
        "print('\\n'.join(sys.modules[c.__module__].__file__ for c in hosted))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env={"PYTHONPATH": str(rootguard_installed), "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
        text=True,
    )
    files = result.stdout.split()
    assert len(files) == len(PUBLIC)
    assert all(Path(f).is_relative_to(rootguard_installed) for f in files), files


@pytest.fixture(scope="module")
def schema(components: list[type[pulumi.ComponentResource]]) -> dict[str, Any]:
    return package_schema(components)


def resource(schema: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = schema["resources"][f"rootguard:index:{name}"]
    return found


def test_plugin_manifest_runs_python() -> None:
    manifest = yaml.safe_load((PROVIDER / "PulumiPlugin.yaml").read_text())
    assert manifest == {"runtime": "python"}
    assert (PROVIDER / "requirements.txt").read_text().splitlines()[-1] == ".."
    # The host announces the installed package's version.
    assert version("rootguard") == rootguard.__version__ != "0+unknown"


def test_schema_lists_every_public_component_as_a_component(schema: dict[str, Any]) -> None:
    assert sorted(schema["resources"]) == sorted(f"rootguard:index:{name}" for name in PUBLIC)
    for name in PUBLIC:
        assert resource(schema, name)["isComponent"] is True
        assert resource(schema, name)["description"]
    assert schema.get("dependencies", []) == []


@pytest.mark.parametrize(
    ("name", "inputs", "required", "outputs"),
    [
        (
            "RootGuard",
            {"organization", "guardrails", "rootAccess", "passwordPolicy", "contacts", "trail"},
            ["organization"],
            {"organizationId", "accountIds", "trailArn", "alarmTopicArn", "securityContacts"},
        ),
        ("Organization", {"mode", "organizationalUnits", "accounts"}, [], {"ouIds", "rootId"}),
        ("Guardrails", {"statements", "attachTo", "organizationId"}, [], {"policyIds"}),
        ("RootAccess", {"rootSessions", "organizationId"}, [], {"enabledFeatures"}),
        ("PasswordPolicy", {"minimumPasswordLength", "hardExpiry"}, [], {"settings"}),
        ("RecoveryContacts", {"default", "memberAccounts"}, ["default"], {"securityContacts"}),
        ("OrgTrail", {"bucket", "existingBucket", "organizationId"}, [], {"logGroupName"}),
        (
            "SecurityAlarms",
            {"email", "disabled", "enabled", "logGroupName"},
            ["logGroupName"],
            {"topicArn"},
        ),
    ],
)
def test_each_component_has_its_inputs_and_outputs(
    schema: dict[str, Any], name: str, inputs: set[str], required: list[str], outputs: set[str]
) -> None:
    spec = resource(schema, name)
    assert inputs <= set(spec["inputProperties"])
    assert spec["requiredInputs"] == required
    assert outputs <= set(spec["properties"])
    # Nothing internal leaks out: child components and resources are not outputs.
    assert not {"trustedAccess", "organization", "accounts"} & set(spec["properties"])


def test_config_is_plain_and_links_are_outputs(schema: dict[str, Any]) -> None:
    trail = resource(schema, "OrgTrail")["inputProperties"]
    assert trail["name"]["plain"] is True
    assert "plain" not in trail["organizationId"]
    assert trail["bucket"]["$ref"] == "#/types/rootguard:index:BucketSettings"
    attach_to = resource(schema, "Guardrails")["inputProperties"]["attachTo"]
    assert attach_to["additionalProperties"]["type"] == "string"
    assert "plain" not in attach_to["additionalProperties"]


def test_nested_types_carry_what_is_allowed(schema: dict[str, Any]) -> None:
    account = schema["types"]["rootguard:index:Account"]
    assert account["required"] == ["email", "name", "ou"]
    assert "12-digit AWS account id" in account["properties"]["id"]["description"]
    retention = schema["types"]["rootguard:index:LogGroupSettings"]["properties"]["retentionDays"]
    assert retention["type"] == "integer"
    assert "One of: 1, 3, 5" in retention["description"]
    mode = resource(schema, "Organization")["inputProperties"]["mode"]
    assert "One of: adopt, create" in mode["description"]


def test_provider_constructs_a_component_from_camel_case_inputs(
    components: list[type[pulumi.ComponentResource]],
) -> None:
    provider = ComponentProvider(components, "rootguard", version=rootguard.__version__)
    states: dict[str, Any] = {}

    def program() -> None:
        result = provider.construct(
            "trail",
            "rootguard:index:OrgTrail",
            {
                "name": "org-trail",
                "bucket": {"retentionDays": 400, "objectLock": {"days": 90}},
                "logGroup": {"retentionDays": 90},
                "organizationId": ORGANIZATION_ID,
            },
        )
        states.update(result.state)
        pulumi.export("trailArn", result.state["trailArn"])

    recording = run_program(program)
    (trail,) = recording.of_type("aws:cloudtrail/trail:Trail")
    assert trail.inputs["name"] == "org-trail"
    assert trail.inputs["isOrganizationTrail"] is True
    (lock,) = recording.of_type(
        "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"
    )
    assert lock.inputs["rule"]["defaultRetention"]["days"] == 90
    (log_group,) = recording.of_type("aws:cloudwatch/logGroup:LogGroup")
    assert log_group.inputs["retentionInDays"] == 90
    assert recording.exports["trailArn"] == trail.outputs["arn"]
    assert {"trailArn", "bucketName", "logGroupName", "kmsKeyArn"} <= set(states)


def test_provider_reports_bad_inputs_with_the_key(
    components: list[type[pulumi.ComponentResource]],
) -> None:
    provider = ComponentProvider(components, "rootguard", version=rootguard.__version__)
    with pytest.raises(
        Exception, match=r"^OrgTrail 'trail': bucket\.objectLock\.days: 400 days of object lock"
    ):
        run_program(
            lambda: provider.construct(
                "trail",
                "rootguard:index:OrgTrail",
                {"bucket": {"retentionDays": 30, "objectLock": {"days": 400}}},
            )
        )


def test_provider_constructs_the_whole_baseline_from_nested_inputs(
    components: list[type[pulumi.ComponentResource]],
) -> None:
    provider = ComponentProvider(components, "rootguard", version=rootguard.__version__)
    contact = {
        "name": "Sec",
        "title": "On-call",
        "email": "sec@example.com",
        "phone": "+1 206 555 0100",
    }

    def program() -> None:
        provider.construct(
            "rootguard",
            "rootguard:index:RootGuard",
            {
                "organization": {
                    "organizationalUnits": [{"path": "Workloads"}],
                    "accounts": [{"name": "prod", "email": "p@example.com", "ou": "Workloads"}],
                },
                "guardrails": {"targets": ["Workloads"]},
                "contacts": {"default": {"security": contact}},
                "alarms": {"email": ["security@example.com"]},
            },
        )

    recording = run_program(program)
    (account,) = recording.of_type("aws:organizations/account:Account")
    assert account.inputs["email"] == "p@example.com"
    attachments = recording.of_type("aws:organizations/policyAttachment:PolicyAttachment")
    assert {a.inputs["targetId"] for a in attachments} == {
        recording.named("rootguard-organization-ou-Workloads").id
    }
    contacts = recording.of_type("aws:account/alternativeContact:AlternativeContact")
    assert {c.inputs.get("accountId") for c in contacts} == {None, account.id}
    assert recording.of_type("aws:cloudtrail/trail:Trail")
