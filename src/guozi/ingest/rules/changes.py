"""The kinds that compare a figure with the month before's: ``ytd_decrease`` (a year-to-date flow
falling), ``unit_slip`` (a figure off by a factor such as 10 000, a 元 / 万元 slip) and ``jump`` (a
change above a threshold). Flows are compared as monthly averages of the year to date."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from guozi.ingest.rules.model import Rule
from guozi.ingest.rules.run import Run, prev_month, sql_decimal, sql_in
from guozi.kernel.periods import Period
from guozi.kernel.text import Text, is_zh
from guozi.kernel.units import grouped


def _pairs(run: Run) -> None:
    """``pairs_t``: each figure after the import with the month before's, when either is new."""
    if "pairs_t" in run.made:
        return
    run.made.add("pairs_t")
    run.con.execute(
        f"""
        create temp table pairs_t as
        with c as (select *, {prev_month("period")} as prev_p from after_t)
        select c.entity_id, c.item, c.period as period, c.value as cur_v, p.period as prev_p, p.value as prev_v,
               i.flow, i.persons,
               coalesce(c.source, p.source) as source,
               case when c.source is not null then c.sheet else p.sheet end as sheet,
               case when c.source is not null then c.row else p.row end as row,
               case when i.flow then cast(c.value as double) / (c.period % 100) else cast(c.value as double) end as cur_c,
               case when i.flow then cast(p.value as double) / (p.period % 100) else cast(p.value as double) end as prev_c
        from c
        join after_t p on p.entity_id = c.entity_id and p.item = c.item and p.period = c.prev_p
        join items_t i on i.item = c.item
        where c.is_new or p.is_new
        """
    )


def ytd_decrease(run: Run, rule: Rule) -> None:
    """A year-to-date flow of ``items`` does not fall from one month to the next within a year."""
    _pairs(run)
    tol = Decimal(rule.param("tolerance"))
    sql = f"""
        select * from pairs_t
        where flow and period % 100 > 1 and item in {sql_in(rule.items)}
          and cur_v < prev_v - {sql_decimal(tol)}
        order by source, row
    """
    for r in run.fetch(sql):
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
    _pairs(run)
    sql = f"""
        select *, r from (select *, cur_c / prev_c as r from pairs_t where prev_c <> 0 and cur_c <> 0)
        where item in {sql_in(rule.items)} and {_slip_sql(rule)}
        order by source, row
    """
    factors = [Decimal(f) for f in rule.param("factors")]
    for r in run.fetch(sql):
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
    _pairs(run)
    threshold = Decimal(rule.param("threshold"))
    base, base_p = Decimal(rule.param("min_base")), Decimal(rule.param("min_base_persons"))
    slips = list(run.rules.enabled("unit_slip"))
    not_slip = " and ".join(f"not (item in {sql_in(s.items)} and {_slip_sql(s)})" for s in slips) or "true"
    sql = f"""
        select *, r from (select *, cur_c / prev_c as r from pairs_t where prev_c <> 0)
        where item in {sql_in(rule.items)}
          and abs(prev_c) >= case when persons then {float(base_p)!r} else {float(base)!r} end
          and abs(r - 1) * 100 > {float(threshold)!r}
          and {not_slip}
        order by source, row
    """
    for r in run.fetch(sql):
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
