"""The validation rules, evaluated as set operations in DuckDB (issue 18), find exactly what a
plain per-row reading of ``rules/validation.yaml`` finds.

The reference below is written by hand, simply, one figure at a time in Python: the figures as
after the import (the store's, overlaid by the input's), then for each rule of the kinds that
compare figures (identity, not_above, ratio_range, non_negative, whole_number, ytd_decrease,
unit_slip, jump) every (entity, period) or pair of months it fails on and the input row the
problem is reported at. Hypothesis draws small batches (two entities, four months across a year
end, fifteen items the shipped rules name, stored figures beside the input's, values chosen to
sit on both sides of the rules' thresholds) and the two must list the same problems: rule,
entity, period, file and row, each as often.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guozi.catalog import load_catalog
from guozi.ingest.rules import Context, Rule, RuleSet, evaluate, load_rules

CATALOG = load_catalog()
RULES = load_rules(CATALOG)
KINDS = ("identity", "not_above", "ratio_range", "non_negative", "whole_number", "ytd_decrease", "unit_slip", "jump")
ITEMS = (
    "total_assets", "total_liabilities", "total_equity", "current_assets", "cash", "total_profit",
    "net_profit", "income_tax", "revenue", "operating_cost", "employees", "current_liabilities",
    "non_current_assets", "total_liabilities_and_equity", "non_current_liabilities",
)  # fmt: skip
ENTITIES = ("A", "B")
PERIODS = (202412, 202501, 202502, 202503)
# on both sides of the thresholds: zero, negatives, a fraction of a person, the 100 元 tolerances,
# amounts below and above the jump's 100 万元 base, ×1 000 and ×10 000 (unit slips), +50 % and more
VALUES = tuple(
    Decimal(v)
    for v in (
        "0", "-5", "12.5", "100", "150", "1000000", "1000100", "1500000", "2000000", "3000000",
        "5000000", "1000000000", "10000000000", "250",
    )
)  # fmt: skip
FILE = "/in/facts.csv"
Key = tuple[str, int, str]  # (entity, period, item)
Found = tuple[str, str, int, str, int]  # (rule, entity, period, file, row)


def _prev(period: int) -> int:
    return period - 89 if period % 100 == 1 else period - 1


def _is(rule: Rule) -> bool:
    return rule.enabled and rule.kind in KINDS


def reference(rules: RuleSet, new: dict[Key, tuple[Decimal, int]], stored: dict[Key, Decimal]) -> Counter[Found]:
    """Every (rule, entity, period, file, row) problem, worked out one figure at a time."""
    after: dict[Key, Decimal] = {**stored, **{k: v for k, (v, _) in new.items()}}
    row = {k: r for k, (_, r) in new.items()}
    found: Counter[Found] = Counter()
    months = sorted({(e, p) for e, p, _ in after})
    for rule in (r for r in rules.rules.values() if _is(r)):
        if rule.kind in ("identity", "not_above", "ratio_range"):
            for e, p in months:
                v = {c: after.get((e, p, c)) for c in CATALOG.items}
                if _fails_month(rule, v):
                    where = next((row[(e, p, c)] for c in _order(rule) if (e, p, c) in row), None)
                    if where is not None:  # only an (entity, period) the input touches
                        found[(rule.id, e, p, FILE, where)] += 1
        for (e, p, c), (value, r) in new.items():
            negative = rule.kind == "non_negative" and value < 0
            if c in rule.items and (negative or (rule.kind == "whole_number" and value % 1 != 0)):
                found[(rule.id, e, p, FILE, r)] += 1
        if rule.kind in ("ytd_decrease", "unit_slip", "jump"):
            for (e, p, c), cur in after.items():
                prev = after.get((e, _prev(p), c))
                where = row.get((e, p, c), row.get((e, _prev(p), c)))  # this month's row, else the month before's
                if prev is None or where is None or c not in rule.items:
                    continue
                if _fails_change(rules, rule, c, p, cur, prev):
                    found[(rule.id, e, p, FILE, where)] += 1
    return found


def _order(rule: Rule) -> list[str]:
    """A month rule's items in the order its problem is located by: the first the input gives."""
    if rule.kind == "identity":
        return list(dict.fromkeys([*rule.left, *rule.right]))
    if rule.kind == "not_above":
        return list(dict.fromkeys([*rule.parts, rule.total]))
    return list(dict.fromkeys([rule.numerator, rule.denominator]))


