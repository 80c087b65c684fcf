"""The resource graph: no wait without a reason, and no chain longer than the data requires.

On a first `pulumi up`, the longest chain of dependencies is the number of create calls that
must happen one after another. Most links are data (a resource's input is another's output);
every other link, an explicit `depends_on`, must be one of ORDERING below, with its reason.
"""

from __future__ import annotations

import itertools
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from bench.baseline_scale import baseline_config
from rootguard.config.stack_file import stack_names
from rootguard.offline import Recording, Registration, run_program
from rootguard.offline.fake_aws import FakeAws
from rootguard.offline.graph import dependencies, longest_chain
from rootguard.offline.plan import plan_stack, run_main

# Explicit waits (no input links the two), each for an API precondition the data does not
# express. (waited-for type, waiting type) -> why.
ORDERING: dict[tuple[str, str], str] = {
    (
        "aws:organizations/organization:Organization",
        "aws:organizations/policy:Policy",
    ): "CreatePolicy needs the SCP policy type enabled on the new organization",
    (
        "aws:organizations/organization:Organization",
        "aws:iam/organizationsFeatures:OrganizationsFeatures",
    ): "EnableOrganizationsRootCredentialsManagement needs trusted access for IAM",
    (
        "aws:organizations/organization:Organization",
        "aws:account/alternativeContact:AlternativeContact",
    ): "PutAlternateContact with AccountId needs trusted access for Account Management "
    "(for a declared account also implied through the account, which cannot shorten a chain)",
    (
        "aws:organizations/organization:Organization",
        "aws:cloudtrail/trail:Trail",
    ): "an organization trail needs trusted access for CloudTrail",
    (
        "aws:s3/bucketPolicy:BucketPolicy",
        "aws:cloudtrail/trail:Trail",
    ): "CreateTrail checks that the bucket policy lets CloudTrail write",
    (
        "aws:iam/rolePolicy:RolePolicy",
        "aws:cloudtrail/trail:Trail",
    ): "CreateTrail checks that the delivery role may write to the log group",
    (
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:cloudtrail/trail:Trail",
    ): "no log lands before the bucket's default encryption is set",
    (
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "aws:s3/bucketPolicy:BucketPolicy",
    ): "S3 aborts a bucket policy change concurrent with the public access block change",
    (
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        "aws:s3/bucketPolicy:BucketPolicy",
    ): "S3 aborts a bucket policy change concurrent with the ownership change",
    (
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "aws:cloudtrail/trail:Trail",
    ): "implied through the bucket policy: the bucket is locked down before logs flow",
    (
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        "aws:cloudtrail/trail:Trail",
    ): "implied through the bucket policy: the bucket is locked down before logs flow",
    (
        "aws:s3/bucketVersioning:BucketVersioning",
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    ): "noncurrent-version expiration needs versioning on",
    (
        "aws:s3/bucketVersioning:BucketVersioning",
        "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
    ): "object lock needs versioning on",
    (
        "aws:cloudwatch/logMetricFilter:LogMetricFilter",
        "aws:cloudwatch/metricAlarm:MetricAlarm",
    ): "an alarm is never live on a metric nothing feeds, and is destroyed before its filter",
    (
        "aws:iam/rolePolicy:RolePolicy",
        "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration",
    ): "the Chatbot role has its permissions before Chatbot first assumes it",
    (
        "aws:iam/rolePolicy:RolePolicy",
        "aws:chatbot/teamsChannelConfiguration:TeamsChannelConfiguration",
    ): "the Chatbot role has its permissions before Chatbot first assumes it",
}


def explicit_links(recording: Recording) -> set[tuple[str, str]]:
    """(waited-for type, waiting type) of every dependency no input accounts for."""
    by_urn = {r.urn: r for r in recording}
    links = set()
    for resource, waited in dependencies(recording).items():
        data = set().union(*by_urn[resource].property_dependencies.values())
        links |= {(by_urn[urn].type, by_urn[resource].type) for urn in waited - data}
    return links


def is_data_link(before: Registration, after: Registration) -> bool:
    return before.urn in set().union(*after.property_dependencies.values())


@pytest.fixture(scope="module")
def large() -> Recording:
    """A created organization with OUs two deep, every section set (the benchmark's config)."""
    return run_main(baseline_config(300), stack="bench", fake=FakeAws())


@pytest.fixture(scope="module", params=stack_names())
def stack(request: pytest.FixtureRequest) -> Recording:
    return plan_stack(request.param)


def test_every_explicit_wait_has_a_reason(large: Recording, stack: Recording) -> None:
    for recording in (large, stack):
        unexplained = explicit_links(recording) - ORDERING.keys()
        assert not unexplained, f"depends_on without a reason in ORDERING: {unexplained}"


def test_longest_chain_is_the_ou_tree_down_to_each_account(large: Recording) -> None:
    chain = longest_chain(large)
    kinds = [r.type.split(":")[-1] for r in chain]
    # Organization -> top OU -> nested OU -> account -> something on the account: each link
    # an id the next one is created with.
    assert kinds[:4] == ["Organization", "OrganizationalUnit", "OrganizationalUnit", "Account"]
    assert kinds[4] in {"AlternativeContact", "PolicyAttachment"}
    assert len(chain) == 5
    assert all(is_data_link(a, b) for a, b in itertools.pairwise(chain))


def test_no_stack_waits_longer_than_its_ou_tree_or_the_trail_storage_needs(
    stack: Recording,
) -> None:
    chain = longest_chain(stack)
    ous = stack.of_type("aws:organizations/organizationalUnit:OrganizationalUnit")
    depth = max(r.name.count("/") + 1 for r in ous)
    created = 1 if stack.of_type("aws:organizations/organization:Organization") else 0
    # The organization (when created), the OUs, the account, one resource on the account;
    # or bucket -> public access block -> bucket policy -> trail, whichever is longer.
    assert len(chain) == max(created + depth + 2, 4)
    for before, after in itertools.pairwise(chain):
        assert is_data_link(before, after) or (before.type, after.type) in ORDERING


def test_chain_counts_custom_resources_and_sees_through_components() -> None:
    def program() -> None:
        first = aws.s3.Bucket("first")
        group = pulumi.ComponentResource("test:index:Group", "group")
        second = aws.s3.BucketVersioning(
            "second",
            bucket=first.id,
            versioning_configuration={"status": "Enabled"},
            opts=pulumi.ResourceOptions(parent=group),
        )
        group.register_outputs({})
        # Waiting for the component is waiting for what is inside it.
        aws.s3.Bucket("third", opts=pulumi.ResourceOptions(depends_on=[group]))
        aws.s3.Bucket("alone")
        pulumi.export("versioning", second.id)

    recording = run_program(program)
    assert [r.name for r in longest_chain(recording)] == ["first", "second", "third"]
    waits: dict[str, Any] = {
        recording.by_urn(urn).name: sorted(recording.by_urn(u).name for u in waited)
        for urn, waited in dependencies(recording).items()
    }
    assert waits == {"first": [], "second": ["first"], "third": ["second"], "alone": []}
