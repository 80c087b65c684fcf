"""rootguard's components as a Pulumi component package, for TypeScript, Go, YAML and others.

    pulumi package add <this repository>/provider

Pulumi runs this folder as a plugin. The Python SDK reads each component's type annotations
(its Args TypedDict and its Output attributes), serves the schema that other languages'
SDKs are generated from, and constructs the components when those programs ask for them.
"""

from importlib.metadata import version

from pulumi.provider.experimental import component_provider_host

from rootguard.alarms import SecurityAlarms
from rootguard.baseline import RootGuard
from rootguard.contacts import RecoveryContacts
from rootguard.guardrails import Guardrails
from rootguard.organization import Organization
from rootguard.password_policy import PasswordPolicy
from rootguard.root_access import RootAccess
from rootguard.trail import OrgTrail

PACKAGE = "rootguard"
COMPONENTS = [
    RootGuard,
    Organization,
    Guardrails,
    RootAccess,
    PasswordPolicy,
    RecoveryContacts,
    OrgTrail,
    SecurityAlarms,
]

if __name__ == "__main__":
    component_provider_host(name=PACKAGE, components=COMPONENTS, version=version(PACKAGE))
