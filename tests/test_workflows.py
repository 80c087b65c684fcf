"""The GitHub workflows: linted by actionlint and zizmor, pinned, least privilege, and driven
by the stack files rather than by stack names written into them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from rootguard.config.stack_file import STACKS_DIR, stack_names

ROOT = Path(__file__).resolve().parents[1]
GITHUB_DIR = ROOT / ".github"
WORKFLOWS = sorted((GITHUB_DIR / "workflows").glob("*.yml"))
ACTIONS = sorted((GITHUB_DIR / "actions").glob("*/action.yml"))
ACTIONLINT = ROOT / "tools" / "actionlint"
CI_DOC = ROOT / "docs" / "ci.md"

FULL_SHA_PIN = re.compile(r"^[\w.-]+/[\w.-]+(?:/[\w./-]+)?@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"#\s*(v\d+(?:\.\d+){0,2})\b")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$")
MATRIX = "${{ fromJSON(needs.stacks.outputs.matrix) }}"

# zizmor's "auditor" persona (false positives allowed) flags secrets used by a job without a
# GitHub environment. Previews and drift checks deliberately run outside an environment:
# their OIDC subject must stay `pull_request` / `ref:refs/heads/main` (the read-only role's
# trust policy), and an environment would record a deployment for every preview. The
# PULUMI_ACCESS_TOKEN they see is the repository-level, read-only one (docs/ci.md).
AUDITOR_EXCEPTIONS = {
    ("secrets-outside-env", "pull-request.yml", "preview"),
    ("secrets-outside-env", "scheduled-checks.yml", "drift"),
}


# ---------------------------------------------------------------------------- helpers


def load(path: Path) -> dict[str, Any]:
    document = yaml.safe_load(path.read_text())
    assert isinstance(document, dict), path
    # YAML 1.1 reads the key `on` as True.
    if True in document:
        document["on"] = document.pop(True)
    return document


def jobs(path: Path) -> dict[str, dict[str, Any]]:
    return dict(load(path)["jobs"])


def all_jobs() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path in WORKFLOWS:
        for name, job in jobs(path).items():
            yield path.name, name, job


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job.get("steps", []))


def action_steps() -> Iterator[tuple[str, dict[str, Any]]]:
    for path in ACTIONS:
        for step in load(path)["runs"]["steps"]:
            yield str(path.relative_to(ROOT)), step


def every_step() -> Iterator[tuple[str, dict[str, Any]]]:
    for workflow, name, job in all_jobs():
        for step in steps(job):
            yield f"{workflow}:{name}", step
    yield from action_steps()


def uses_of(action: str, job: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in steps(job) if str(s.get("uses", "")).startswith(f"{action}@")]


def scalars(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from scalars(value)
    elif isinstance(node, list):
        for item in node:
            yield from scalars(item)
    elif node is not None:
        yield str(node)


def tool_missing(what: str, how: str) -> None:
    """CI installs every linter (.ci/run runs `make test`); elsewhere, say how to get it."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is not installed: {how}")
    pytest.skip(f"{what} is not installed: {how}")


def test_the_workflows_exist() -> None:
    names = {p.name for p in WORKFLOWS}
    assert {"pull-request.yml", "deploy.yml", "scheduled-checks.yml"} <= names
    assert ACTIONS, "the shared setup action is missing"


# ---------------------------------------------------------------------------- actionlint


