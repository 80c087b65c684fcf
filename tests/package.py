"""Build rootguard's wheel from a copy of the repository and install it, as pip would; load
the component package that provider/ hosts and the schema the SDK infers for it.

The packaging, provider and example tests import `rootguard` from this installation, so they
exercise what another project gets from `pip install`, not the checkout.
"""

from __future__ import annotations

import json
import runpy
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pulumi
from pulumi.provider.experimental.analyzer import Analyzer
from pulumi.provider.experimental.schema import generate_schema

REPO = Path(__file__).resolve().parents[1]
PROVIDER = REPO / "provider"
PACKAGE = "rootguard"
# What the build reads: the project metadata and the package's source folder.
BUILD_INPUTS = ("pyproject.toml", "rootguard")


def copy_build_inputs(workdir: Path) -> Path:
    """A copy of what the build reads, in `workdir/source` (the checkout gets no build/)."""
    source = workdir / "source"
    source.mkdir()
    for name in BUILD_INPUTS:
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, source / name)
    return source


def build_wheel(workdir: Path) -> Path:
    """Build the wheel in a copy of the repository."""
    source = copy_build_inputs(workdir)
    dist = workdir / "dist"
    _pip("wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", str(dist), str(source))
    (wheel,) = dist.glob("rootguard-*.whl")
    return wheel


def install(wheel: Path, target: Path) -> Path:
    """Install the wheel (without dependencies: they are this environment's) into `target`."""
    _pip("install", "--no-deps", "--no-index", "--target", str(target), str(wheel))
    return target


def _pip(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet", *args],
        check=True,
        capture_output=True,
        text=True,
    )


def hosted_components() -> list[type[pulumi.ComponentResource]]:
    """The components provider/__main__.py hosts (imported, not served: not run as main)."""
    hosted: list[type[pulumi.ComponentResource]] = runpy.run_path(
        str(PROVIDER / "__main__.py"), run_name="rootguard_provider"
    )["COMPONENTS"]
    return hosted


def package_schema(components: list[type[pulumi.ComponentResource]]) -> dict[str, Any]:
    """The package schema, as the SDK's component host would serve it."""
    result = Analyzer(PACKAGE).analyze(components)
    spec = generate_schema(
        PACKAGE,
        "0.1.0",
        None,
        result["component_definitions"],
        result["type_definitions"],
        sorted(result["dependencies"], key=lambda d: d.name),
    )
    document: dict[str, Any] = json.loads(json.dumps(spec.to_json()))
    return document
