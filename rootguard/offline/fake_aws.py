"""A fake AWS behind Pulumi's mocks: deterministic ids and ARNs, and the invokes we allow.

Every invoke token rootguard uses has an entry in INVOKES; any other token raises, so a new
lookup cannot slip into the program without a test noticing it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

from pulumi.runtime import MockCallArgs, MockResourceArgs, Mocks

from rootguard.config.organization import REQUIRED_SERVICE_PRINCIPALS
from rootguard.regions import partition_of

# AWS-managed; attached to the root and to every OU and account when SCPs are enabled.
FULL_AWS_ACCESS = {
    "id": "p-FullAWSAccess",
    "name": "FullAWSAccess",
    "description": "Allows access to every operation",
    "awsManaged": True,
    "content": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*",'
    '"Resource":"*"}]}',
}
ORGANIZATION_ID = "o-exampleorg1"
ROOT_ID = "r-ex12"
MANAGEMENT_ACCOUNT_ID = "111111111111"
PARTITION = "aws"  # the default region's; a FakeAws uses its own region's partition


class UnknownInvoke(Exception):
    """The program called an invoke the fake AWS does not model."""


def _digest(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()


def fake_account_id(name: str) -> str:
    return str(int(_digest("account", name), 16))[-12:].rjust(12, "2")


def _organization(trusted_services: Iterable[str], partition: str = PARTITION) -> dict[str, Any]:
    arn_base = f"arn:{partition}:organizations::{MANAGEMENT_ACCOUNT_ID}"
    return {
        "id": ORGANIZATION_ID,
        "arn": f"{arn_base}:organization/{ORGANIZATION_ID}",
        "featureSet": "ALL",
        "masterAccountId": MANAGEMENT_ACCOUNT_ID,
        "masterAccountArn": f"{arn_base}:account/{ORGANIZATION_ID}/{MANAGEMENT_ACCOUNT_ID}",
        "masterAccountEmail": "aws-management@example.com",
        "masterAccountName": "management",
        "awsServiceAccessPrincipals": sorted(
            set(REQUIRED_SERVICE_PRINCIPALS) | set(trusted_services)
        ),
        "enabledPolicyTypes": ["SERVICE_CONTROL_POLICY"],
        "roots": [
            {
                "id": ROOT_ID,
                "arn": f"{arn_base}:root/{ORGANIZATION_ID}/{ROOT_ID}",
                "name": "Root",
                "policyTypes": [{"status": "ENABLED", "type": "SERVICE_CONTROL_POLICY"}],
            }
        ],
        "accounts": [],
        "nonMasterAccounts": [],
    }


class FakeAws(Mocks):
    """Pulumi mocks that answer like a small, healthy AWS Organization."""

    def __init__(
        self,
        region: str = "us-east-1",
        trusted_services: Iterable[str] = (),
        organization: dict[str, Any] | None = None,
        policies: Iterable[dict[str, Any]] = (),
        attachments: dict[str, list[str]] | None = None,
        children: dict[str, dict[str, list[dict[str, str]]]] | None = None,
    ):
        self.region = region
        # Existing SCPs (id -> policy) and what is attached where (target id -> policy ids);
        # a target not listed carries FullAWSAccess only, as AWS attaches it everywhere.
        self.policies = {p["id"]: p for p in (FULL_AWS_ACCESS, *policies)}
        self.attachments = dict(attachments or {})
        # What already exists below the root and adopted OUs: parent id -> {"ous": [{id,
        # name}], "accounts": [{id, name}]}; a parent not listed has no live children.
        self.children = dict(children or {})
        # The partition follows the region (us-gov-west-1 -> aws-us-gov), as the provider's
        # getPartition does, so every ARN the fake computes is in the program's partition.
        self.partition = partition_of(region)
        self.organization = organization or _organization(trusted_services, self.partition)
        # (type, name) of every resource registered, even when the program later fails.
        self.registered: list[tuple[str, str]] = []
        self.invokes: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "aws:organizations/getOrganization:getOrganization": lambda _: self.organization,
            "aws:index/getCallerIdentity:getCallerIdentity": lambda _: {
                "accountId": MANAGEMENT_ACCOUNT_ID,
                "arn": f"arn:{self.partition}:iam::{MANAGEMENT_ACCOUNT_ID}:role/deployer",
                "id": MANAGEMENT_ACCOUNT_ID,
                "userId": "AROAEXAMPLE:deployer",
            },
            "aws:index/getPartition:getPartition": lambda _: {
                "id": self.partition,
                "partition": self.partition,
                "dnsSuffix": _dns_suffix(self.partition),
                "reverseDnsPrefix": ".".join(reversed(_dns_suffix(self.partition).split("."))),
            },
            "aws:organizations/getPoliciesForTarget:getPoliciesForTarget": self._policies_for,
            "aws:organizations/getPolicy:getPolicy": self._policy,
            "aws:organizations/getOrganizationalUnits:getOrganizationalUnits": lambda a: {
                "id": a["parentId"],
                "parentId": a["parentId"],
                "children": [
                    {"arn": f"arn:{self.partition}:organizations::ou/{c['id']}", **c}
                    for c in self.children.get(a["parentId"], {}).get("ous", [])
                ],
            },
            "aws:organizations/getOrganizationalUnitChildAccounts:"
            "getOrganizationalUnitChildAccounts": lambda a: {
                "id": a["parentId"],
                "parentId": a["parentId"],
                "accounts": [
                    {
                        "arn": f"arn:{self.partition}:organizations::account/{c['id']}",
                        "email": c.get("email", f"aws+{c['name']}@example.com"),
                        "joinedMethod": "CREATED",
                        "joinedTimestamp": "2024-01-01T00:00:00Z",
                        "state": "ACTIVE",
                        "status": "ACTIVE",
                        **c,
                    }
                    for c in self.children.get(a["parentId"], {}).get("accounts", [])
                ],
            },
            "aws:index/getRegion:getRegion": lambda _: {
                "id": self.region,
                "name": self.region,
                "region": self.region,
                "endpoint": f"ec2.{self.region}.{_dns_suffix(self.partition)}",
                "description": self.region,
            },
        }

    def _policies_for(self, args: dict[str, Any]) -> dict[str, Any]:
        target = args["targetId"]
        ids = self.attachments.get(target, [FULL_AWS_ACCESS["id"]])
        return {"id": target, "targetId": target, "filter": args.get("filter"), "ids": ids}

    def _policy(self, args: dict[str, Any]) -> dict[str, Any]:
        policy = self.policies.get(args["policyId"])
        if policy is None:
            raise UnknownInvoke(f"getPolicy: no policy {args['policyId']!r} in the fake AWS")
        arn = f"arn:{self.partition}:organizations::{MANAGEMENT_ACCOUNT_ID}:policy/"
        return {
            "arn": f"{arn}{ORGANIZATION_ID}/service_control_policy/{policy['id']}",
            "awsManaged": bool(policy.get("awsManaged", False)),
            "content": policy["content"],
            "description": policy.get("description", ""),
            "id": policy["id"],
            "name": policy["name"],
            "policyId": policy["id"],
            "type": "SERVICE_CONTROL_POLICY",
        }

    def call(self, args: MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        handler = self.invokes.get(args.token)
        if handler is None:
            raise UnknownInvoke(f"the fake AWS does not model invoke {args.token!r}")
        return handler(args.args), []

    def new_resource(self, args: MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.registered.append((args.typ, args.name))
        computed = _COMPUTED.get(args.typ, _generic)(self, args)
        resource_id = args.resource_id or computed.pop("id", None) or f"{args.name}-id"
        return resource_id, {**args.inputs, **computed}


def _generic(fake: FakeAws, args: MockResourceArgs) -> dict[str, Any]:
    if not args.custom:
        return {}
    service = args.typ.split(":")[1].split("/")[0]
    return {
        "arn": f"arn:{fake.partition}:{service}:{fake.region}:{MANAGEMENT_ACCOUNT_ID}:{args.name}",
    }


def _organization_resource(fake: FakeAws, args: MockResourceArgs) -> dict[str, Any]:
    return dict(fake.organization)


def _organizational_unit(fake: FakeAws, args: MockResourceArgs) -> dict[str, Any]:
    ou_id = args.resource_id or f"ou-{ROOT_ID[2:]}-{_digest('ou', args.name)[:8]}"
    return {
        "id": ou_id,
        "arn": f"arn:{fake.partition}:organizations::{MANAGEMENT_ACCOUNT_ID}:ou/"
        f"{ORGANIZATION_ID}/{ou_id}",
        "accounts": [],
    }


def _account(fake: FakeAws, args: MockResourceArgs) -> dict[str, Any]:
    account_id = args.resource_id or fake_account_id(args.name)
    arn_base = f"arn:{fake.partition}:organizations::{MANAGEMENT_ACCOUNT_ID}"
    return {
        "id": account_id,
        "arn": f"{arn_base}:account/{ORGANIZATION_ID}/{account_id}",
        "status": "ACTIVE",
        "joinedMethod": "CREATED",
    }


def _policy(fake: FakeAws, args: MockResourceArgs) -> dict[str, Any]:
    policy_id = f"p-{_digest('policy', args.name)[:8]}"
    return {
        "id": policy_id,
        "arn": f"arn:{fake.partition}:organizations::{MANAGEMENT_ACCOUNT_ID}:policy/"
        f"{ORGANIZATION_ID}/"
        f"service_control_policy/{policy_id}",
    }


def _named_arn(
    service: str, resource: str, *, regional: bool = True
) -> Callable[[FakeAws, MockResourceArgs], dict[str, Any]]:
    """ARNs AWS derives from the resource's `name` input (the logical name when unnamed)."""

    def computed(fake: FakeAws, args: MockResourceArgs) -> dict[str, Any]:
        name = args.inputs.get("name") or args.name
        region = fake.region if regional else ""
        return {
            "arn": f"arn:{fake.partition}:{service}:{region}:{MANAGEMENT_ACCOUNT_ID}:"
            f"{resource}{name}"
        }

    return computed


