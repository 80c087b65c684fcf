"""`python -m audit`: see audit/cli.py."""

from .cli import main

raise SystemExit(main())
