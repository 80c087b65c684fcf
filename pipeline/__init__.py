"""The CI pipeline's helpers: which stacks to act on, recording runs, rendering reports.

The GitHub workflows in `.github/workflows/` stay thin: they call these modules, which are
tested like the rest of the project. See docs/ci.md.
"""
