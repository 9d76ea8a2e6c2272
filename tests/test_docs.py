"""The documented promises hold: every command and option of the data contract (§5) exists.

Like Datasette's documentation tests, this fails when the contract names something the
command line does not have. A command not built yet is an expected failure naming its issue.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer.main

from guozi.cli import app

CONTRACT = Path(__file__).parents[1] / "docs" / "spec" / "data-contract.md"
NOT_YET: dict[str, str] = {}


def _promised() -> list[tuple[str, list[str]]]:
    text = CONTRACT.read_text(encoding="utf-8")
    section = text[text.index("## 5.") :]
    out: list[tuple[str, list[str]]] = []
    for line in section.splitlines():
        if not line.startswith("guozi "):
            continue
        usage = line.split("#")[0]
        words = usage.split()[1:]
        command = " ".join(w for w in words[:2] if re.fullmatch(r"[a-z]+", w) and not w.isupper())
        command = command if words[0] in ("user", "period") else words[0]  # command groups: their subcommand
        options = sorted(set(re.findall(r"--[a-z][a-z-]*", usage)))
        out.append((command, options))
    return out


def _command(path: str) -> Any:
    cmd: Any = typer.main.get_command(app)
    for word in path.split():
        sub = getattr(cmd, "commands", {}).get(word)
        if sub is None:
            raise LookupError(f"no command {path!r}")
        cmd = sub
    return cmd


CASES = [
    pytest.param(c, o, marks=pytest.mark.xfail(raises=LookupError, strict=True, reason=NOT_YET[c]))
    if c in NOT_YET
    else pytest.param(c, o)
    for c, o in _promised()
]


def test_the_contract_promises_sixteen_usages() -> None:
    assert len(_promised()) == 16 + 2 + 4  # + issue 21: --view consolidated, reconcile; + issue 19: period


@pytest.mark.parametrize(("command", "options"), CASES)
def test_every_promised_command_and_option_exists(command: str, options: list[str]) -> None:
    cmd = _command(command)
    have = {opt for p in cmd.params for opt in getattr(p, "opts", [])}
    assert not set(options) - have, f"guozi {command} lacks {sorted(set(options) - have)}"


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(c, marks=pytest.mark.xfail(raises=LookupError, strict=True, reason=NOT_YET[c]))
        if c in NOT_YET
        else c
        for c in sorted({c for c, _ in _promised()})
    ],
)
def test_commands_that_read_the_store_take_store_format_output_and_lang(command: str) -> None:
    have = {opt for p in _command(command).params for opt in getattr(p, "opts", [])}
    needed = (
        {"--store", "--lang"}
        if command
        in ("import", "template", "serve", "user add", "export", "backup", "restore")  # they print no table (§5)
        or command in ("period open", "period close", "period reopen")
        else {"--store", "--format", "--output", "--lang"}
    )
    assert needed <= have, f"guozi {command} lacks {sorted(needed - have)}"
