"""The kinds that compare a figure with the month before's: ``ytd_decrease`` (a year-to-date flow
falling), ``unit_slip`` (a figure off by a factor such as 10 000, a 元 / 万元 slip) and ``jump`` (a
change above a threshold). Flows are compared as monthly averages of the year to date.

The pairs (a figure and the month before's, when either is new) are found in one pass over the
figures, by a window over each entity's item ordered by period (no self-join), and only the pairs
failing some rule of these kinds are kept (``pairs_t``); each rule then reads its own from them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from guozi.ingest.rules.model import Rule
from guozi.ingest.rules.run import Run, prev_month, sql_decimal, sql_in
from guozi.kernel.periods import Period
from guozi.kernel.text import Text, is_zh
from guozi.kernel.units import grouped

CHANGE_KINDS = ("ytd_decrease", "unit_slip", "jump")


def _pairs(run: Run) -> None:
    """``pairs_t``: each figure after the import with the month before's, when either is new, and
    some rule of :data:`CHANGE_KINDS` fails on the pair; ``rid`` is the input row it is reported at."""
    if "pairs_t" in run.made:
        return
    run.made.add("pairs_t")
    failing = " or ".join(f"({_failing(run, rule)})" for k in CHANGE_KINDS for rule in run.rules.enabled(k))
    run.con.execute(
        f"""
        create temp table pairs_t as
        with w as (
            select entity_id, item, period, value as cur_v, rid as cur_rid,
                   lag(period) over s as prev_p, lag(value) over s as prev_v, lag(rid) over s as prev_rid
            from after_t window s as (partition by entity_id, item order by period)),
        c as (
            select w.entity_id, w.item, w.period, w.cur_v, w.prev_p, w.prev_v, i.flow, i.persons,
                   coalesce(w.cur_rid, w.prev_rid) as rid,
                   case when i.flow then cast(w.cur_v as double) / (w.period % 100) else cast(w.cur_v as double) end as cur_c,
                   case when i.flow then cast(w.prev_v as double) / (w.prev_p % 100) else cast(w.prev_v as double) end as prev_c
            from w join items_t i on i.item = w.item
            where w.prev_p = {prev_month("w.period")} and (w.cur_rid is not null or w.prev_rid is not null)),
        r as (select *, case when prev_c <> 0 then cur_c / prev_c end as r from c)
        select * from r where {failing or "false"}
        """
    )


def _failing(run: Run, rule: Rule) -> str:
    """The SQL test of a pair failing ``rule`` (over the columns of ``pairs_t``)."""
    items = f"item in {sql_in(rule.items)}"
    if rule.kind == "ytd_decrease":
        tol = Decimal(rule.param("tolerance"))
        return f"flow and period % 100 > 1 and {items} and cur_v < prev_v - {sql_decimal(tol)}"
    if rule.kind == "unit_slip":
        return f"r is not null and cur_c <> 0 and {items} and {_slip_sql(rule)}"
    threshold = Decimal(rule.param("threshold"))
    base, base_p = Decimal(rule.param("min_base")), Decimal(rule.param("min_base_persons"))
    slips = list(run.rules.enabled("unit_slip"))
    not_slip = " and ".join(f"not (item in {sql_in(s.items)} and {_slip_sql(s)})" for s in slips) or "true"
    return f"""r is not null and {items}
          and abs(prev_c) >= case when persons then {float(base_p)!r} else {float(base)!r} end
          and abs(r - 1) * 100 > {float(threshold)!r}
          and {not_slip}"""


def _failed(run: Run, rule: Rule) -> list[dict[str, Any]]:
    """The pairs failing ``rule``, where they are reported, in the input's order."""
    _pairs(run)
    return run.fetch(run.located(f"select * from pairs_t where {_failing(run, rule)}", "entity_id, item, period"))


