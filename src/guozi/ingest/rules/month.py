"""The kinds that test one month's figures of an entity: ``identity`` (two sums equal),
``not_above`` (parts at most their total), ``non_negative``, ``whole_number`` (no fraction) and
``ratio_range`` (a ratio within bounds). Each reports its failing rows, located at the first input row of the figures concerned."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from guozi.ingest.rules.model import Rule
from guozi.ingest.rules.run import Run, sql_decimal, sql_in, sql_list, sql_text
from guozi.kernel.text import pick
from guozi.kernel.units import grouped


def identity(run: Run, rule: Rule) -> None:
    """The sum of ``left`` equals the sum of ``right``, within ``tolerance``, when all are given."""
    tol = Decimal(rule.param("tolerance"))
    both = [*rule.left, *rule.right]
    sql = f"""
        select entity_id, period,
            sum(value) filter (where item in {sql_in(rule.left)}) as lsum,
            count(*) filter (where item in {sql_in(rule.left)}) as ln,
            sum(value) filter (where item in {sql_in(rule.right)}) as rsum,
            count(*) filter (where item in {sql_in(rule.right)}) as rn,
            bool_or(is_new) as touched
        from after_t where item in {sql_in(both)} group by entity_id, period
        having touched and ln = {len(set(rule.left))} and rn = {len(set(rule.right))}
           and abs(lsum - rsum) > {sql_decimal(tol)}
    """
    persons = any(run.persons(c) for c in both)
    code = both[0]
    for r in run.fetch(run.located(sql, both)):
        lsum, rsum = Decimal(r["lsum"]), Decimal(r["rsum"])

        def fields(lang: str, lsum: Decimal = lsum, rsum: Decimal = rsum) -> dict[str, Any]:
            return {
                "left": run.amount(lsum, code, lang),
                "right": run.amount(rsum, code, lang),
                "diff": run.amount(abs(lsum - rsum), code, lang),
                "tolerance": run.rules.amount(tol, persons=persons, lang=lang),
            }

        run.add(
            rule,
            r,
            fields,
            both,
            expected=f"{' + '.join(rule.left)} = {' + '.join(rule.right)} ± {tol.normalize():f}",
            found=f"{lsum.normalize():f} ≠ {rsum.normalize():f}",
        )


def not_above(run: Run, rule: Rule) -> None:
    """The sum of the ``parts`` given is at most the ``total``, plus ``tolerance``."""
    tol = Decimal(rule.param("tolerance"))
    both = [*rule.parts, rule.total]
    sql = f"""
        select entity_id, period,
            sum(value) filter (where item in {sql_in(rule.parts)}) as psum,
            list(item order by list_position({sql_list(rule.parts)}, item))
                filter (where item in {sql_in(rule.parts)}) as given,
            max(value) filter (where item = {sql_text(rule.total)}) as total,
            bool_or(is_new) as touched
        from after_t where item in {sql_in(both)} group by entity_id, period
        having touched and total is not null and psum is not null and psum > total + {sql_decimal(tol)}
    """
    code = rule.total
    for r in run.fetch(run.located(sql, both)):
        psum, total = Decimal(r["psum"]), Decimal(r["total"])
        given = [str(g) for g in r["given"]]

        def fields(lang: str, psum: Decimal = psum, total: Decimal = total, given: list[str] = given) -> dict[str, Any]:
            sep = pick(lang, "、", ", ")
            return {
                "parts": run.amount(psum, code, lang),
                "total": run.amount(total, code, lang),
                "diff": run.amount(psum - total, code, lang),
                "tolerance": run.amount(tol, code, lang),
                "part_names": sep.join(run.name(g, lang) for g in given),
                "total_name": run.name(code, lang),
            }

        run.add(
            rule,
            r,
            fields,
            [*given, rule.total],
            expected=f"{' + '.join(given)} <= {rule.total} + {tol.normalize():f}",
            found=f"{psum.normalize():f} > {total.normalize():f}",
        )


def _each_figure(run: Run, rule: Rule, failing: str, expected: Callable[[str], str], *, exact: bool = False) -> None:
    """Every new figure of ``items`` for which the SQL condition ``failing`` (on ``n.value``) holds.

    ``exact``: the message shows the figure as given (12.5 人), not rounded as amounts are.
    """
    sql = f"""
        select n.entity_id, n.period, n.item, n.value, n.source, n.sheet, n.row
        from new_t n where n.item in {sql_in(rule.items)} and ({failing})
        order by n.source, n.row
    """
    for r in run.fetch(sql):
        code, value = str(r["item"]), Decimal(r["value"])

        def fields(lang: str, code: str = code, value: Decimal = value) -> dict[str, Any]:
            unit = pick(lang, " 人", " persons") if run.persons(code) else pick(lang, " 元", " yuan")
            shown = f"{value.normalize():f}{unit}" if exact else run.amount(value, code, lang)
            return {"item_name": run.name(code, lang), "value": shown}

        run.add(rule, r, fields, [code], expected=expected(code), found=f"{value.normalize():f}")


def non_negative(run: Run, rule: Rule) -> None:
    """No new figure of ``items`` is below zero."""
    _each_figure(run, rule, "n.value < 0", lambda code: f"{code} >= 0")


def whole_number(run: Run, rule: Rule) -> None:
    """No new figure of ``items`` has a fraction (persons are counted whole: not 12.5 人)."""
    _each_figure(run, rule, "n.value <> trunc(n.value)", lambda code: f"{code}: a whole number", exact=True)


def ratio_range(run: Run, rule: Rule) -> None:
    """``numerator`` / ``denominator`` (%) lies within ``min`` … ``max`` when the denominator is positive."""
    lo, hi = Decimal(rule.param("min")), Decimal(rule.param("max"))
    both = [rule.numerator, rule.denominator]
    sql = f"""
        select * from (
            select entity_id, period,
                max(value) filter (where item = {sql_text(rule.numerator)}) as num,
                max(value) filter (where item = {sql_text(rule.denominator)}) as den,
                bool_or(is_new) as touched
            from after_t where item in {sql_in(both)} group by entity_id, period)
        where touched and num is not null and den is not null and den > 0
          and (num * 100 < den * {sql_decimal(lo)} or num * 100 > den * {sql_decimal(hi)})
    """  # exact: num and den are WIDE, the bounds below 10^12 (EXACT_PARAMS); no float rounds 300.000…1 % to 300
    for r in run.fetch(run.located(sql, both)):
        num, den = Decimal(r["num"]), Decimal(r["den"])
        ratio = num * 100 / den

        def fields(lang: str, num: Decimal = num, den: Decimal = den, ratio: Decimal = ratio) -> dict[str, Any]:
            return {
                "ratio": f"{grouped(ratio, 2)}%",
                "min": f"{lo.normalize():f}%",
                "max": f"{hi.normalize():f}%",
                "numerator": run.amount(num, rule.numerator, lang),
                "denominator": run.amount(den, rule.denominator, lang),
            }

        run.add(
            rule,
            r,
            fields,
            both,
            expected=f"{lo.normalize():f}% <= {rule.numerator} / {rule.denominator} <= {hi.normalize():f}%",
            found=f"{ratio.quantize(Decimal('0.0001'))}%",
        )
