"""A file's heading: the required columns, and the entity attributes (extra columns) the store can hold."""

from __future__ import annotations

from collections import Counter

from guozi.ingest.contract.cells import short
from guozi.ingest.readers import ROW, SHEET, RawTable
from guozi.kernel.errors import Problem, worded
from guozi.kernel.text import Text
from guozi.store.batch import ENTITY_COLUMNS, IDENTIFIER_BYTES, Kind
from guozi.store.headings import attribute_fault

REQUIRED: dict[Kind, tuple[str, ...]] = {
    "entities": ("entity_id", "name"),
    "facts": ("entity_id", "period", "item", "value"),
    "targets": ("entity_id", "year", "indicator", "target"),
    "intercompany": ("entity_id", "counterparty_id", "period", "item", "value"),
}

MAX_ATTRIBUTES = 200  # extra entity columns a file may bring (each becomes an attribute of the store)
MAX_NAME_BYTES = IDENTIFIER_BYTES  # an attribute's name in UTF-8 bytes: PostgreSQL's limit on a column name


def columns_problems(raw: RawTable, kind: Kind, taken: dict[str, str] | None = None) -> list[Problem]:
    """The problems of a file's header: repeated or missing columns, and unfit entity attributes.

    ``taken`` maps the case-folded names of the entity attributes already known (in the store,
    or in an earlier file of the batch) to their spelling; this file's are added to it.
    """
    names = [c for c in raw.table.column_names if c not in (ROW, SHEET)]
    counts = Counter(names)
    dups = sorted(c for c, n in counts.items() if n > 1)
    if dups:
        return [
            Problem(
                "file.columns",
                f"列名重复：{', '.join(dups)}",
                f"repeated column name(s): {', '.join(dups)}",
                file=raw.name,
                sheet=raw.sheet,
                row=1,
                expected="each column once",
                expected_zh="每列只出现一次",
                found=", ".join(dups),
            )
        ]
    missing = [c for c in REQUIRED[kind] if c not in counts]
    if missing:
        return [
            Problem(
                "file.columns",
                f"缺少必需的列：{', '.join(missing)}",
                f"required column(s) missing: {', '.join(missing)}",
                file=raw.name,
                sheet=raw.sheet,
                row=1,
                expected=", ".join(REQUIRED[kind]),
                found=short(", ".join(names), 300),
            )
        ]
    if kind != "entities":
        return []
    return _attribute_problems(raw, [c for c in names if c not in ENTITY_COLUMNS], {} if taken is None else taken)


def _attribute_problems(raw: RawTable, attrs: list[str], taken: dict[str, str]) -> list[Problem]:
    """The entity attributes (extra columns) that cannot be stored as they are named.

    At most :data:`MAX_ATTRIBUTES` of them (checked first: nothing else is done for a wider file);
    each named as the store can hold it (:func:`guozi.store.headings.attribute_fault`, the one
    check the stores run too): a non-empty text without surrounding spaces, control characters or
    double quotes, at most :data:`MAX_NAME_BYTES` bytes, not ``__…``, and distinct, ignoring case,
    from the contract's columns, the store's own and every other attribute (``Name`` would be
    taken for ``name``).
    """

    def problem(zh: str, en: str, expected: str | Text, found: str) -> Problem:
        return Problem(
            "entity.attribute", zh, en, file=raw.name, sheet=raw.sheet, row=1, column=found, **worded(expected, found)
        )

    if len(attrs) > MAX_ATTRIBUTES:
        return [
            problem(
                f"企业名录的附加列过多：{len(attrs)} 列，最多 {MAX_ATTRIBUTES} 列",
                f"too many extra columns in the entities file: {len(attrs)}; at most {MAX_ATTRIBUTES}",
                Text(f"至多 {MAX_ATTRIBUTES} 个附加列", f"at most {MAX_ATTRIBUTES} extra columns"),
                str(len(attrs)),
            )
        ]
    out: list[Problem] = []
    mine: dict[str, str] = {}  # this file's earlier attributes, case-folded → as spelt
    for name in attrs:
        shown = short(name, 80)
        why = attribute_fault(name, mine, taken, strict=True, shown=shown)
        if why is not None:
            out.append(problem(*why, shown))
        mine.setdefault(name.casefold(), name)
    if not out:
        for name in attrs:
            taken.setdefault(name.casefold(), name)
    return out