def _fails_month(rule: Rule, v: dict[str, Decimal | None]) -> bool:
    """Whether one (entity, period)'s figures ``v`` (None: not given) fail the month rule."""
    if rule.kind == "identity":
        if any(v[c] is None for c in [*rule.left, *rule.right]):
            return False  # checked only when every item is given
        left = sum((v[c] or Decimal(0) for c in dict.fromkeys(rule.left)), Decimal(0))
        right = sum((v[c] or Decimal(0) for c in dict.fromkeys(rule.right)), Decimal(0))
        return abs(left - right) > Decimal(rule.param("tolerance"))
    if rule.kind == "not_above":
        given = [v[c] or Decimal(0) for c in dict.fromkeys(rule.parts) if v[c] is not None]
        total = v[rule.total]
        return bool(given) and total is not None and sum(given, Decimal(0)) > total + Decimal(rule.param("tolerance"))
    num, den = v[rule.numerator], v[rule.denominator]
    if num is None or den is None or den <= 0:
        return False
    return num * 100 < den * Decimal(rule.param("min")) or num * 100 > den * Decimal(rule.param("max"))


def _slip(rule: Rule, r: float) -> bool:
    within = float(rule.param("within"))
    for f in rule.param("factors"):
        lo, hi = float(f) / within, float(f) * within
        if lo <= r <= hi or 1 / hi <= r <= 1 / lo:
            return True
    return False


def _fails_change(rules: RuleSet, rule: Rule, code: str, period: int, cur: Decimal, prev: Decimal) -> bool:
    """Whether the pair (this month ``cur``, the month before ``prev``) of ``code`` fails ``rule``."""
    item = CATALOG.items[code]
    flow = item.kind == "flow"
    if rule.kind == "ytd_decrease":
        return flow and period % 100 > 1 and cur < prev - Decimal(rule.param("tolerance"))
    cur_c = float(cur) / (period % 100) if flow else float(cur)
    prev_c = float(prev) / (_prev(period) % 100) if flow else float(prev)
    if prev_c == 0:
        return False
    r = cur_c / prev_c
    if rule.kind == "unit_slip":
        return cur_c != 0 and _slip(rule, r)
    base = rule.param("min_base_persons") if item.unit == "人" else rule.param("min_base")
    slipped = any(code in s.items and _slip(s, r) for s in rules.enabled("unit_slip"))
    return abs(prev_c) >= float(base) and abs(r - 1) * 100 > float(rule.param("threshold")) and not slipped


def _table(new: dict[Key, tuple[Decimal, int]]) -> pa.Table:
    keys = list(new)
    return pa.table(
        {
            "entity_id": pa.array([k[0] for k in keys], pa.string()),
            "period": pa.array([k[1] for k in keys], pa.int32()),
            "item": pa.array([k[2] for k in keys], pa.string()),
            "value": pa.array([new[k][0] for k in keys], pa.decimal128(22, 4)),
            "source": pa.array([FILE] * len(keys), pa.string()),
            "sheet": pa.array([""] * len(keys), pa.string()),
            "row": pa.array([new[k][1] for k in keys], pa.int64()),
        }
    )


def _context(stored: dict[Key, Decimal]) -> Context:
    def lookup(keys: pa.Table) -> pa.Table:
        wanted = set(zip(keys.column("entity_id").to_pylist(), keys.column("period").to_pylist(), strict=True))
        rows = [(k, v) for k, v in stored.items() if (k[0], k[1]) in wanted]
        return pa.table(
            {
                "entity_id": pa.array([k[0] for k, _ in rows], pa.string()),
                "period": pa.array([k[1] for k, _ in rows], pa.int32()),
                "item": pa.array([k[2] for k, _ in rows], pa.string()),
                "value": pa.array([v for _, v in rows], pa.decimal128(22, 4)),
            }
        )

    def last(keys: pa.Table) -> pa.Table:  # nothing filed later: no closed period
        return pa.table({"entity_id": pa.array([], pa.string()), "period": pa.array([], pa.int32())})

    return Context(lookup=lookup, last_periods=last, entities=None, today=date(2030, 1, 1))


