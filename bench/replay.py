"""Register a recording's resources again, directly: the baseline without rootguard.

To see what the component layer costs, the same custom resources (type, name, inputs,
protection and dependencies, as recorded from the real program) are registered by a program
that has nothing else to do:

- `flat`: no ComponentResource at all, every resource at the top level;
- `tree`: the same resources under the recorded component tree (plain ComponentResources
  with the recorded outputs), so `tree - flat` is the cost of the components themselves.

Both register generic `pulumi.CustomResource`s with the recorded (already serialized) inputs,
which is cheaper than the typed pulumi_aws classes a hand-written program would use: the
difference from the real program is therefore an upper bound on rootguard's own cost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import pulumi

from rootguard.offline import Recording
from rootguard.offline.graph import dependencies

Shape = Literal["flat", "tree"]


def replay(recording: Recording, shape: Shape) -> Callable[[], None]:
    """A program registering `recording`'s resources again, `flat` or under its `tree`."""
    waits = dependencies(recording)

    def program() -> None:
        made: dict[str, pulumi.Resource] = {}
        components: list[tuple[pulumi.ComponentResource, str]] = []
        for registration in recording:
            parent = made.get(registration.parent or "") if shape == "tree" else None
            if not registration.custom:
                if shape == "tree":
                    component = pulumi.ComponentResource(
                        registration.type,
                        registration.name,
                        None,
                        pulumi.ResourceOptions(parent=parent),
                    )
                    made[registration.urn] = component
                    components.append((component, registration.urn))
                continue
            made[registration.urn] = pulumi.CustomResource(
                registration.type,
                registration.name,
                dict(registration.inputs),
                pulumi.ResourceOptions(
                    parent=parent,
                    depends_on=[made[urn] for urn in sorted(waits[registration.urn])],
                    protect=registration.protect,
                    retain_on_delete=registration.retain_on_delete,
                    import_=registration.import_id,
                    ignore_changes=registration.ignore_changes or None,
                ),
            )
        for component, urn in components:
            component.register_outputs(recording.component_outputs.get(urn, {}))

    return program
