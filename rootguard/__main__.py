"""`python -m rootguard`: the same as the `rootguard` command."""

from .cli import main

raise SystemExit(main())