def run_actionlint(*files: Path) -> list[dict[str, Any]]:
    node = shutil.which("node")
    if node is None:
        tool_missing("node", "install Node.js 20+")
    if not (ACTIONLINT / "node_modules" / "@tktco" / "node-actionlint").is_dir():
        tool_missing("actionlint", "run `make actionlint`")
    completed = subprocess.run(
        [str(node), str(ACTIONLINT / "lint.cjs"), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode in (0, 1), completed.stderr
    findings: list[dict[str, Any]] = json.loads(completed.stdout)
    return findings


def test_actionlint_reports_nothing() -> None:
    findings = run_actionlint(*WORKFLOWS)
    assert findings == [], "\n".join(
        f"{Path(f['file']).name}:{f['line']}:{f['column']}: {f['message']} [{f['kind']}]"
        for f in findings
    )


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: pull_request\n"
        "jobs:\n"
        "  a:\n"
        "    needs: missing\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        '      - run: echo "${{ github.event.pull_request.title }}"\n'
    )
    kinds = {finding["kind"] for finding in run_actionlint(broken)}
    assert {"expression", "job-needs"} <= kinds


# ---------------------------------------------------------------------------- zizmor


def run_zizmor(*args: str) -> list[dict[str, Any]]:
    local = Path(sys.executable).with_name("zizmor")
    binary = str(local) if local.exists() else shutil.which("zizmor")
    if binary is None:
        tool_missing("zizmor", "pip install -r requirements-dev.txt")
    completed = subprocess.run(
        # Offline: no GitHub API. No config and no ignore comments: nothing is hidden.
        [binary, "--offline", "--no-config", "--no-ignores", "--format", "json", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=ROOT,
    )
    assert completed.stdout, completed.stderr
    findings: list[dict[str, Any]] = json.loads(completed.stdout)
    return findings


def where(finding: dict[str, Any]) -> tuple[str, str, str]:
    symbolic = finding["locations"][0]["symbolic"]
    path = Path(symbolic["key"]["Local"]["verbatim_path"]).name
    route = [part.get("Key") for part in symbolic["route"]["route"]]
    job = route[1] if route[:1] == ["jobs"] and len(route) > 1 else ""
    return finding["ident"], path, str(job)


def test_zizmor_reports_nothing_at_medium_or_above() -> None:
    findings = run_zizmor("--min-severity", "medium", ".github")
    assert findings == [], [(*where(f), f["determinations"]["severity"]) for f in findings]


def test_zizmor_auditor_persona_flags_only_the_documented_exceptions() -> None:
    findings = run_zizmor("--persona", "auditor", "--min-severity", "medium", ".github")
    assert {where(f) for f in findings} <= AUDITOR_EXCEPTIONS


def test_zizmor_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: pull_request\n"
        "jobs:\n"
        "  a:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        '      - run: echo "${{ github.event.pull_request.title }}"\n'
    )
    idents = {f["ident"] for f in run_zizmor("--min-severity", "medium", str(broken))}
    assert {"template-injection", "artipacked", "excessive-permissions"} <= idents


# ---------------------------------------------------------------------------- pins


def uses_lines() -> Iterator[tuple[str, str, str]]:
    for path in [*WORKFLOWS, *ACTIONS]:
        for line in path.read_text().splitlines():
            match = USES_LINE.match(line)
            if match and not match.group(1).startswith("./"):
                yield str(path.relative_to(ROOT)), match.group(1), match.group(2)


def test_every_action_is_pinned_to_a_full_commit_sha_with_its_version() -> None:
    pins = list(uses_lines())
    assert pins
    for where_, ref, rest in pins:
        assert FULL_SHA_PIN.match(ref), f"{where_}: {ref} is not pinned to a 40-hex commit"
        assert VERSION_COMMENT.search(rest), f"{where_}: {ref} has no `# vX.Y.Z` comment"


def test_each_action_has_one_pin_and_it_is_recorded_in_docs() -> None:
    doc = CI_DOC.read_text()
    pins: dict[str, set[tuple[str, str]]] = {}
    for _, ref, rest in uses_lines():
        name, sha = ref.split("@")
        version = VERSION_COMMENT.search(rest)
        assert version is not None
        pins.setdefault(name, set()).add((sha, version.group(1)))
    for name, versions in pins.items():
        assert len(versions) == 1, f"{name} is pinned to several commits: {versions}"
        ((sha, version),) = versions
        row = next((line for line in doc.splitlines() if sha in line), "")
        assert name in row and version in row, f"docs/ci.md has no pin row for {name}@{sha}"


def test_every_checkout_drops_its_credentials() -> None:
    checkouts = [
        (where_, s)
        for where_, s in every_step()
        if str(s.get("uses", "")).startswith("actions/checkout@")
    ]
    assert checkouts
    for where_, step in checkouts:
        assert step.get("with", {}).get("persist-credentials") is False, where_


# ---------------------------------------------------------------------------- permissions


def test_workflows_grant_nothing_by_default_and_every_job_asks_for_its_own() -> None:
    for path in WORKFLOWS:
        assert load(path).get("permissions") == {}, f"{path.name}: top-level permissions: {{}}"
    for workflow, name, job in all_jobs():
        assert "permissions" in job, f"{workflow}:{name} has no permissions block"
        assert isinstance(job["permissions"], dict), f"{workflow}:{name}: list each scope"
        assert set(job["permissions"].values()) <= {"read", "write"}


def test_write_scopes_are_exactly_where_they_are_needed() -> None:
    writes = {
        (workflow, name): sorted(k for k, v in job["permissions"].items() if v == "write")
        for workflow, name, job in all_jobs()
    }
    assert {key: scopes for key, scopes in writes.items() if scopes} == {
        ("pull-request.yml", "preview"): ["id-token"],
        ("pull-request.yml", "comment"): ["pull-requests"],
        ("deploy.yml", "up"): ["id-token"],
        ("scheduled-checks.yml", "drift"): ["id-token"],
        ("scheduled-checks.yml", "audit"): ["id-token", "security-events"],
        ("scheduled-checks.yml", "report"): ["issues"],
        ("remediate.yml", "dry-run"): ["id-token"],
        ("remediate.yml", "apply"): ["id-token"],
    }


def test_an_oidc_token_is_requested_exactly_where_aws_is_signed_into() -> None:
    for workflow, name, job in all_jobs():
        signs_in = bool(uses_of("aws-actions/configure-aws-credentials", job))
        oidc = job.get("permissions", {}).get("id-token") == "write"
        assert signs_in == oidc, f"{workflow}:{name}"


def test_only_the_deploy_job_uses_a_deploy_role_and_only_in_its_environment() -> None:
    for workflow, name, job in all_jobs():
        for step in uses_of("aws-actions/configure-aws-credentials", job):
            role = step["with"]["role-to-assume"]
            if (workflow, name) == ("deploy.yml", "up"):
                assert role == "${{ matrix.deployRoleArn }}"
                assert job["environment"] == "${{ matrix.stack }}"
            elif (workflow, name) == ("remediate.yml", "apply"):
                assert role == "${{ needs.stack.outputs.remediateRoleArn }}"
                assert job["environment"] == "${{ inputs.stack }}"
            elif (workflow, name) == ("remediate.yml", "dry-run"):
                assert role == "${{ needs.stack.outputs.readRoleArn }}"
                assert "environment" not in job
            else:
                assert role == "${{ matrix.readRoleArn }}", f"{workflow}:{name}"
                assert "environment" not in job, f"{workflow}:{name}"
    text = "".join(p.read_text() for p in WORKFLOWS)
    assert "aws-access-key-id" not in text and "AWS_SECRET_ACCESS_KEY" not in text


def test_no_expression_is_expanded_inside_a_script() -> None:
    # Values reach scripts through env: an expanded `${{ }}` is a template injection.
    for where_, step in every_step():
        assert "${{" not in str(step.get("run", "")), where_


# ---------------------------------------------------------------------------- stacks


def test_every_stack_job_takes_its_matrix_from_the_stack_files() -> None:
    matrix_jobs = [(workflow, name, job) for workflow, name, job in all_jobs() if "strategy" in job]
    assert {(w, n) for w, n, _ in matrix_jobs} == {
        ("pull-request.yml", "preview"),
        ("deploy.yml", "up"),
        ("scheduled-checks.yml", "drift"),
        ("scheduled-checks.yml", "audit"),
    }
    for workflow, name, job in matrix_jobs:
        assert job["strategy"]["matrix"] == MATRIX, f"{workflow}:{name}"
        needs = job["needs"] if isinstance(job["needs"], list) else [job["needs"]]
        assert "stacks" in needs
        assert jobs(GITHUB_DIR / "workflows" / workflow)["stacks"]["uses"] == (
            "./.github/workflows/stacks.yml"
        )


def test_no_workflow_names_a_stack() -> None:
    names = stack_names()
    assert names
    word = re.compile(r"\b(?:" + "|".join(map(re.escape, names)) + r")\b")
    for path in [*WORKFLOWS, *ACTIONS]:
        hits = [s for s in scalars(load(path)) if word.search(s)]
        assert hits == [], f"{path.name} names a stack: {hits}"


def matrix_from_cli(stacks_dir: Path = STACKS_DIR) -> list[dict[str, Any]]:
    """What the workflows act on: `python -m pipeline.stacks`, run as stacks.yml runs it."""
    completed = subprocess.run(
        [sys.executable, "-m", "pipeline.stacks", "--stacks-dir", str(stacks_dir)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    include: list[dict[str, Any]] = json.loads(completed.stdout)["include"]
    return include


def test_the_workflows_act_on_exactly_the_stack_files() -> None:
    files = {
        p.name.removeprefix("Pulumi.").removesuffix(".yaml")
        for p in STACKS_DIR.glob("Pulumi.*.yaml")
    }
    matrix = matrix_from_cli()
    assert sorted(entry["stack"] for entry in matrix) == sorted(files) == stack_names()
    order = [entry["stack"] for entry in matrix]
    assert order.index("dev") < order.index("staging") < order.index("prod")


def test_a_new_stack_file_joins_every_workflow_with_no_edit(tmp_path: Path) -> None:
    for path in STACKS_DIR.glob("Pulumi.*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    text = (STACKS_DIR / "Pulumi.staging.yaml").read_text()
    text = text.replace("222222222222", "444444444444").replace(
        "deployOrder: 20", "deployOrder: 15"
    )
    (tmp_path / "Pulumi.sandbox.yaml").write_text(text)
    order = [entry["stack"] for entry in matrix_from_cli(tmp_path)]
    assert order == ["dev", "sandbox", "staging", "prod"]


def test_the_matrix_job_installs_enough_for_pipeline_stacks() -> None:
    # stacks.yml installs only pydantic and PyYAML: pipeline.stacks must not need more.
    # cython_runtime is the module Cython-compiled extensions (PyYAML's loader) register.
    third_party = imported_packages("pipeline.stacks") - {
        "rootguard",
        "pipeline",
        "cython_runtime",
    }
    assert third_party <= {
        "pydantic",
        "pydantic_core",
        "annotated_types",
        "typing_extensions",
        "typing_inspection",
        "yaml",
    }, third_party
    install = next(
        s["run"]
        for s in steps(jobs(GITHUB_DIR / "workflows" / "stacks.yml")["stacks"])
        if "pip install" in s.get("run", "")
    )
    assert "pydantic" in install and "PyYAML" in install and "-c requirements.txt" in install


@pytest.mark.parametrize("module", ["pipeline.run", "pipeline.report"])
def test_run_and_report_need_only_the_standard_library(module: str) -> None:
    # The comment and issue jobs run them with the runner's bare python3.
    assert imported_packages(module) == {"pipeline"}


def imported_packages(module: str) -> set[str]:
    code = (
        "import sys, importlib\n"
        "before = set(sys.modules)\n"
        f"importlib.import_module({module!r})\n"
        "names = {m.split('.')[0] for m in set(sys.modules) - before}\n"
        "third = (n for n in names if n not in sys.stdlib_module_names and n[0] != '_')\n"
        "print(' '.join(sorted(third)))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return set(completed.stdout.split())


# ---------------------------------------------------------------------------- commands


def run_scripts(workflow: str, job: str) -> str:
    return "\n".join(
        str(s.get("run", "")) for s in steps(jobs(GITHUB_DIR / "workflows" / workflow)[job])
    )


def test_each_pipeline_runs_the_command_it_promises() -> None:
    preview = run_scripts("pull-request.yml", "preview")
    assert "pulumi preview" in preview and "--diff" in preview and "--refresh" not in preview
    drift = run_scripts("scheduled-checks.yml", "drift")
    assert "pulumi preview" in drift and "--refresh" in drift and "--expect-no-changes" in drift
    up = run_scripts("deploy.yml", "up")
    assert "pulumi up" in up and "--yes" in up
    audit = run_scripts("scheduled-checks.yml", "audit")
    assert "rootguard audit --stack" in audit and "--format sarif --output audit.sarif" in audit
    assert "--fail-on" in audit
    upload = uses_of(
        "github/codeql-action/upload-sarif",
        jobs(GITHUB_DIR / "workflows" / "scheduled-checks.yml")["audit"],
    )
    assert upload[0]["with"]["sarif_file"] == "audit.sarif"
    assert upload[0]["with"]["category"] == "rootguard-audit/${{ matrix.stack }}"


def test_deploys_run_one_stack_at_a_time_and_stop_on_a_failure() -> None:
    workflow = load(GITHUB_DIR / "workflows" / "deploy.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    up = workflow["jobs"]["up"]
    assert up["strategy"]["max-parallel"] == 1
    assert up["strategy"]["fail-fast"] is True
    assert set(up["needs"]) == {"checks", "stacks"}
    assert up["if"] == "github.ref == 'refs/heads/main'"
    assert workflow["concurrency"]["cancel-in-progress"] is False


def test_pull_requests_and_deploys_run_the_ci_checks_first() -> None:
    assert (
        jobs(GITHUB_DIR / "workflows" / "checks.yml")["checks"]["steps"][-1]["run"]
        == "bash .ci/run"
    )
    for workflow in ("pull-request.yml", "deploy.yml"):
        assert (
            jobs(GITHUB_DIR / "workflows" / workflow)["checks"]["uses"]
            == "./.github/workflows/checks.yml"
        )


def test_the_pulumi_cli_version_matches_the_sdk_range() -> None:
    setup = load(GITHUB_DIR / "actions" / "setup" / "action.yml")
    install = next(
        s for s in setup["runs"]["steps"] if str(s.get("uses", "")).startswith("pulumi/actions@")
    )
    version = Version(str(install["with"]["pulumi-version"]))
    requirement = next(
        line
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.startswith("pulumi>=")
    )
    assert version in SpecifierSet(requirement.removeprefix("pulumi").split("#")[0].strip())


def test_ci_docs_mention_every_variable_and_secret_the_workflows_read() -> None:
    doc = CI_DOC.read_text()
    text = "".join(p.read_text() for p in WORKFLOWS)
    used = set(re.findall(r"\b(?:vars|secrets)\.([A-Z][A-Z0-9_]*)", text))
    assert used >= {"PULUMI_ACCESS_TOKEN", "PULUMI_BACKEND_URL"}
    for name in sorted(used):
        assert f"`{name}`" in doc, f"docs/ci.md does not explain {name}"


def test_remediation_reads_first_and_deletes_only_after_approval() -> None:
    workflow = load(GITHUB_DIR / "workflows" / "remediate.yml")
    assert set(workflow["on"]) == {"workflow_dispatch"}  # never on a push or a schedule
    dry_run = run_scripts("remediate.yml", "dry-run")
    assert "rootguard remediate --stack" in dry_run and "--apply" not in dry_run
    apply = run_scripts("remediate.yml", "apply")
    assert "--apply --yes" in apply and "--output evidence/apply.json" in apply
    job = workflow["jobs"]["apply"]
    assert set(job["needs"]) == {"stack", "dry-run"}
    assert "needs.dry-run.outputs.pending == 'true'" in job["if"]
    for name in ("dry-run", "apply"):
        assert "github.ref == 'refs/heads/main'" in workflow["jobs"][name]["if"]
        uploads = uses_of("actions/upload-artifact", workflow["jobs"][name])
        assert uploads and uploads[0]["with"]["path"] == "evidence/"


def test_the_selection_script_never_evaluates_its_inputs(tmp_path: Path) -> None:
    marker = tmp_path / "evaluated"
    completed = subprocess.run(
        ["bash", str(GITHUB_DIR / "scripts" / "remediate-selection.sh")],
        env={**os.environ, "ALL": "false", "ACCOUNTS": f"payments $(touch {marker})",
             "OUS": "Workloads/Prod"},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert completed.stdout.splitlines() == [
        "--account", "payments", "--account", "$(touch", "--account", f"{marker})",
        "--ou", "Workloads/Prod",
    ]  # fmt: skip
    assert not marker.exists()
