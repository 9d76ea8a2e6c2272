"""``guozi user add``: accounts of the web application (contract §5)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from guozi.cli.app import app
from guozi.cli.common import LangOpt, StoreOpt, err, parse_lang, run, workspace
from guozi.kernel.errors import GuoziError
from guozi.kernel.text import pick

user_app = typer.Typer(
    name="user",
    help="Web 应用的用户账号。 Accounts of the web application.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(user_app, name="user")


@user_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="用户名 user name")],
    role: Annotated[str, typer.Option("--role", help="admin | supervisor | filer | viewer")],
    scope: Annotated[
        list[str] | None,
        typer.Option(
            "--scope", help="可查看的企业代码（含其下属企业），可重复 an entity whose subtree the user sees; repeatable"
        ),
    ] = None,
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin",
            help="从标准输入读取密码（至少 12 个字符，不能是常用密码或包含用户名） read the password from "
            "standard input (at least 12 characters, not a common password, not containing the user name)",
        ),
    ] = False,
    display_name: Annotated[str | None, typer.Option("--display-name", help="显示名 display name")] = None,
    store: StoreOpt = None,
    lang: LangOpt = "zh",
) -> None:
    """新增或修改用户（密码以 argon2 存储，写入审计日志）。 Add or change a user (argon2 hash, audited)."""
    lang = parse_lang(lang)

    def body() -> None:
        from guozi.workspace.accounts import save_user

        if not password_stdin:
            raise GuoziError(
                "请用 --password-stdin 从标准输入提供密码（不在命令行上明文出现）",
                "give the password on standard input with --password-stdin (never on the command line)",
            )
        password = sys.stdin.readline().rstrip("\r\n")
        with workspace(store) as ws:
            user = save_user(
                ws, actor="cli", name=name, role=role, scopes=scope or [], password=password, display_name=display_name
            )
            scopes = " ".join(user.scopes) or pick(lang, "全部", "everything")
            err.print(
                pick(
                    lang,
                    f"已保存用户 {user.name}（{user.role}，可见范围：{scopes}）",
                    f"saved user {user.name} ({user.role}, sees: {scopes})",
                )
            )

    run(lang, body)
