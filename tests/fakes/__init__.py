"""The shared fake AWS Organization for tests and benchmarks.

    from tests.fakes import FakeAws, FakeOrganization

    org = FakeOrganization.secure()            # or .secure(members=1000, ous=100)
    org.give_root_credentials("payments", password=True, access_keys=1)
    fake = FakeAws(org, latency=0.01)
    fake.attach(boto3_client)                  # answer at botocore's before-send, or
    with fake.serve() as url: ...              # a loopback HTTP endpoint
    fake.count("DeleteAccessKey"), fake.deleted, fake.calls

`organization.py` is the one description; `aws.py` answers requests from it at the HTTP
layer; `facts.py` turns it into the audit's facts for the pure check tests.
"""

from .aws import Deleted, FakeAws, Fault, Recorded
from .organization import (
    MANAGEMENT,
    MEMBERS,
    OUS,
    REGION,
    FakeOrganization,
    RootCredentials,
)

__all__ = [
    "MANAGEMENT",
    "MEMBERS",
    "OUS",
    "REGION",
    "Deleted",
    "FakeAws",
    "FakeOrganization",
    "Fault",
    "Recorded",
    "RootCredentials",
]
