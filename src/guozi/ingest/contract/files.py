"""Which input files a path holds, and what each holds: entities, facts or targets."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from guozi.ingest.readers import SUFFIXES, is_template
from guozi.kernel.errors import Problem
from guozi.store.batch import KINDS, Kind


def collect_files(paths: Iterable[Path]) -> tuple[list[tuple[Path, Kind]], list[Problem]]:
    """The input files of ``paths`` (folders or files) with their kind.

    A report template (an xlsx file made by ``guozi template``) holds facts whatever its name.
    """
    found: list[tuple[Path, Kind]] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES and kind_of(p) is not None)
            if not inside:
                problems.append(
                    Problem(
                        "file.none",
                        f"文件夹中没有 entities、facts、targets 文件或报表模板（{'/'.join(SUFFIXES)}）",
                        f"the folder holds no entities, facts or targets file nor report template ({'/'.join(SUFFIXES)})",
                        file=str(path),
                    )
                )
            found.extend((p, k) for p in inside if (k := kind_of(p)) is not None)
        elif not path.exists():
            problems.append(
                Problem("file.missing", "文件不存在", "no such file or folder", file=str(path), found=str(path))
            )
        else:
            kind = kind_of(path)
            if kind is None:
                problems.append(
                    Problem(
                        "file.kind",
                        "无法判断文件内容：文件名应以 entities、facts 或 targets 开头，或为 guozi template 生成的报表模板",
                        "cannot tell what the file holds: its name should start with entities, facts or targets, or it should be a report template made by guozi template",
                        file=path.name,
                        expected="entities.* | facts.* | targets.* | a report template (.xlsx)",
                        expected_zh="entities.* | facts.* | targets.* | 报表模板（.xlsx）",
                        found=path.name,
                    )
                )
            else:
                found.append((path, kind))
    return found, problems


def kind_of(path: Path) -> Kind | None:
    if is_template(path):
        return "facts"
    stem = path.stem.lower()
    for kind in KINDS:
        if stem.startswith(kind):
            return kind
    return None
