"""The kinds that test one month's figures of an entity: ``identity`` (two sums equal),
``not_above`` (parts at most their total), ``non_negative``, ``whole_number`` (no fraction) and
``ratio_range`` (a ratio within bounds). Each reports its failing rows, located at the first input row of the figures concerned.

The kinds that compare figures of one (entity, period) are evaluated together, as a set
operation: the figures are joined with the rules naming their item (``mrules_t``: rule, item,
side, position) and summed per (entity, period, rule) in one pass (``month_t``); only the failing
sums are kept, and each rule reads its own from them.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pyarrow as pa

from guozi.ingest.rules.model import Rule
from guozi.ingest.rules.run import Run, sql_decimal, sql_in, sql_list
from guozi.kernel.text import pick
from guozi.kernel.units import grouped

MONTH_KINDS = ("identity", "not_above", "ratio_range")  # the kinds evaluated together in ``month_t``


def _sides(rule: Rule) -> tuple[list[str], list[str]]:
    """The items a month rule sums on each side: (left, right), (parts, [total]), ([numerator], [denominator])."""
    if rule.kind == "identity":
        return list(dict.fromkeys(rule.left)), list(dict.fromkeys(rule.right))
    if rule.kind == "not_above":
        return list(dict.fromkeys(rule.parts)), [rule.total]
    return [rule.numerator], [rule.denominator]


def _order(rule: Rule) -> list[str]:
    """The items in the order a problem is located by (the first of them the input gives)."""
    one, two = _sides(rule)
    return list(dict.fromkeys([*one, *two]))


def _failing(rule: Rule, k: int) -> str:
    """The SQL test of ``month_t``'s sums ``one`` and ``two`` (counts ``n1``, ``n2``) failing rule ``k``."""
    one, two = _sides(rule)
    if rule.kind == "identity":
        tol = sql_decimal(Decimal(rule.param("tolerance")))
        return f"rule = {k} and n1 = {len(one)} and n2 = {len(two)} and abs(one - two) > {tol}"
    if rule.kind == "not_above":
        tol = sql_decimal(Decimal(rule.param("tolerance")))
        return f"rule = {k} and two is not null and one is not null and one > two + {tol}"
    lo, hi = sql_decimal(Decimal(rule.param("min"))), sql_decimal(Decimal(rule.param("max")))
    # exact: the sums are WIDE, the bounds below 10^12 (EXACT_PARAMS); no float rounds 300.000…1 % to 300
    return (
        f"rule = {k} and one is not null and two is not null and two > 0"
        f" and (one * 100 < two * {lo} or one * 100 > two * {hi})"
    )


def _month(run: Run) -> list[Rule]:
    """``month_t`` (made once): the failing (entity, period, rule) of every month rule the input touches.

    ``one`` and ``two`` are the sums of the rule's two sides as after the import, ``n1`` and
    ``n2`` how many of their items are given, ``rid`` the input row the problem is reported at:
    that of the first of the rule's items (in :func:`_order`) the input gives. Returns the rules,
    their index being ``rule``.
    """
    if "month_t" in run.made:
        return run.month_rules
    run.made.add("month_t")
    rules = [r for k in MONTH_KINDS for r in run.rules.enabled(k) if _can_fail(run, r)]
    run.month_rules = rules
    rows: dict[str, list[Any]] = {"rule": [], "item": [], "side": [], "pos": []}
    for k, rule in enumerate(rules):
        order = _order(rule)
        for side, codes in enumerate(_sides(rule), start=1):
            for code in codes:
                rows["rule"].append(k)
                rows["item"].append(code)
                rows["side"].append(side)
                rows["pos"].append(order.index(code))
    run.con.register(
        "mrules_t",
        pa.table(
            {
                "rule": pa.array(rows["rule"], pa.int32()),
                "item": pa.array(rows["item"], pa.string()),
                "side": pa.array(rows["side"], pa.int8()),
                "pos": pa.array(rows["pos"], pa.int32()),
            }
        ),
    )
    failing = " or ".join(f"({_failing(rule, k)})" for k, rule in enumerate(rules)) or "false"
    run.con.execute(
        f"""create temp table month_t as
            select * from (
                select a.entity_id, a.period, m.rule,
                       sum(case when m.side = 1 then a.value end) as one, count(case when m.side = 1 then 1 end) as n1,
                       sum(case when m.side = 2 then a.value end) as two, count(case when m.side = 2 then 1 end) as n2,
                       arg_min(a.rid, m.pos) as rid
                from after_t a join mrules_t m on m.item = a.item
                group by a.entity_id, a.period, m.rule)
            where rid is not null and ({failing})"""
    )
    return rules


def _can_fail(run: Run, rule: Rule) -> bool:
    """Whether the figures hold what ``rule`` compares: every item of an identity, the total and a
    part of a subtotal, both figures of a ratio (in the input or stored beside it)."""
    one, two = _sides(rule)
    have = run.present | run.stored
    if rule.kind == "identity":
        return all(c in have for c in [*one, *two])
    return any(c in have for c in one) and all(c in have for c in two)


def _failed(run: Run, rule: Rule, given: list[str] | None = None) -> list[dict[str, Any]]:
    """The (entity, period) failing ``rule``, where they are reported, in the input's order; with
    ``given``, which of those items each has (``given``, in their order)."""
    rules = _month(run)
    if rule not in rules:
        return []  # some figure it compares is in neither the input nor the store
    k = rules.index(rule)
    sql = f"select * from month_t where rule = {k}"
    if given:
        sql = f"""
            select f.*, (select list(a.item order by list_position({sql_list(given)}, a.item)) from after_t a
                         where a.entity_id = f.entity_id and a.period = f.period and a.item in {sql_in(given)}) as given
            from ({sql}) f"""
    return run.fetch(run.located(sql, "entity_id, period"))


def identity(run: Run, rule: Rule) -> None:
    """The sum of ``left`` equals the sum of ``right``, within ``tolerance``, when all are given."""
    tol = Decimal(rule.param("tolerance"))
    both = [*rule.left, *rule.right]
    persons = any(run.persons(c) for c in both)
    code = both[0]
    for r in _failed(run, rule):
        lsum, rsum = Decimal(r["one"]), Decimal(r["two"])

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
    code = rule.total
    for r in _failed(run, rule, list(dict.fromkeys(rule.parts))):
        psum, total = Decimal(r["one"]), Decimal(r["two"])
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
        select n.entity_id, n.period, n.item, n.value, n.rid as rid
        from new_t n where n.item in {sql_in(rule.items)} and ({failing})
    """
    for r in run.fetch(run.located(sql)):
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
    _each_figure(run, rule, "n.value % 1 <> 0", lambda code: f"{code}: a whole number", exact=True)


def ratio_range(run: Run, rule: Rule) -> None:
    """``numerator`` / ``denominator`` (%) lies within ``min`` … ``max`` when the denominator is positive."""
    lo, hi = Decimal(rule.param("min")), Decimal(rule.param("max"))
    both = [rule.numerator, rule.denominator]
    for r in _failed(run, rule):
        num, den = Decimal(r["one"]), Decimal(r["two"])
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
