"""rootguard as a Python dependency: the wheel holds `rootguard` (components/), typed, with its
catalogs, and nothing else; installed, it imports and finds its data from anywhere."""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import rootguard
from tests.package import REPO, copy_build_inputs

PACKAGE_DIR = REPO / "rootguard"


def wheel_files(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_wheel_holds_every_module_typed_with_its_catalogs(rootguard_wheel: Path) -> None:
    files = wheel_files(rootguard_wheel)
    modules = {
        f"rootguard/{path.relative_to(PACKAGE_DIR).as_posix()}"
        for path in PACKAGE_DIR.rglob("*.py")
        if "__pycache__" not in path.parts
    }
    catalogs = {
        f"rootguard/{p.relative_to(PACKAGE_DIR).as_posix()}"
        for p in PACKAGE_DIR.rglob("*")
        if p.suffix in (".yaml", ".json")
    }
    assert "rootguard/catalog/alarms.yaml" in catalogs
    assert "rootguard/audit/finding.schema.json" in catalogs
    assert modules | catalogs | {"rootguard/py.typed"} <= files
    assert "rootguard/config/__init__.py" in files


def test_wheel_packages_nothing_outside_rootguard(rootguard_wheel: Path) -> None:
    top_level = {name.split("/", 1)[0] for name in wheel_files(rootguard_wheel)}
    assert top_level == {"rootguard", f"rootguard-{rootguard.__version__}.dist-info"}


# Every Python file of the repository that can import the library.
SOURCES = [
    p
    for folder in ("rootguard", "tests", "bench", "provider", "examples", "pipeline")
    for p in (REPO / folder).rglob("*.py")
    if "venv" not in p.parts and "node_modules" not in p.parts
] + [REPO / "__main__.py"]
# Names the library's modules could be imported by besides `rootguard.*`: its subpackages and
# modules as top-level names, and the folders it was split across before (components, audit,
# offline).
SECOND_NAMES = {p.stem for p in PACKAGE_DIR.iterdir() if p.suffix == ".py" or p.is_dir()} | {
    "components",
    "audit",
    "offline",
} - {"__init__", "__main__", "__pycache__", "py"}


def test_no_module_imports_the_library_by_a_second_name() -> None:
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in SECOND_NAMES, f"{path}: import {name}"


def test_every_loaded_library_module_has_the_one_name() -> None:
    """Import every module of the package: each is in sys.modules once, as `rootguard.*`."""
    for module in pkgutil.walk_packages([str(PACKAGE_DIR)], prefix="rootguard."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    for name, module in list(sys.modules.items()):
        location = getattr(module, "__file__", None) or ""
        if Path(location).is_relative_to(PACKAGE_DIR):
            assert name == "rootguard" or name.startswith("rootguard."), (name, location)


def test_the_installed_wheel_has_the_command_and_its_version(
    rootguard_wheel: Path, rootguard_installed: Path, tmp_path: Path
) -> None:
    with zipfile.ZipFile(rootguard_wheel) as archive:
        entry_points = next(n for n in archive.namelist() if n.endswith("entry_points.txt"))
        assert "rootguard = rootguard.cli:main" in archive.read(entry_points).decode()
    result = subprocess.run(
        [sys.executable, "-m", "rootguard", "--version"],
        cwd=tmp_path,  # outside the checkout: the installed package and its metadata answer
        env={"PYTHONPATH": str(rootguard_installed), "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == f"rootguard {rootguard.__version__}"


def test_installed_package_imports_and_reads_its_catalogs_outside_the_checkout(
    rootguard_installed: Path, tmp_path: Path
) -> None:
    script = (
        "import rootguard, rootguard.baseline, rootguard.alarm_catalog, rootguard.scp\n"
        "print(rootguard.__file__)\n"
        "print(len(rootguard.scp.load_catalog()), len(rootguard.alarm_catalog.load_catalog()))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,  # outside the checkout: only the installed package can answer
        env={"PYTHONPATH": str(rootguard_installed), "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
        text=True,
    )
    location, counts = result.stdout.splitlines()
    assert Path(location).is_relative_to(rootguard_installed)
    scp_statements, alarms = (int(n) for n in counts.split())
    assert scp_statements >= 7
    assert alarms >= 15


# What pip does with a build backend (pyproject_hooks' _in_process): record the UserWarnings
# the hook raises, under the filters of the environment (PYTHONWARNINGS); pip >= 25 prints
# them, even with --quiet.
_BACKEND_WARNINGS = """
import json, sys, warnings
from setuptools import build_meta
with warnings.catch_warnings(record=True) as caught:
    getattr(build_meta, sys.argv[1])(sys.argv[2])
print(json.dumps([str(w.message).splitlines()[0] for w in caught
                  if issubclass(w.category, UserWarning)]))
"""


def makefile_variable(name: str) -> str:
    for line in (REPO / "Makefile").read_text().splitlines():
        if line.startswith(f"{name} :="):
            return line.split(":=", 1)[1].strip()
    raise KeyError(name)


@pytest.mark.parametrize("hook", ["build_editable", "build_wheel"])
def test_the_first_make_plan_prints_no_packaging_warnings(hook: str, tmp_path: Path) -> None:
    """`make venv` installs rootguard editable: setuptools must not warn (`Package
    'rootguard.catalog' is absent from the packages configuration` once buried the first plan
    under 51 lines), apart from the one note the Makefile silences, by message only."""
    source = copy_build_inputs(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", _BACKEND_WARNINGS, hook, str(tmp_path / "dist")],
        cwd=source,
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONWARNINGS": makefile_variable("EDITABLE_BUILD_WARNINGS"),
        },
        capture_output=True,
        text=True,
        check=True,
    )
    warnings = json.loads(result.stdout.strip().splitlines()[-1])
    assert warnings == []
