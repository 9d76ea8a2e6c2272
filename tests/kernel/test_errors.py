"""kernel.errors: every guozi error carries a stable code from one registry, documented in docs/errors.md."""

from __future__ import annotations

import gc
import re
from pathlib import Path
from typing import ClassVar

import pytest

# the modules that define error classes outside the kernel, so that every class is registered
import guozi.demo.public_companies
import guozi.ingest.guard
import guozi.web.deps
import guozi.workspace.explain
import guozi.workspace.review  # noqa: F401
from guozi.kernel.errors import ERROR_CODES, INTERNAL_ERROR, GuoziError, InvalidInputError, NotFoundError, Problem

DOC = Path(__file__).resolve().parents[2] / "docs" / "errors.md"
ROW = re.compile(r"^\| `(GZ-[A-Z]+-\d{3})` \| (.+?) \| (.+?) \| (\d) \| (?:`([\w.]+)`|—) \|$")


def _all_classes(cls: type[GuoziError]) -> list[type[GuoziError]]:
    gc.collect()  # a class refused while being defined lingers among the subclasses until collected
    out = [cls]
    for sub in cls.__subclasses__():
        out += _all_classes(sub)
    return out


def _documented() -> dict[str, tuple[str, str, int, str]]:
    rows: dict[str, tuple[str, str, int, str]] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        m = ROW.match(line)
        if m:
            code, zh, en, exit_status, cls = m.groups()
            assert code not in rows, f"{code} is listed twice in docs/errors.md"
            rows[code] = (zh, en, int(exit_status), cls or "")
    return rows


def test_every_code_is_documented_once_with_its_meaning_and_class() -> None:
    classes = {c.code: f"{c.__module__}.{c.__qualname__}".removeprefix("guozi.") for c in _all_classes(GuoziError)}
    documented = _documented()
    assert set(documented) == set(ERROR_CODES)
    for code, kind in ERROR_CODES.items():
        assert documented[code] == (kind.meaning.zh, kind.meaning.en, kind.exit_status, classes.get(code, ""))


def test_every_error_class_has_its_own_registered_code() -> None:
    classes = _all_classes(GuoziError)
    assert len(classes) >= 12  # the kernel's five, review's two, explain, guard, login, the demo's two
    codes = [c.code for c in classes]
    assert len(codes) == len(set(codes)), "two classes share a code"
    assert all(c in ERROR_CODES for c in codes)
    assert all(re.fullmatch(r"GZ-[A-Z]+-\d{3}", c) for c in ERROR_CODES)
    assert INTERNAL_ERROR.exit_status == 1
    assert {k.exit_status for k in ERROR_CODES.values() if k is not INTERNAL_ERROR} == {2}


def test_an_error_carries_its_code_and_prints_it_with_the_message() -> None:
    exc = NotFoundError("未知指标：x", "unknown indicator: x")
    assert exc.code == "GZ-LOOKUP-001"
    assert exc.coded("zh") == "GZ-LOOKUP-001 未知指标：x"
    assert exc.coded("en") == "GZ-LOOKUP-001 unknown indicator: x"
    bad = InvalidInputError([Problem("r", "甲", "a")])
    assert bad.code == "GZ-INPUT-001"
    assert bad.coded("en") == "GZ-INPUT-001 1 problem(s) in the input; nothing was written"


def test_a_class_without_a_registered_code_is_refused() -> None:
    with pytest.raises(TypeError, match="must name its own error code"):

        class ForgotError(GuoziError):  # no code of its own
            pass

    with pytest.raises(TypeError, match=r"not in kernel\.errors\.ERROR_CODES"):

        class UnknownCodeError(GuoziError):
            code: ClassVar[str] = "GZ-NOPE-001"

    with pytest.raises(TypeError, match="already carried by"):

        class TakenError(GuoziError):
            code: ClassVar[str] = "GZ-LOOKUP-001"
