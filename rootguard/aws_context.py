"""Where a component is being deployed: partition, region and account, looked up once."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass(frozen=True)
class AwsContext:
    partition: pulumi.Output[str]
    region: pulumi.Output[str]
    account_id: pulumi.Output[str]
    # The partition's DNS suffix: amazonaws.com, amazonaws.com.cn in China. Regional service
    # principals end with it (`logs.cn-north-1.amazonaws.com.cn`; pulumi-aws
    # `aws.iam.getServicePrincipal` documents the same two forms).
    dns_suffix: pulumi.Output[str]

    @staticmethod
    def lookup(parent: pulumi.Resource) -> AwsContext:
        """Invoke the provider's identity lookups as children of `parent` (its provider)."""
        invoke = pulumi.InvokeOptions(parent=parent)
        partition = aws.get_partition_output(opts=invoke)
        return AwsContext(
            partition=partition.partition,
            dns_suffix=partition.dns_suffix,
            region=aws.get_region_output(opts=invoke).region,
            account_id=aws.get_caller_identity_output(opts=invoke).account_id,
        )