def _bucket(fake: FakeAws, args: MockResourceArgs) -> dict[str, Any]:
    # Pulumi auto-names an unnamed bucket `<logical name>-<random suffix>`.
    name = args.inputs.get("bucket") or f"{args.name}-{_digest('bucket', args.name)[:7]}"
    return {"id": name, "bucket": name, "arn": f"arn:{fake.partition}:s3:::{name}"}


def _kms_key(fake: FakeAws, args: MockResourceArgs) -> dict[str, Any]:
    key_id = _uuid(_digest("kms", args.name))
    arn = f"arn:{fake.partition}:kms:{fake.region}:{MANAGEMENT_ACCOUNT_ID}:key/{key_id}"
    return {"id": key_id, "keyId": key_id, "arn": arn}


@cache
def _dns_suffix(partition: str) -> str:
    """The partition's DNS suffix from botocore's endpoint data (amazonaws.com.cn in China)."""
    from botocore.loaders import create_loader

    for entry in create_loader().load_data("endpoints")["partitions"]:
        if entry["partition"] == partition:
            return str(entry["dnsSuffix"])
    return "amazonaws.com"


def _uuid(hex_digest: str) -> str:
    h = hex_digest[:32]
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


# Outputs AWS computes that the program reads back, by resource type. Add an entry when a
# component reads an output the generic ARN does not cover.
_COMPUTED: dict[str, Callable[[FakeAws, MockResourceArgs], dict[str, Any]]] = {
    "aws:organizations/organization:Organization": _organization_resource,
    "aws:organizations/organizationalUnit:OrganizationalUnit": _organizational_unit,
    "aws:organizations/account:Account": _account,
    "aws:organizations/policy:Policy": _policy,
    "aws:cloudtrail/trail:Trail": _named_arn("cloudtrail", "trail/"),
    "aws:cloudwatch/logGroup:LogGroup": _named_arn("logs", "log-group:"),
    "aws:cloudwatch/metricAlarm:MetricAlarm": _named_arn("cloudwatch", "alarm:"),
    "aws:iam/role:Role": _named_arn("iam", "role/", regional=False),
    "aws:iam/policy:Policy": _named_arn("iam", "policy/", regional=False),
    "aws:kms/key:Key": _kms_key,
    "aws:s3/bucket:Bucket": _bucket,
    "aws:sns/topic:Topic": _named_arn("sns", ""),
}


