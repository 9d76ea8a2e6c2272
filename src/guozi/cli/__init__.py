"""The ``guozi`` command line: thin shells over :class:`guozi.workspace.Workspace`.

One module per group of commands; each registers its commands on :data:`guozi.cli.app.app`.
"""

from __future__ import annotations

from guozi.cli import (  # noqa: F401  (registration by import)
    backup,
    collect,
    demo,
    export,
    history,
    indicators,
    peers,
    period,
    reconcile,
    report,
    risk,
    serve,
    targets,
    template,
    users,
)
from guozi.cli.app import app

__all__ = ["app", "main"]


def main() -> None:  # pragma: no cover
    """Entry point for ``python -m guozi``."""
    app()