KEYS = st.tuples(st.sampled_from(ENTITIES), st.sampled_from(PERIODS), st.sampled_from(ITEMS))
FIGURES = st.dictionaries(KEYS, st.sampled_from(VALUES), max_size=90)  # of 2 × 4 × 15 keys: dense months
NEW = st.dictionaries(KEYS, st.sampled_from(VALUES), min_size=30, max_size=90)


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(new=NEW, stored=FIGURES)
def test_the_set_operations_find_what_the_per_row_reference_finds(
    new: dict[Key, Decimal], stored: dict[Key, Decimal]
) -> None:
    rows = {k: (v, n + 2) for n, (k, v) in enumerate(new.items())}  # row 1 is the header
    findings = evaluate(RULES, CATALOG, _table(rows), _context(stored))
    got = Counter(
        (f.problem.rule, f.entity_id, f.period, f.source, f.problem.row)
        for f in findings
        if _is(RULES.rules[f.problem.rule])
    )
    assert got == reference(RULES, rows, stored)


def test_the_reference_finds_a_hand_worked_case() -> None:
    """By hand: A 2025-01 资产 100 万元 against 负债 + 权益 = 60 + 30 = 90 万元 (差 10 万元 > 100 元:
    balance.identity at the first of its items given, total_assets, row 2); 从业人员 12.5 人 (not
    whole, row 5); revenue 2024-12 stored 24 000 000 元 (12 months: 2 000 000 a month, above the
    jump's base of 1 000 000) and 2025-01 10 000 000 元 (one month): ×5, +400 % > 50 %, and not a
    slip of ×1 000 or ×10 000 within ×2 (500–20 000): a jump, reported at the new figure's row 6;
    no year-to-date fall is looked for in January."""
    new = {
        ("A", 202501, "total_assets"): (Decimal(1_000_000), 2),
        ("A", 202501, "total_liabilities"): (Decimal(600_000), 3),
        ("A", 202501, "total_equity"): (Decimal(300_000), 4),
        ("A", 202501, "employees"): (Decimal("12.5"), 5),
        ("A", 202501, "revenue"): (Decimal(10_000_000), 6),
    }
    stored = {("A", 202412, "revenue"): Decimal(24_000_000)}
    expected = Counter(
        {
            ("balance.identity", "A", 202501, FILE, 2): 1,
            ("persons.whole", "A", 202501, FILE, 5): 1,
            ("value.jump", "A", 202501, FILE, 6): 1,
        }
    )
    assert reference(RULES, new, stored) == expected
    findings = evaluate(RULES, CATALOG, _table(new), _context(stored))
    got = Counter((f.problem.rule, f.entity_id, f.period, f.source, f.problem.row) for f in findings)
    assert got == expected


@dataclass(frozen=True)
class _Staged:
    """Facts staged in a DuckDB file, as the store's ``StagedFacts`` keeps them (table ``facts``)."""

    path: Path
    sources: tuple[str, ...]
    num_rows: int


def test_facts_staged_in_a_file_are_checked_where_they_are(tmp_path: Path) -> None:
    """The same facts as a table in memory and staged in a DuckDB file (the input's path by its
    index, as the store streams them) give the same problems: the hand-worked case above."""
    new = {
        ("A", 202501, "total_assets"): (Decimal(1_000_000), 2),
        ("A", 202501, "total_liabilities"): (Decimal(600_000), 3),
        ("A", 202501, "total_equity"): (Decimal(300_000), 4),
        ("A", 202501, "employees"): (Decimal("12.5"), 5),
    }
    table = _table(new)
    path = tmp_path / "staged.duckdb"
    with duckdb.connect(str(path)) as con:
        con.register("t", table.drop_columns(["source"]))
        con.execute(
            """create table facts as select entity_id, period, item, value, 0 as source_id, sheet, row from t"""
        )
    ctx = _context({})
    key = [
        (f.problem.rule, f.entity_id, f.period, f.source, f.problem.row, f.problem.message_zh)
        for f in evaluate(RULES, CATALOG, table, ctx)
    ]
    staged = evaluate(RULES, CATALOG, _Staged(path, (FILE,), len(new)), ctx)
    assert [
        (f.problem.rule, f.entity_id, f.period, f.source, f.problem.row, f.problem.message_zh) for f in staged
    ] == key
    assert [k[:5] for k in key] == [("balance.identity", "A", 202501, FILE, 2), ("persons.whole", "A", 202501, FILE, 5)]
