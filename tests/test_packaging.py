"""rootguard as a Python dependency: the wheel holds `rootguard` (components/), typed, with its
catalogs, and nothing else; installed, it imports and finds its data from anywhere."""

from __future__ import annotations

import ast
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.package import REPO

COMPONENTS = REPO / "components"


def wheel_files(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_wheel_holds_every_module_typed_with_its_catalogs(rootguard_wheel: Path) -> None:
    files = wheel_files(rootguard_wheel)
    modules = {
        f"rootguard/{path.relative_to(COMPONENTS).as_posix()}"
        for path in COMPONENTS.rglob("*.py")
        if "__pycache__" not in path.parts
    }
    catalogs = {f"rootguard/catalog/{p.name}" for p in (COMPONENTS / "catalog").glob("*.yaml")}
    assert catalogs, "components/catalog/ has no YAML"
    assert modules | catalogs | {"rootguard/py.typed"} <= files
    assert "rootguard/config/__init__.py" in files


def test_wheel_packages_nothing_outside_rootguard(rootguard_wheel: Path) -> None:
    top_level = {name.split("/", 1)[0] for name in wheel_files(rootguard_wheel)}
    assert top_level == {"rootguard", "rootguard-0.1.0.dist-info"}


def test_components_import_each_other_relatively() -> None:
    """An absolute `components.` import would break under the installed name `rootguard`."""
    for path in COMPONENTS.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                assert not (node.module or "").startswith("components"), path
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("components") for a in node.names), path


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
        cwd=tmp_path,  # no components/ here: only the installed package can answer
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
