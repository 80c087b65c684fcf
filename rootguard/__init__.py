"""rootguard: lock down the AWS root user across an AWS Organization.

One import name for everything: the Pulumi components (`rootguard.baseline`, `rootguard.trail`,
...), the stack-config contract (`rootguard.config`), the offline engine (`rootguard.offline`),
the audit (`rootguard.audit`) and the `rootguard` command (`rootguard.cli`). Importing the
package itself loads nothing else, so the CI helpers that only have pydantic can use the config.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    # The one version: the distribution's metadata (pyproject.toml), as pip installed it.
    __version__ = version("rootguard")
except PackageNotFoundError:  # a checkout used without `pip install`
    __version__ = "0+unknown"