def described_organization(path: Path) -> dict[str, Any]:
    """FakeAws keyword arguments from an organization description (YAML): the existing SCPs
    (`policies`: id, name, description, `document` as a mapping), `attachments` (target id
    -> policy ids) and `children` (parent id -> `ous` and `accounts`, each id and name).
    examples/control-tower/organization.yaml models Control Tower."""
    import json

    import yaml

    from rootguard.config import ConfigError

    try:
        document = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(f"--organization {path}: cannot read it ({error})") from None
    if not isinstance(document, dict):
        raise ConfigError(f"--organization {path}: must be a mapping with policies, attachments")
    policies = [
        {
            **{k: v for k, v in policy.items() if k != "document"},
            "content": json.dumps(policy["document"], separators=(",", ":")),
        }
        for policy in document.get("policies") or []
    ]
    attachments = {str(k): list(v) for k, v in (document.get("attachments") or {}).items()}
    known = {p["id"] for p in policies} | {FULL_AWS_ACCESS["id"]}
    for target, ids in attachments.items():
        unknown = sorted(set(ids) - known)
        if unknown:
            raise ConfigError(
                f"--organization {path}: attachments.{target}: unknown policy {unknown[0]}"
            )
    children = {str(k): dict(v) for k, v in (document.get("children") or {}).items()}
    return {"policies": policies, "attachments": attachments, "children": children}
