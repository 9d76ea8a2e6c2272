"""The clauses of a regime's target rule, each judged generically by its test.

The tests: ``at_most``/``at_least`` a threshold; ``growth_above_reference`` (growth above national
GDP growth), ``growth_at_least``, ``stable`` (change within a tolerance), ``increase`` and
``change_at_least`` against a base (the same period of the prior year, or the prior year end). An
indicator's direction comes from the catalogue: "increase" of a lower-is-better indicator means a
decrease. Values are compared rounded to ``compare_decimals`` (params/targets.yaml).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from guozi.analyses.common import to_decimal
from guozi.analyses.targets.gdp import GdpPick
from guozi.analyses.targets.numbers import rounded, show, typed
from guozi.kernel.errors import CatalogError
from guozi.kernel.money import figure, points
from guozi.kernel.periods import Period
from guozi.kernel.text import pick

if TYPE_CHECKING:
    from guozi.catalog.model import Clause, Indicator

Baseline = Literal["prior_year", "opening"]
TESTS = (
    "growth_above_reference",
    "at_most",
    "at_least",
    "stable",
    "increase",
    "change_at_least",
    "growth_at_least",
)


@dataclass(frozen=True)
class ClauseResult:
    """One clause of a regime's target rule, evaluated, with every number it rests on.

    ``passed`` is None when the clause cannot be judged (a value, its base or the reference is
    missing); ``reason_zh``/``reason_en`` say why, or how it was decided.
    """

    indicator: str
    test: str
    direction: str
    unit: str
    value: Decimal | float | None
    baseline: Decimal | float | None
    baseline_period: str
    change: Decimal | float | None
    growth: float | None
    threshold: Decimal | None
    reference: Decimal | None
    reference_period: str
    reference_source: str
    passed: bool | None
    reason_zh: str
    reason_en: str

    def reason(self, lang: str) -> str:
        """The explanation in ``lang``."""
        return pick(lang, self.reason_zh, self.reason_en)


@dataclass(frozen=True)
class ClauseInputs:
    """What a clause is judged on: the value (with the panel's note when empty) and its base."""

    value: Any
    note_zh: str
    note_en: str
    baseline: Any
    baseline_period: Period
    baseline_kind: Baseline = "prior_year"


Outcome = tuple[bool | None, str, str]  # passed, reason in Chinese, reason in English


@dataclass(frozen=True)
class _Case:
    """A clause with a value and a base: the numbers every test compares, and the opening words."""

    test: str
    ind: Indicator
    value: Decimal
    base: Decimal
    change: Decimal
    growth: float | None
    threshold: Decimal | None
    reference: GdpPick | None
    decimals: int
    now_zh: str
    now_en: str

    @property
    def sign(self) -> int:
        """-1 for a lower-is-better indicator (its improvement is a decrease), 1 otherwise."""
        return -1 if self.ind.direction == "lower" else 1

    def needed(self, what_zh: str = "value", what_en: str = "") -> Decimal:
        """The threshold, rounded for the comparison; a clause without one is a catalogue error."""
        if self.threshold is None:
            raise _lacks(self.ind, self.test, what_zh, what_en)
        t = rounded(self.threshold, self.decimals)
        assert t is not None
        return t


def _lacks(ind: Indicator, test: str, what_zh: str = "value", what_en: str = "") -> CatalogError:
    if what_en:
        return CatalogError(f"考核规则 {ind.code} {test} 缺少{what_zh}", f"clause {ind.code} {test} lacks {what_en}")
    return CatalogError(f"考核规则 {ind.code} {test} 缺少 value", f"clause {ind.code} {test} lacks a value")


def evaluate_clause(
    clause: Clause,
    ind: Indicator,
    inputs: ClauseInputs,
    *,
    threshold: Decimal | None,
    reference: GdpPick | None,
    decimals: int,
) -> ClauseResult:
    """Evaluate one clause on its inputs (see the module docstring for the tests)."""
    test = clause.test
    if test not in TESTS:
        raise CatalogError(
            f"未知的考核规则检验：{test}（应为 {'、'.join(TESTS)}）", f"unknown clause test: {test} (one of {TESTS})"
        )
    unit = ind.unit
    name_zh, name_en = ind.name_zh, ind.name_en
    value = to_decimal(inputs.value)
    base = to_decimal(inputs.baseline)
    bp = inputs.baseline_period
    change = None if value is None or base is None else value - base
    growth = None
    if change is not None and base is not None and base != 0 and (unit != "%" or test.startswith("growth")):
        growth = float(change / abs(base) * 100)  # a ratio's relative growth only where a test asks for it

    def result(outcome: Outcome) -> ClauseResult:
        passed, zh, en = outcome
        return ClauseResult(
            indicator=ind.code,
            test=test,
            direction=ind.direction,
            unit=unit,
            value=typed(value, ind),
            baseline=typed(base, ind),
            baseline_period=str(bp) if test not in ("at_most", "at_least") else "",
            change=typed(change, ind),
            growth=growth,
            threshold=threshold,
            reference=reference.figure.growth if reference is not None else None,
            reference_period=str(reference.figure.period) if reference is not None else "",
            reference_source=reference.describe("en") if reference is not None else "",
            passed=passed,
            reason_zh=zh,
            reason_en=en,
        )

    base_zh = "上年末" if inputs.baseline_kind == "opening" else "上年同期"
    base_en = "the prior year end" if inputs.baseline_kind == "opening" else "the same period of the prior year"
    if value is None:
        return result(
            (
                None,
                f"{name_zh}本期无值（{inputs.note_zh or '无数据'}）",
                f"{name_en}: no value ({inputs.note_en or 'no data'})",
            )
        )
    if test in ("at_most", "at_least"):
        return result(_bound(test, ind, value, threshold, decimals))
    if base is None:
        return result(
            (
                None,
                f"{name_zh}缺少{base_zh}（{bp}）值，无法比较",
                f"{name_en}: no value for {base_en} ({bp}) to compare with",
            )
        )
    assert change is not None
    case = _Case(
        test=test,
        ind=ind,
        value=value,
        base=base,
        change=change,
        growth=growth,
        threshold=threshold,
        reference=reference,
        decimals=decimals,
        now_zh=f"{name_zh} {show(value, unit, 'zh')}，{base_zh} {show(base, unit, 'zh')}",
        now_en=f"{name_en} {show(value, unit, 'en')}, {base_en} {show(base, unit, 'en')}",
    )
    if test in ("growth_above_reference", "growth_at_least"):
        return result(_growth(case))
    return result(_change(case))


def _bound(test: str, ind: Indicator, value: Decimal, threshold: Decimal | None, decimals: int) -> Outcome:
    """``at_most`` / ``at_least``: the value against a cap or a floor."""
    if threshold is None:
        raise _lacks(ind, test)
    unit, name_zh, name_en = ind.unit, ind.name_zh, ind.name_en
    v, t = rounded(value, decimals), rounded(threshold, decimals)
    assert v is not None and t is not None
    ok = v <= t if test == "at_most" else v >= t
    rel_zh = ("不高于" if ok else "高于") if test == "at_most" else ("不低于" if ok else "低于")
    rel_en = ("not above" if ok else "above") if test == "at_most" else ("not below" if ok else "below")
    return (
        ok,
        f"{name_zh} {show(value, unit, 'zh')}，{rel_zh}上限 {show(threshold, unit, 'zh')}"
        if test == "at_most"
        else f"{name_zh} {show(value, unit, 'zh')}，{rel_zh}下限 {show(threshold, unit, 'zh')}",
        f"{name_en} {show(value, unit, 'en')}, {rel_en} the {'cap' if test == 'at_most' else 'floor'} "
        f"of {show(threshold, unit, 'en')}",
    )


def _grew(case: _Case, lang: str) -> str:
    """The growth in words: 「增长 5.60%」, or on a negative base (a loss) the loss narrowed or
    widened by an amount and its rate (「减亏 93.36万元，减亏率 47.45%」), never a growth rate."""
    growth, base, value, change = case.growth, case.base, case.value, case.change
    if base >= 0:
        g = figure(growth, group="")
        return pick(lang, f"增长 {g}%", f"growth {g}%")
    amt = show(abs(change), case.ind.unit, lang)
    rate = f"{figure(abs(growth or 0), group='')}%"
    if value >= 0:
        return pick(lang, f"扭亏为盈，增加 {amt}", f"turned from a loss to a profit, up {amt}")
    if change >= 0:
        return pick(lang, f"减亏 {amt}，减亏率 {rate}", f"loss narrowed by {amt} ({rate})")
    return pick(lang, f"增亏 {amt}，增亏率 {rate}", f"loss widened by {amt} ({rate})")


def _growth(case: _Case) -> Outcome:
    """``growth_at_least`` a rate, or ``growth_above_reference`` (national GDP growth)."""
    now_zh, now_en, growth, threshold, reference = case.now_zh, case.now_en, case.growth, case.threshold, case.reference
    if growth is None:
        return (None, f"{now_zh}，基数为零，无法计算增速", f"{now_en}: the base is zero, no growth rate")
    g = rounded(growth, case.decimals)
    assert g is not None
    sign = case.sign
    if case.test == "growth_at_least":
        ok = sign * g >= case.needed()
        return (
            ok,
            f"{now_zh}，{_grew(case, 'zh')}，{'达到' if ok else '未达到'}要求的 "
            f"{'' if sign > 0 else '下降 '}{threshold}%",
            f"{now_en}: {_grew(case, 'en')}, {'meets' if ok else 'misses'} the required "
            f"{'' if sign > 0 else 'fall of '}{threshold}%",
        )
    ref = reference.figure.growth if reference is not None else None
    if reference is None or ref is None:
        return (
            None,
            f"{now_zh}，{_grew(case, 'zh')}；缺少本期及当年、上年的 GDP 增速（可用 --gdp 文件补充）",
            f"{now_en}: {_grew(case, 'en')}; no GDP growth for the period, its year or the prior year "
            "(add one with --gdp FILE)",
        )
    r = rounded(ref, case.decimals)
    assert r is not None
    ok = g > r if sign > 0 else g < r
    return (
        ok,
        f"{now_zh}，{_grew(case, 'zh')}，{'高于' if g > r else '不高于'} GDP 增速 {ref}%（{reference.describe('zh')}）",
        f"{now_en}: {_grew(case, 'en')}, {'above' if g > r else 'not above'} GDP growth of {ref}% "
        f"({reference.describe('en')})",
    )


def _points(change: Decimal, decimals: int, lang: str) -> str:
    """A change in percentage points with the digits that decide it (:func:`~guozi.kernel.money.points`):
    「+0.004 个百分点」, not 「+0.00 个百分点，实现提升」, up to the comparison's own decimals."""
    text = points(change, most=max(decimals, 2), group="")
    return pick(lang, f"{text} 个百分点", f"{text} pp")


def _change(case: _Case) -> Outcome:
    """``stable`` within a tolerance, ``increase``, or ``change_at_least`` a threshold."""
    now_zh, now_en, change, threshold, unit = case.now_zh, case.now_en, case.change, case.threshold, case.ind.unit
    c = rounded(change, case.decimals)
    assert c is not None
    sign = case.sign
    ch_zh = _points(change, case.decimals, "zh") if unit == "%" else show(change, unit, "zh")
    ch_en = _points(change, case.decimals, "en") if unit == "%" else show(change, unit, "en")
    if case.test == "stable":
        ok = abs(c) <= case.needed("容差", "a tolerance")
        tol_zh = f"±{threshold} 个百分点" if unit == "%" else f"±{show(threshold, unit, 'zh')}"
        tol_en = f"±{threshold} pp" if unit == "%" else f"±{show(threshold, unit, 'en')}"
        return (
            ok,
            f"{now_zh}，变动 {ch_zh}，{'在' if ok else '超出'} {tol_zh}{'以内' if ok else '的稳定区间'}",
            f"{now_en}: change {ch_en}, {'within' if ok else 'outside'} {tol_en}",
        )
    if case.test == "increase":
        ok = sign * c > 0
        want_zh = "下降" if sign < 0 else "提升"
        want_en = "a decrease" if sign < 0 else "an increase"
        return (
            ok,
            f"{now_zh}，变动 {ch_zh}，{'实现' if ok else '未实现'}{want_zh}",
            f"{now_en}: change {ch_en}, {'' if ok else 'not '}{want_en}",
        )
    ok = sign * c >= case.needed()  # change_at_least
    need_zh = f"{threshold} 个百分点" if unit == "%" else show(threshold, unit, "zh")
    need_en = f"{threshold} pp" if unit == "%" else show(threshold, unit, "en")
    return (
        ok,
        f"{now_zh}，变动 {ch_zh}，{'达到' if ok else '未达到'}要求的{'下降' if sign < 0 else '提高'} {need_zh}",
        f"{now_en}: change {ch_en}, {'meets' if ok else 'misses'} the required "
        f"{'fall' if sign < 0 else 'rise'} of {need_en}",
    )
