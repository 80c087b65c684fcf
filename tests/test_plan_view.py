"""The plan as a reviewer reads it: summary first, paths and names instead of invented ids,
natural order."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from rootguard.alarm_catalog import load_catalog
from rootguard.cli import main
from rootguard.offline.fake_aws import MANAGEMENT_ACCOUNT_ID, fake_account_id
from rootguard.offline.plan import plan_stack, render_tree
from rootguard.offline.plan_view import natural_key


@pytest.fixture(scope="module")
def prod() -> str:
    return render_tree("prod", plan_stack("prod"))


@pytest.fixture(scope="module")
def dev() -> str:
    return render_tree("dev", plan_stack("dev"))


def test_the_summary_comes_first(prod: str) -> None:
    head, detail = prod.split("\nDetail:\n", 1)
    lines = head.splitlines()
    assert lines[0] == "Plan for stack 'prod'"
    counts = lines[2]
    assert re.fullmatch(
        r"\d+ resources in \d+ components: \d+ to create, 6 imported, \d+ protected", counts
    )
    assert "   import:    3 Account, 3 OrganizationalUnit: Security (ou-pr0d-5ecur1ty)" in head
    assert "(protect + retainOnDelete: never deleted)" in head
    (scp,) = [line for line in lines if line.startswith("   SCP ")]
    assert re.fullmatch(
        r"   SCP rootguard-guardrails-1: 7 statements, \d+ of 5120 characters, attached to .+",
        scp,
    )
    assert "account log-archive" in scp and "Workloads" in scp
    # An SCP and the Chatbot guardrail are both `Policy`: the module tells them apart.
    assert "1 Policy (iam), 1 Policy (organizations)," in head
    assert "RootGuard rootguard" not in head and "RootGuard rootguard" in detail


def test_the_summary_says_which_alarms_are_on_and_off(dev: str) -> None:
    (alarms,) = [line for line in dev.splitlines() if line.startswith("   alarms ")]
    on, off = alarms.split(": ", 1)[1].split("; ")
    assert on.startswith("19 on (1.2-contacts, 4.1, 4.2, 4.3, 4.3-accesskey, 4.3-assumeroot,")
    # off: dev's three network alarms and the session-activity record, off by default
    assert off == "4 off (4.3-session, 4.10, 4.11, 4.13)"


def test_ou_parents_are_paths_and_new_ids_say_new(dev: str) -> None:
    blocks = dev.split("\n")
    nonprod = next(
        i
        for i, line in enumerate(blocks)
        if "OrganizationalUnit rootguard-organization-ou-Workloads/NonProd  (" in line
    )
    assert blocks[nonprod + 2].strip(" │") == 'parentId: "Workloads (new)"'
    workloads = next(
        i
        for i, line in enumerate(blocks)
        if "OrganizationalUnit rootguard-organization-ou-Workloads  (" in line
    )
    assert blocks[workloads + 2].strip(" │") == 'parentId: "Root"'
    app = next(i for i, line in enumerate(blocks) if "account-dev-app  (" in line)
    assert 'parentId: "Workloads/NonProd (new)"' in "\n".join(blocks[app : app + 8])
    assert 'targetId: "Workloads (new)"' in dev
    assert 'accountId: "dev-app (new)"' in dev


def test_no_invented_id_is_shown(dev: str) -> None:
    for name in ("dev-app", "dev-audit", "dev-log-archive", "dev-sandbox"):
        assert fake_account_id(f"rootguard-organization-account-{name}") not in dev
    assert not re.search(r"\bou-ex12-", dev)
    assert not re.search(r"\bp-[0-9a-f]{8}\b", dev)
    assert not re.search(r"key/[0-9a-f]{8}-", dev)
    # Every 12-digit number left is the (existing) management account.
    assert set(re.findall(r"(?<!\d)\d{12}(?!\d)", dev)) == {MANAGEMENT_ACCOUNT_ID}


def test_imported_ids_are_real_and_labelled(prod: str) -> None:
    assert 'parentId: "Workloads (ou-pr0d-w0rk10ad)"' in prod
    assert '"log-archive": "log-archive (210987654321)"' in prod


def test_alarms_are_in_natural_order(prod: str) -> None:
    alarms = re.findall(r"MetricAlarm rootguard-alarms-(\d-[\w-]+?)-alarm ", prod)
    assert len(alarms) == len([d for d in load_catalog() if d.enabled])
    # the tree orders resources by their names' natural order
    assert alarms == sorted(alarms, key=lambda slug: natural_key(f"{slug}-alarm"))
    assert alarms.index("4-2") < alarms.index("4-10")
    outputs = prod.split("\nOutputs:\n", 1)[1]
    ids = re.findall(r'^\s+"(4\.[\w-]+)": "', outputs, re.MULTILINE)
    assert ids.index("4.2") < ids.index("4.10") < ids.index("4.15")


def test_natural_key() -> None:
    ids = ["4.10", "4.2", "4.3-assumeroot", "4.1", "4.3"]
    assert sorted(ids, key=natural_key) == ["4.1", "4.2", "4.3", "4.3-assumeroot", "4.10"]


def test_the_json_keeps_ids_and_names_the_invented_ones(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    assert main(["plan", "dev", "--json", str(out), "--quiet"]) == 0
    plan = json.loads(out.read_text())
    accounts = plan["outputs"]["accountIds"]
    assert plan["newIds"][accounts["dev-app"]] == "dev-app"
    ous = plan["outputs"]["organizationalUnitIds"]
    assert plan["newIds"][ous["Workloads/NonProd"]] == "Workloads/NonProd"
    assert re.match(r"\d+ resources in \d+ components: ", plan["summary"][0])


def test_quiet_prints_only_the_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "dev", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert re.match(r"\d+ resources in \d+ components: ", out)
    assert "Detail:" not in out and "Outputs:" not in out
    assert "   SCP rootguard-guardrails-1" in out
