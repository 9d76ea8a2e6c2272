"""Which entity attribute names can be columns: the one check, run by the stores
(:func:`guozi.store.sql.attribute_columns`, the last guard before any SQL runs) and, stricter,
by the contract reader (:mod:`guozi.ingest.contract.headings`, a problem per heading)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from guozi.store.batch import ENTITY_COLUMNS, IDENTIFIER_BYTES, STORE_COLUMNS

__all__ = ["RESERVED", "attribute_fault"]

RESERVED = {c.casefold(): c for c in (*ENTITY_COLUMNS, *STORE_COLUMNS)}  # case-folded → as spelt


def attribute_fault(
    name: object,
    earlier: Mapping[str, str],
    known: Mapping[str, str],
    *,
    strict: bool = False,
    shown: str | None = None,
) -> tuple[str, str, str] | None:
    """Why an entity attribute called ``name`` cannot be a column, as (zh, en, expected), or ``None``.

    What the store can hold: a non-empty text without control characters, at most
    :data:`~guozi.store.batch.IDENTIFIER_BYTES` bytes of UTF-8, not a column of the store's own
    (``submission_id``, ``__…``) in any case, and not differing only in case from an ``earlier``
    attribute of the same file or a ``known`` one (both map case-folded names to their spelling):
    DuckDB does not tell such names apart. Anything else, quotes included, is quoted and kept.
    ``strict`` (the contract reader's heading): also no surrounding spaces, no double quote nor
    any other character of category C, and none of the contract's columns in another case.
    ``shown``: the name as messages quote it.
    """
    if not isinstance(name, str) or name.strip() == "":
        return "列名为空", "a column has no name", "a column name"
    key, shown = name.casefold(), name if shown is None else shown
    if strict and name != name.strip():
        return (
            f"列名首尾有空格：{name!r}",
            f"the column name {name!r} starts or ends with spaces",
            "a name without surrounding spaces",
        )
    if strict and any(unicodedata.category(ch).startswith("C") or ch == '"' for ch in name):
        return (
            f"列名含控制字符或双引号：{name!r}",
            f"the column name {name!r} holds a control character or a double quote",
            "a name without control characters or double quotes",
        )
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in name):
        return (
            f"列名含控制字符：{name!r}",
            f"the column name {name!r} holds a control character",
            "a name without control characters",
        )
    size = len(name.encode("utf-8"))
    if size > IDENTIFIER_BYTES:
        return (
            f"列名过长：{shown}（{size} 字节，最多 {IDENTIFIER_BYTES} 字节）",
            f"the column name {shown} is too long: {size} bytes, at most {IDENTIFIER_BYTES}",
            f"at most {IDENTIFIER_BYTES} bytes (UTF-8)",
        )
    reserved = RESERVED if strict else {c.casefold(): c for c in STORE_COLUMNS}
    if key in reserved:
        return (
            f"列名 {name} 与保留列 {reserved[key]} 冲突（不区分大小写）",
            f"the column name {name} clashes with the reserved column {reserved[key]} (case is ignored)",
            f"a name other than {', '.join(reserved.values())} in any case",
        )
    if name.startswith("__"):
        return (
            f"列名 {name} 以 __ 开头：此类列名为 guozi 保留",
            f"the column name {name} starts with __, which guozi reserves",
            "a name not starting with __",
        )
    if key in earlier and earlier[key] != name:
        return (
            f"列名 {name} 与本文件的另一列仅大小写不同",
            f"the column name {name} differs from another column of this file only in case",
            "names distinct ignoring case",
        )
    if key in known and known[key] != name:
        return (
            f"列名 {name} 与已有的企业属性 {known[key]} 仅大小写不同：请使用 {known[key]}",
            f"the column name {name} differs from the existing entity attribute {known[key]} only in case: "
            f"use {known[key]}",
            known[key],
        )
    return None
