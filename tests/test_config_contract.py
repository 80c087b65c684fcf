"""The config contract: no silent surprises, through the offline plan and the program.

Each case runs twice: `rootguard plan` on a stack file (YAML, as the Pulumi CLI reads it) and
the real program under mocks (`run_stack`: config as the CLI hands it to `pulumi up`'s
program, structured values as JSON). An error is one line naming the key, and nothing is
registered; a warning names the key and the plan still renders.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml

from rootguard.cli import main
from rootguard.config.stack_file import STACKS_DIR
from rootguard.offline.fake_aws import FakeAws
from rootguard.trail import OrgTrail
from tests.config_samples import ALARMS
from tests.conftest import minimal_organization

LONG = "x" * 10_000
# A one-line error may name the key, the value (cut to ~120 characters) and what is allowed.
MAX_LINE = 400


def write_stack(tmp_path: Path, text: str) -> Path:
    (tmp_path / "Pulumi.t.yaml").write_text(text)
    return tmp_path


def stack_text(config: dict[str, Any]) -> str:
    return yaml.safe_dump({"config": config}, sort_keys=False)


def plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["plan", "t", "--stacks-dir", str(tmp_path)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def plan_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    code, out, err = plan(tmp_path, capsys)
    assert code == 2, out
    assert out == ""
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err.strip()


def program_error(run_stack: Callable[..., Any], config: dict[str, Any]) -> str:
    fake = FakeAws()
    with pytest.raises(pulumi.RunError) as error:
        run_stack(config, fake=fake)
    assert fake.registered == []
    message = str(error.value)
    assert "\n" not in message
    return message


BASE = {
    "aws:region": "eu-west-1",
    "rootguard:organization": minimal_organization(),
    "rootguard:alarms": ALARMS,
}


# --- a misspelled namespace: a warning naming the closest rootguard key ----------------------


MISSPELLED = {**BASE, "rootgaurd:alarms": {"email": ["sec@example.com"]}, "ci:pipeline": {}}
WARNING = (
    "rootgaurd:alarms: namespace 'rootgaurd' is not 'rootguard', so rootguard ignores this key; "
    "did you mean 'rootguard:alarms'?"
)


def test_plan_warns_about_a_misspelled_namespace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_stack(tmp_path, stack_text(MISSPELLED))
    code, out, _ = plan(tmp_path, capsys)
    assert code == 0
    warnings = out.split("\nWarnings:\n", 1)[1].split("\n\n", 1)[0]
    assert WARNING in warnings
    assert "ci:pipeline" not in warnings


def test_program_warns_about_a_misspelled_namespace(run_stack: Callable[..., Any]) -> None:
    recording = run_stack(MISSPELLED)
    assert WARNING in recording.warnings


@pytest.mark.parametrize("key", ["aws:region", "ci:pipeline", "account-baseline:alarmEmails"])
def test_other_namespaces_are_not_typos(key: str) -> None:
    from rootguard.config import namespace_warnings

    assert namespace_warnings([key, "rootguard:organization"]) == []


@pytest.mark.parametrize(
    ("key", "closest"),
    [
        ("RootGuard:trail", "rootguard:trail"),
        ("root-guard:guardrails", "rootguard:guardrails"),
        ("rootgard:passwordpolicy", "rootguard:passwordPolicy"),
    ],
)
def test_the_warning_names_the_closest_rootguard_key(key: str, closest: str) -> None:
    from rootguard.config import namespace_warnings

    (warning,) = namespace_warnings([key])
    assert warning.startswith(f"{key}: ")
    assert warning.endswith(f"did you mean {closest!r}?")


# --- a key given twice -----------------------------------------------------------------------


def test_plan_rejects_a_section_given_twice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = stack_text(BASE) + "  rootguard:organization:\n    accounts: []\n"
    write_stack(tmp_path, text)
    line = text.splitlines().index("  rootguard:organization:") + 1
    second = len(text.splitlines()) - 1
    assert plan_error(tmp_path, capsys) == (
        f"error: Pulumi.t.yaml line {second}: key 'rootguard:organization' is given twice "
        f"(first at line {line}); a key may appear once per mapping (Pulumi rejects the file)"
    )


def test_plan_rejects_a_key_given_twice_inside_a_section(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_stack(
        tmp_path,
        "config:\n"
        "  rootguard:organization:\n"
        "    accounts:\n"
        "      - name: a\n"
        "        email: aws+a@example.com\n"
        "        ou: Security\n"
        "        email: aws+b@example.com\n",
    )
    error = plan_error(tmp_path, capsys)
    assert error.startswith(
        "error: Pulumi.t.yaml line 7: key 'email' is given twice (first at line 5)"
    )


def test_a_merge_key_is_not_a_duplicate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """YAML merge keys override on purpose; only a key written twice is refused."""
    write_stack(
        tmp_path,
        "config:\n"
        "  aws:region: eu-west-1\n"
        "  rootguard:organization:\n"
        "    organizationalUnits: [{path: Security}]\n"
        "    accounts:\n"
        "      - &base {name: a, email: aws+a@example.com, ou: Security}\n"
        "      - <<: *base\n"
        "        name: b\n"
        "        email: aws+b@example.com\n"
        "  rootguard:alarms:\n"
        "    email: [security@example.com]\n",
    )
    code, _, err = plan(tmp_path, capsys)
    assert code == 0, err


# --- aws:region ------------------------------------------------------------------------------


def test_plan_rejects_an_unknown_region(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_stack(tmp_path, stack_text({**BASE, "aws:region": "mars-1"}))
    assert plan_error(tmp_path, capsys).startswith(
        "error: aws:region: 'mars-1' is not an AWS region botocore knows"
    )


def test_program_rejects_an_unknown_region(run_stack: Callable[..., Any]) -> None:
    message = program_error(run_stack, {**BASE, "aws:region": "eu-wset-1"})
    assert message.startswith("aws:region: 'eu-wset-1' is not an AWS region botocore knows")
    assert "did you mean 'eu-west-1'?" in message


def test_a_region_of_another_partition_is_fine(run_stack: Callable[..., Any]) -> None:
    recording = run_stack({**BASE, "aws:region": "us-gov-west-1"})
    assert recording.of_type("aws:cloudtrail/trail:Trail")


# --- long values are cut, numbers where strings belong say "quote it" ------------------------


def _with(path: list[str | int], value: Any) -> dict[str, Any]:
    """BASE plus contacts and guardrails, with `value` placed at `path`."""
    config: dict[str, Any] = yaml.safe_load(yaml.safe_dump(BASE))
    config["rootguard:contacts"] = {
        "default": {
            "security": {
                "name": "SOC",
                "title": "Security",
                "email": "sec@example.com",
                "phone": "+1 206 555 0100",
            }
        }
    }
    config["rootguard:guardrails"] = {"exemptPrincipals": ["arn:aws:iam::*:role/BreakGlass"]}
    config["rootguard:trail"] = {"name": "org-trail"}
    node: Any = config
    for part in path[:-1]:
        node = node[part]
    if isinstance(node, list) and path[-1] == len(node):
        node.append(value)
    else:
        node[path[-1]] = value
    return config


LONG_CASES = {
    "account name": (["rootguard:organization", "accounts", 0, "name"], LONG),
    "account email": (["rootguard:organization", "accounts", 0, "email"], LONG),
    "account ou": (["rootguard:organization", "accounts", 0, "ou"], LONG),
    "ou path": (["rootguard:organization", "organizationalUnits", 0, "path"], LONG),
    "duplicate account": (
        ["rootguard:organization", "accounts", 1],
        {"name": "log-archive", "email": "aws+log@example.com", "ou": "Security"},
    ),
    "unknown key": (["rootguard:organization", LONG], 1),
    "a string where a list is": (["rootguard:organization", "accounts"], LONG),
    "section not a mapping": (["rootguard:trail"], LONG),
    "exempt principal": (["rootguard:guardrails", "exemptPrincipals", 0], f"arn:aws:iam::*:{LONG}"),
    "guardrail target": (["rootguard:guardrails", "targets"], [LONG]),
    "trail name": (["rootguard:trail", "name"], LONG),
    "contact phone": (["rootguard:contacts", "default", "security", "phone"], LONG),
    "contact override": (["rootguard:contacts", "overrides"], {LONG: {}}),
    "existing account twice": (
        ["rootguard:contacts", "existingAccounts"],
        ["123456789012", "123456789012"],
    ),
}


@pytest.mark.parametrize("case", sorted(LONG_CASES))
def test_every_error_is_short_and_names_its_key(
    case: str, run_stack: Callable[..., Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, value = LONG_CASES[case]
    config = _with(path, value)
    message = program_error(run_stack, config)
    assert len(message) < MAX_LINE, message
    assert message.startswith(str(path[0])), message
    write_stack(tmp_path, stack_text(config))
    error = plan_error(tmp_path, capsys)
    assert len(error) < MAX_LINE, error
    assert error.startswith(f"error: {path[0]}"), error


def test_a_long_value_is_echoed_cut_with_its_length(run_stack: Callable[..., Any]) -> None:
    message = program_error(
        run_stack, _with(["rootguard:organization", "accounts", 0, "name"], "n" * 10_000)
    )
    assert message.startswith("rootguard:organization.accounts[0].name: must be 1-50 printable")
    assert "nnn… (10000 characters)" in message


def test_a_long_unknown_config_key_is_cut(run_stack: Callable[..., Any]) -> None:
    message = program_error(run_stack, {**BASE, f"rootguard:{LONG}": 1})
    assert len(message) < MAX_LINE
    assert message.startswith("rootguard:xxx")


def test_component_args_errors_are_short_too() -> None:
    with pytest.raises(Exception) as error:
        OrgTrail("t", {"name": LONG})
    assert len(str(error.value)) < MAX_LINE
    assert str(error.value).startswith("OrgTrail 't': name: must be")


@pytest.mark.parametrize(
    ("path", "key", "written"),
    [
        (
            ["rootguard:organization", "accounts", 0, "id"],
            "rootguard:organization.accounts[0].id",
            "210987654321",
        ),
        (
            ["rootguard:contacts", "default", "security", "phone"],
            "rootguard:contacts.default.security.phone",
            "+12065550100",
        ),
        (
            ["rootguard:contacts", "existingAccounts"],
            "rootguard:contacts.existingAccounts[0]",
            "[510987654321]",
        ),
    ],
)
def test_a_number_where_a_string_belongs_says_to_quote_it(
    path: list[str | int],
    key: str,
    written: str,
    run_stack: Callable[..., Any],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The stack file as someone would write it, without quotes: YAML reads a number.
    read_as = yaml.safe_load(written)
    number = read_as[0] if isinstance(read_as, list) else read_as
    assert isinstance(number, int)
    hint = (
        f'must be a string: quote it, like "{number}" (YAML reads an unquoted {number} as a number)'
    )
    config = _with(path, read_as)
    assert program_error(run_stack, config) == f"{key}: {hint}"
    write_stack(tmp_path, stack_text(config))
    assert plan_error(tmp_path, capsys) == f"error: {key}: {hint}"


def test_a_boolean_where_a_string_belongs_says_to_quote_it(run_stack: Callable[..., Any]) -> None:
    message = program_error(run_stack, _with(["rootguard:trail", "name"], True))
    assert message == (
        "rootguard:trail.name: must be a string, got true: quote it "
        "(YAML reads an unquoted true, yes or on as a boolean)"
    )


def test_the_shipped_stacks_still_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The stricter reader accepts every stack file the repository ships."""
    for path in STACKS_DIR.glob("Pulumi.*.yaml"):
        shutil.copy(path, tmp_path / path.name)
        stack = path.name[len("Pulumi.") : -len(".yaml")]
        assert main(["plan", stack, "--stacks-dir", str(tmp_path), "--quiet"]) == 0
    capsys.readouterr()
