"""``guozi backup`` and ``guozi restore``: a whole store to a portable archive and back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from guozi.cli.app import app
from guozi.cli.common import LangOpt, StoreOpt, out, parse_lang, run, spinner
from guozi.kernel.text import is_zh, pick

if TYPE_CHECKING:
    from guozi.store import Store
    from guozi.store.backup import BackupReport


def _summary(report: BackupReport, lang: str, *, restored: bool) -> str:
    rows = report.rows
    facts, subs, users = rows["facts"], rows["submissions"], rows["user_versions"]
    audit = rows["audit"]
    if is_zh(lang):
        head = f"已从 {report.archive} 恢复" if restored else f"已备份到 {report.archive}"
        return (
            f"{head}：{subs:,} 次提交、{facts:,} 条事实版本、"
            f"{users:,} 个账户版本、{audit:,} 条审计记录（存储结构版本 {report.schema_version}）"
        )
    verb = "restored from" if restored else "backed up to"
    return (
        f"{verb} {report.archive}: {subs:,} submissions, {facts:,} fact versions, "
        f"{users:,} account versions, {audit:,} audit entries (store schema {report.schema_version})"
    )


def _on_store(store: str | None, lang: str, work: Callable[[Store], BackupReport], *, restored: bool) -> None:
    """Open the store, do the work (with a spinner), close it, say what was moved."""

    from guozi.store import open_store

    def body() -> None:
        opened = open_store(store)
        try:
            with spinner(pick(lang, "恢复…" if restored else "备份…", "restoring…" if restored else "backing up…")):
                report = work(opened)
        finally:
            opened.close()
        out.print(_summary(report, lang, restored=restored))

    run(lang, body)


@app.command()
def backup(
    output: Annotated[Path, typer.Option("--output", "-o", help="the archive: FILE.tar, or a new folder")],
    overwrite: Annotated[bool, typer.Option("--overwrite", help="replace an archive already at --output")] = False,
    store: StoreOpt = None,
    lang: LangOpt = "zh",
) -> None:
    """备份整个存储（Parquet + 清单）。 Back up the whole store (Parquet files and a manifest)."""
    from guozi.store.backup import backup as backup_store

    lang = parse_lang(lang)
    _on_store(store, lang, lambda opened: backup_store(opened, output, overwrite=overwrite), restored=False)


@app.command()
def restore(
    archive: Annotated[Path, typer.Argument(help="an archive written by guozi backup (FILE.tar or folder)")],
    store: StoreOpt = None,
    lang: LangOpt = "zh",
) -> None:
    """把备份恢复到空存储。 Restore a backup into an empty store."""
    from guozi.store.backup import restore as restore_store

    lang = parse_lang(lang)
    _on_store(store, lang, lambda opened: restore_store(archive, opened), restored=True)
