"""The Typer application that every command module registers on."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="guozi",
    help="国资监管指标体系：采集、校验、计算、预警与分析。 Steering SOEs by their operating indicators.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
