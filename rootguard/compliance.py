"""Where a check stands in the graders people already run: CIS and Security Hub control ids.

Every audit check and every alarm carries a `compliance:` mapping in its catalog with exactly
these keys, each a list of control ids (may be empty):

- `cis-1.4`, `cis-3.0`, `cis-7.0`: CIS AWS Foundations Benchmark requirement ids, as
  Prowler's compliance files map its checks (prowler/compliance/aws/cis_<v>_aws.json);
  v7.0 renumbers the identity controls 2.x and the monitoring controls 5.x.
- `securityhub`: AWS Security Hub control ids (IAM.4, CloudTrail.1, CloudWatch.1, ...), from
  the Security Hub User Guide's controls reference ("Security Hub controls reference";
  awsdocs/aws-security-hub-user-guide doc_source/iam-controls.md, account-controls.md,
  cloudtrail-controls.md, cloudwatch-controls.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, TypeAlias

FRAMEWORKS = ("cis-1.4", "cis-3.0", "cis-7.0", "securityhub")
# How AWS names the CIS versions in ASFF `Compliance.RelatedRequirements`
# ("CIS AWS Foundations Benchmark v1.4.0/1.5", as in the Security Hub controls reference).
BENCHMARK_NAMES = {
    "cis-1.4": "CIS AWS Foundations Benchmark v1.4.0",
    "cis-3.0": "CIS AWS Foundations Benchmark v3.0.0",
    "cis-7.0": "CIS AWS Foundations Benchmark v7.0.0",
}

Compliance: TypeAlias = Mapping[str, tuple[str, ...]]
NO_COMPLIANCE: Compliance = MappingProxyType({framework: () for framework in FRAMEWORKS})


def parse_compliance(where: str, raw: Any) -> Compliance:
    """Validate a catalog's `compliance:` mapping; ValueError names `where` and the problem."""
    if not isinstance(raw, Mapping) or set(raw) != set(FRAMEWORKS):
        raise ValueError(f"{where}: needs exactly the keys {', '.join(FRAMEWORKS)}")
    for framework in FRAMEWORKS:
        ids = raw[framework]
        if not isinstance(ids, list) or not all(isinstance(i, str) and i for i in ids):
            raise ValueError(f"{where}.{framework}: must be a list of quoted control ids")
    return MappingProxyType({framework: tuple(raw[framework]) for framework in FRAMEWORKS})


def related_requirements(compliance: Compliance) -> list[str]:
    """The CIS requirements in AWS's own notation, for ASFF and OCSF."""
    return [
        f"{BENCHMARK_NAMES[framework]}/{control}"
        for framework in BENCHMARK_NAMES
        for control in compliance.get(framework, ())
    ]


def as_lists(compliance: Compliance) -> dict[str, list[str]]:
    """JSON form: every framework key, each a list."""
    return {framework: list(compliance.get(framework, ())) for framework in FRAMEWORKS}
