"""Why a value is empty, in Chinese and English: missing inputs, a zero denominator, no members."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from guozi.catalog.model import Catalog
from guozi.engine.compile import Expr, Quantity, Term, denominators, quantities, terms
from guozi.engine.panel.cells import Objects
from guozi.engine.panel.model import Basis
from guozi.kernel.text import is_zh, pick


def _term_label(t: Term, catalog: Catalog, basis: Basis, lang: str) -> str:
    item = catalog.items[t.item]
    flow = item.kind == "flow"
    if is_zh(lang):
        when = (
            ("本月" if basis == "month" else "本年累计")
            if flow and t.role == "cur"
            else ("期末" if t.role == "cur" else ("上月末" if basis == "month" else "年初"))
        )
        return f"{item.name_zh}（{when}）"
    when = (
        ("month" if basis == "month" else "year to date")
        if flow and t.role == "cur"
        else ("closing" if t.role == "cur" else ("previous month end" if basis == "month" else "opening"))
    )
    return f"{item.name_en} ({when})"


def _quantity_label(q: Quantity, catalog: Catalog, basis: Basis, lang: str) -> str:
    if isinstance(q, Term):
        return _term_label(q, catalog, basis, lang)
    labels = [_term_label(t, catalog, basis, lang) for t in terms(q)]
    return pick(lang, "、".join(labels) + "均不完整", " / ".join(labels) + ": none complete")


def prior_note(data: dict[str, list[Any]], i: int, e: Expr, catalog: Catalog, basis: Basis) -> tuple[str, str]:
    """Why a same-basis prior value is empty: which current member lacks which prior-year input."""
    lacking = [(q, sorted(data[f"pmiss__{q.column}"][i] or [])) for q in quantities(e)]
    lacking = [(q, who) for q, who in lacking if who]
    if not lacking:
        return "", ""
    zh = "上年同期（同口径）缺少：" + "；".join(
        f"{_quantity_label(q, catalog, basis, 'zh')}（{'、'.join(who)} 未报）" for q, who in lacking
    )
    en = "prior year (same basis) missing: " + "; ".join(
        f"{_quantity_label(q, catalog, basis, 'en')} (not reported by {', '.join(who)})" for q, who in lacking
    )
    return zh, en


def empty_notes(
    table: pa.Table,
    rows: npt.NDArray[np.intp],
    members: npt.NDArray[np.int64],
    code: str,
    e: Expr,
    catalog: Catalog,
    basis: Basis,
) -> tuple[Objects, Objects]:
    """Why each of ``rows`` has no value of ``code``: missing inputs, a zero denominator or no members.

    Rows alike in member count, missing counts and zero denominators get the same note, worked
    out once (a period without figures empties every row the same way).
    """
    qlist = quantities(e)
    columns = [*(f"miss__{q.column}" for q in qlist), *(f"zero__{code}__{k}" for k in range(len(denominators(e))))]
    picked = table.select(columns).take(pa.array(rows, type=pa.int64()))
    seen: dict[tuple[Any, ...], tuple[str, str]] = {}
    zh, en = np.empty(len(rows), dtype=object), np.empty(len(rows), dtype=object)
    for pos, key in enumerate(
        zip(members[rows].tolist(), *(picked.column(c).to_pylist() for c in columns), strict=True)
    ):
        note = seen.get(key)
        if note is None:
            note = seen[key] = _note(e, catalog, basis, key[0], key[1 : 1 + len(qlist)], key[1 + len(qlist) :])
        zh[pos], en[pos] = note
    return zh, en


def _note(
    e: Expr, catalog: Catalog, basis: Basis, members: int, misses: Sequence[Any], zeros: Sequence[Any]
) -> tuple[str, str]:
    """The note of one empty value: ``misses`` counts the members lacking each of ``quantities(e)``,
    ``zeros`` says which of ``denominators(e)`` is zero."""
    missing = [(q, int(m)) for q, m in zip(quantities(e), misses, strict=True) if int(m) > 0]
    if missing:
        if members == 1:
            zh = "缺少：" + "；".join(_quantity_label(q, catalog, basis, "zh") for q, _ in missing)
            en = "missing: " + "; ".join(_quantity_label(q, catalog, basis, "en") for q, _ in missing)
        else:
            zh = "缺少：" + "；".join(
                f"{_quantity_label(q, catalog, basis, 'zh')}（{m}/{members} 家企业未报）" for q, m in missing
            )
            en = "missing: " + "; ".join(
                f"{_quantity_label(q, catalog, basis, 'en')} ({m} of {members} entities lack it)" for q, m in missing
            )
        return zh, en
    zero = [k for k, z in enumerate(zeros) if z]
    if zero:
        dens = denominators(e)
        labels_zh = [_expr_label(dens[k], catalog, basis, "zh") for k in zero]
        labels_en = [_expr_label(dens[k], catalog, basis, "en") for k in zero]
        return "分母为零：" + "；".join(labels_zh), "zero denominator: " + "; ".join(labels_en)
    if members == 0:
        return "无成员企业", "no member entities"
    return "无法计算", "cannot be computed"


def _expr_label(e: Expr, catalog: Catalog, basis: Basis, lang: str) -> str:
    ts = terms(e)
    sep = " + " if lang == "en" else "＋"
    return sep.join(_term_label(t, catalog, basis, lang) for t in ts)
