"""Run a Pulumi program under mocks and record every registration with its options.

Pulumi's mocks only show a resource's type, name and inputs; the recording monitor also
keeps what the engine would see (parent, protect, retainOnDelete, importId, dependencies),
so tests and the plan can check protection and ordering, not only inputs.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.runtime import mocks, rpc
from pulumi.runtime.settings import ROOT
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from .fake_aws import FakeAws, UnknownInvoke
from .speed import lean_mock_run

__all__ = ["FakeAws", "Recording", "Registration", "UnknownInvoke", "run_program"]


@dataclass
class Registration:
    """One resource as the engine would receive it."""

    urn: str
    type: str
    name: str
    custom: bool
    parent: str | None
    inputs: dict[str, Any]
    id: str | None = None
    outputs: dict[str, Any] = field(default_factory=dict)
    protect: bool = False
    retain_on_delete: bool = False
    import_id: str | None = None
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    ignore_changes: list[str] = field(default_factory=list)
    delete_before_replace: bool = False

    @property
    def depends_on(self) -> set[str]:
        """Every URN this resource waits for: explicit and through its inputs."""
        found = set(self.dependencies)
        for urns in self.property_dependencies.values():
            found.update(urns)
        return found


@dataclass
class Recording:
    """What a program registered, in registration order, and what it exported."""

    registrations: list[Registration]
    exports: dict[str, Any]
    component_outputs: dict[str, dict[str, Any]]
    # What the program logged (pulumi.log.*) as (severity, message): the CLI would print it.
    logs: list[tuple[str, str]] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        return [message for severity, message in self.logs if severity == "warning"]

    def __iter__(self) -> Iterator[Registration]:
        return iter(self.registrations)

    def of_type(self, type_: str) -> list[Registration]:
        return [r for r in self.registrations if r.type == type_]

    def named(self, name: str) -> Registration:
        matches = [r for r in self.registrations if r.name == name]
        if len(matches) != 1:
            raise KeyError(f"{len(matches)} resources named {name!r}")
        return matches[0]

    def by_urn(self, urn: str) -> Registration:
        return self._index()[urn]

    def children(self, parent: Registration) -> list[Registration]:
        return [r for r in self.registrations if r.parent == parent.urn]

    def _index(self) -> dict[str, Registration]:
        return {r.urn: r for r in self.registrations}


class RecordingMonitor(mocks.MockMonitor):
    def __init__(self, fake: FakeAws) -> None:
        super().__init__(fake)
        self.recorded: list[Registration] = []
        self.component_outputs: dict[str, dict[str, Any]] = {}

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if request.type == "pulumi:pulumi:Stack":
            return response
        registered = self.resources[response.urn]
        self.recorded.append(
            Registration(
                urn=response.urn,
                type=request.type,
                name=request.name,
                custom=request.custom,
                parent=request.parent or None,
                inputs=_sync_await(_deserialize(request.object)),
                id=registered.id,
                outputs=dict(registered.state),
                protect=bool(request.protect),
                retain_on_delete=bool(request.retainOnDelete),
                import_id=request.importId or None,
                dependencies=list(request.dependencies),
                property_dependencies={
                    key: list(value.urns) for key, value in request.propertyDependencies.items()
                },
                ignore_changes=list(request.ignoreChanges),
                delete_before_replace=bool(request.deleteBeforeReplace),
            )
        )
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:
        outputs = rpc.deserialize_properties(request.outputs)
        self.component_outputs[request.urn] = dict(outputs)
        return super().RegisterResourceOutputs(request)  # type: ignore[no-untyped-call]


class _LogCollector(logging.Handler):
    """Keeps what the program logs through Pulumi's mock engine."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.logs: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.logs.append((record.levelname.lower(), record.getMessage()))


# Pulumi's mock engine writes pulumi.log.* to a logger; ours keeps them off the root logger.
_PROGRAM_LOG = logging.getLogger("offline.program")
_PROGRAM_LOG.propagate = False
_PROGRAM_LOG.setLevel(logging.INFO)


async def _deserialize(struct: Any) -> dict[str, Any]:
    return dict(rpc.deserialize_properties(struct))


def run_program(
    program: Callable[[], object],
    *,
    config: Mapping[str, Any] | None = None,
    stack: str = "dev",
    project: str = "rootguard",
    fake: FakeAws | None = None,
    lean: bool = True,
) -> Recording:
    """Run `program` as a Pulumi program under mocks and return what it registered.

    `config` maps full keys (`rootguard:organization`) to values; structured values are
    passed as JSON, exactly as the Pulumi CLI hands them to a program. Each run gets a fresh
    event loop and fresh runtime settings, so one run's pending work cannot leak into another.
    `lean` (the default) skips work the mocks do not need (see offline/speed.py); the
    benchmarks turn it off to measure the SDK's own defaults.
    """
    raw_config = {
        key: value if isinstance(value, str) else json.dumps(value)
        for key, value in (config or {}).items()
    }
    region = raw_config.get("aws:region", "us-east-1")
    fake = fake or FakeAws(region=region)
    monitor = RecordingMonitor(fake)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    ROOT.set(None)
    pulumi.runtime.set_all_config(raw_config)
    mocks.set_mocks(
        fake, project=project, stack=stack, preview=False, monitor=monitor, logger=_PROGRAM_LOG
    )
    collector = _LogCollector()
    _PROGRAM_LOG.addHandler(collector)
    try:
        with lean_mock_run() if lean else nullcontext():
            _sync_await(run_pulumi_func(lambda: _run_and_resolve(program)))
            root = pulumi.runtime.get_root_resource()
            exports = _sync_await(_resolve(getattr(root, "outputs", {})))
    finally:
        _PROGRAM_LOG.removeHandler(collector)
        pulumi.runtime.settings.SETTINGS.outputs.clear()
        ROOT.set(None)
        pulumi.runtime.set_all_config({})
        loop.close()
        asyncio.set_event_loop(None)
    return Recording(monitor.recorded, exports, monitor.component_outputs, collector.logs)


def _run_and_resolve(program: Callable[[], object]) -> None:
    program()


async def _resolve(value: Mapping[str, Any]) -> dict[str, Any]:
    resolved = await pulumi.Output.from_input(dict(value)).future()
    return dict(resolved or {})
