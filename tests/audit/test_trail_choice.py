"""With several organization trails, the audit judges the one the stack uses."""

from __future__ import annotations

from dataclasses import replace

from rootguard.audit.model import Finding, Status
from tests.fakes import FakeAws, FakeOrganization
from tests.fakes.stack import stack_config

from .conftest import audit

CT_NAME = "aws-controltower-BaselineCloudTrail"
CT_LOG_GROUP = "aws-controltower/CloudTrailLogs"


def add_control_tower_trail(org: FakeOrganization, *, logging: bool) -> str:
    """A second organization trail beside rootguard's, as Control Tower keeps one."""
    region, account = org.region, org.management_id
    arn = f"arn:aws:cloudtrail:{region}:{account}:trail/{CT_NAME}"
    org.trails.append(
        replace(
            org.trail,
            name=CT_NAME,
            arn=arn,
            bucket="aws-controltower-logs",
            log_group_arn=f"arn:aws:logs:{region}:{account}:log-group:{CT_LOG_GROUP}:*",
            logging=logging,
        )
    )
    return arn


def judged(findings: list[Finding], check_id: str) -> Finding:
    (finding,) = [f for f in findings if f.check_id == check_id]
    return finding


def test_the_configured_existing_trail_is_judged_not_the_best_one(
    org: FakeOrganization, fake: FakeAws
) -> None:
    ct_arn = add_control_tower_trail(org, logging=False)
    # Without a stack the audit judges the best trail: rootguard's, which is logging.
    assert judged(audit(fake), "TRAIL-LOGGING").resource == org.trail.arn

    config = stack_config(
        org, trail={"existing": {"trailArn": ct_arn, "logGroupName": CT_LOG_GROUP}}
    )
    logging = judged(audit(fake, config=config), "TRAIL-LOGGING")
    assert logging.resource == ct_arn
    assert logging.status is Status.FAIL


def test_the_configured_trail_name_is_judged_when_several_tie(
    org: FakeOrganization, fake: FakeAws
) -> None:
    ct_arn = add_control_tower_trail(org, logging=True)
    # Equally good trails tie by ARN: Control Tower's sorts first.
    assert judged(audit(fake), "TRAIL-ORG").resource == ct_arn
    config = stack_config(org, trail={"name": org.trail.name})
    assert judged(audit(fake, config=config), "TRAIL-ORG").resource == org.trail.arn
