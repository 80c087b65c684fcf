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

    @staticmethod
    def lookup(parent: pulumi.Resource) -> AwsContext:
        """Invoke the provider's identity lookups as children of `parent` (its provider)."""
        invoke = pulumi.InvokeOptions(parent=parent)
        return AwsContext(
            partition=aws.get_partition_output(opts=invoke).partition,
            region=aws.get_region_output(opts=invoke).region,
            account_id=aws.get_caller_identity_output(opts=invoke).account_id,
        )