def ytd_decrease(run: Run, rule: Rule) -> None:
    """A year-to-date flow of ``items`` does not fall from one month to the next within a year."""
    tol = Decimal(rule.param("tolerance"))
    for r in _failed(run, rule):
        code, cur, prev = str(r["item"]), Decimal(r["cur_v"]), Decimal(r["prev_v"])

        def fields(lang: str, code: str = code, cur: Decimal = cur, prev: Decimal = prev, r: Any = r) -> dict[str, Any]:
            return {
                "item_name": run.name(code, lang),
                "value": run.amount(cur, code, lang),
                "prev": run.amount(prev, code, lang),
                "prev_period": str(Period.from_code(int(r["prev_p"]))),
                "diff": run.amount(prev - cur, code, lang),
                "tolerance": run.amount(tol, code, lang),
            }

        run.add(rule, r, fields, [code], expected=f"{code} >= {prev.normalize():f}", found=f"{cur.normalize():f}")


def _slip_sql(rule: Rule) -> str:
    """The SQL test of ``r`` (this month's value over the last, per month) being a unit slip of ``rule``."""
    within = float(rule.param("within"))
    tests = []
    for f in rule.param("factors"):
        lo, hi = float(f) / within, float(f) * within
        tests.append(f"(r between {lo!r} and {hi!r}) or (r between {1 / hi!r} and {1 / lo!r})")
    return "(" + " or ".join(tests) + ")"


def _basis(flow: bool, lang: str) -> str:
    if is_zh(lang):
        return "本年累计月均数" if flow else "期末余额"
    return "the monthly average year to date" if flow else "the balance"


def unit_slip(run: Run, rule: Rule) -> None:
    """A figure of ``items`` is not about ``factors`` times (or a fraction of) the month before's."""
    factors = [Decimal(f) for f in rule.param("factors")]
    for r in _failed(run, rule):
        code, cur, prev, ratio = str(r["item"]), Decimal(r["cur_v"]), Decimal(r["prev_v"]), float(r["r"])
        big = ratio if ratio >= 1 else 1 / ratio
        factor = min(factors, key=lambda f: abs(float(f) - big))

        def fields(
            lang: str,
            code: str = code,
            cur: Decimal = cur,
            prev: Decimal = prev,
            r: Any = r,
            ratio: float = ratio,
            factor: Decimal = factor,
        ) -> dict[str, Any]:
            shown = grouped(Decimal(repr(ratio)), 1) if ratio >= 1 else f"1/{grouped(Decimal(repr(1 / ratio)), 0)}"
            return {
                "item_name": run.name(code, lang),
                "value": run.amount(cur, code, lang),
                "prev": run.amount(prev, code, lang),
                "prev_period": str(Period.from_code(int(r["prev_p"]))),
                "ratio": shown,
                "factor": f"{factor.normalize():f}",
                "basis": _basis(bool(r["flow"]), lang),
            }

        run.add(
            rule,
            r,
            fields,
            [code],
            expected=Text(
                f"{code} 与 {prev.normalize():f} 同一数量级（而非 ×{factor.normalize():f}）",
                f"{code} of the same order as {prev.normalize():f} (not ×{factor.normalize():f})",
            ),
            found=f"{cur.normalize():f} (×{ratio:.4g})",
        )


def jump(run: Run, rule: Rule) -> None:
    """A figure of ``items`` changes by at most ``threshold`` % from a base of at least ``min_base``; unit slips excepted."""
    threshold = Decimal(rule.param("threshold"))
    for r in _failed(run, rule):
        code, cur, prev, ratio = str(r["item"]), Decimal(r["cur_v"]), Decimal(r["prev_v"]), float(r["r"])
        change = (Decimal(repr(ratio)) - 1) * 100

        def fields(
            lang: str,
            code: str = code,
            cur: Decimal = cur,
            prev: Decimal = prev,
            r: Any = r,
            change: Decimal = change,
        ) -> dict[str, Any]:
            sign = "+" if change > 0 else ""
            return {
                "item_name": run.name(code, lang),
                "value": run.amount(cur, code, lang),
                "prev": run.amount(prev, code, lang),
                "prev_period": str(Period.from_code(int(r["prev_p"]))),
                "change": f"{sign}{grouped(change, 2)}%",
                "threshold": f"{threshold.normalize():f}%",
                "basis": _basis(bool(r["flow"]), lang),
            }

        run.add(
            rule,
            r,
            fields,
            [code],
            expected=Text(f"|变动| <= {threshold.normalize():f}%", f"|change| <= {threshold.normalize():f}%"),
            found=f"{change.quantize(Decimal('0.01'))}%",
        )
