"""Every rendered SCP document is valid JSON, fits the quota and passes parliament's linter."""

from __future__ import annotations

import json

import parliament
import pytest

from rootguard.config.guardrails import GuardrailsConfig
from rootguard.config.stack_file import load_stack_config, stack_names
from rootguard.scp import POLICY_VERSION, catalog_ids

MANY_EXEMPTIONS = [f"arn:aws:iam::*:role/team-{n:02d}-admin" for n in range(40)]

CONFIGS: dict[str, GuardrailsConfig] = {
    **{f"stack {s}": load_stack_config(s).guardrails for s in stack_names()},
    "defaults": GuardrailsConfig(),
    "exemptions": GuardrailsConfig(exempt_principals=["arn:aws:iam::123456789012:role/BreakGlass"]),
    # Forty exemptions overflow one policy: the set must split and still lint clean.
    "split": GuardrailsConfig(exempt_principals=MANY_EXEMPTIONS, max_policies_per_target=5),
    **{f"only {sid}": GuardrailsConfig(statements=[sid]) for sid in catalog_ids()},
}


def lint(document: str, community: bool = False) -> list[str]:
    policy = parliament.analyze_policy_string(document, include_community_auditors=community)
    return [f"{f.issue}: {f.detail}" for f in policy.findings]


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_every_document_is_minified_json_within_quota_and_lints_clean(name: str) -> None:
    config = CONFIGS[name]
    policies = config.policies()
    assert policies
    for policy in policies:
        parsed = json.loads(policy.document)
        assert parsed["Version"] == POLICY_VERSION
        assert policy.document == json.dumps(parsed, separators=(",", ":"), sort_keys=True)
        assert policy.characters == len(policy.document) <= config.max_policy_characters
        assert lint(policy.document) == []


def test_every_statement_passes_the_community_auditors_too() -> None:
    # parliament's community auditors (privilege escalation, credentials exposure, ...) take
    # seconds per document, so they run once, on one document holding every statement.
    (document,) = GuardrailsConfig(exempt_principals=MANY_EXEMPTIONS[:2]).policies()
    assert document.statement_ids == catalog_ids()
    assert lint(document.document, community=True) == []


def test_the_split_case_really_splits() -> None:
    assert len(CONFIGS["split"].policies()) > 1


def test_the_linter_would_catch_a_misspelt_action() -> None:
    # The clean results above mean something only if parliament knows the actions: a typo
    # in the catalog (or an action it does not know) must show up as UNKNOWN_ACTION.
    statement = {"Effect": "Deny", "Action": "iam:CreateAccesKey", "Resource": "*"}
    bad = json.dumps({"Version": POLICY_VERSION, "Statement": [statement]})
    assert any(finding.startswith("UNKNOWN_ACTION") for finding in lint(bad))
