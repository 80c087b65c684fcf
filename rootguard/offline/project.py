"""Another Pulumi project's program under the offline engine (`rootguard plan --project DIR`).

A Python Pulumi project that reuses rootguard's components (examples/standalone-account, or
your own) is planned the way the Pulumi CLI would run it: its `Pulumi.yaml` names the project
(the namespace of its config keys), the program (`main`, default `__main__.py`) and where its
stack files are (`stackConfigDir`); the program runs with the project folder as working
directory and on `sys.path`, under the same mocks as rootguard's own program.
"""

from __future__ import annotations

import contextlib
import runpy
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from rootguard.config import ConfigError

PROJECT_FILE = "Pulumi.yaml"


@dataclass(frozen=True)
class Project:
    name: str
    directory: Path
    main: Path
    stacks_dir: Path


def read_project(directory: Path) -> Project:
    """The project in `directory`, or a one-line ConfigError naming `--project`."""
    path = directory / PROJECT_FILE
    if not path.is_file():
        raise ConfigError(f"--project {directory}: no {PROJECT_FILE} (not a Pulumi project folder)")
    try:
        document = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise ConfigError(f"--project {directory}: {PROJECT_FILE} is not valid YAML") from exc
    if not isinstance(document, dict) or not isinstance(document.get("name"), str):
        raise ConfigError(f"--project {directory}: {PROJECT_FILE} needs a `name:`")
    runtime = document.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if runtime_name != "python":
        raise ConfigError(
            f"--project {directory}: runtime {runtime_name!r}; the offline plan runs Python "
            "programs only"
        )
    main = directory / str(document.get("main") or ".")
    if main.is_dir():
        main = main / "__main__.py"
    if not main.is_file():
        raise ConfigError(f"--project {directory}: no program {main.name} in {main.parent}")
    stacks_dir = directory / str(document.get("stackConfigDir") or ".")
    return Project(document["name"], directory.resolve(), main.resolve(), stacks_dir)


def program_of(project: Project) -> Any:
    """A callable that runs the project's program as Pulumi would: as `__main__`."""

    def run() -> None:
        with _inside(project.directory):
            runpy.run_path(str(project.main), run_name="__main__")

    return run


@contextlib.contextmanager
def _inside(directory: Path) -> Iterator[None]:
    """The project folder as working directory and first on sys.path, restored afterwards."""
    folder = str(directory.resolve())
    sys.path.insert(0, folder)
    try:
        with contextlib.chdir(folder):
            yield
    finally:
        with contextlib.suppress(ValueError):
            sys.path.remove(folder)
