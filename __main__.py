"""rootguard's Pulumi program (`pulumi up`): everything is in rootguard.program."""

from rootguard.program import run

run()
