"""The rules as values: each kind's parameters and message fields, a :class:`Rule`, and the
:class:`RuleSet` in force, which fills a rule's messages into a :class:`~guozi.kernel.errors.Problem`."""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from guozi.kernel.errors import Problem, Severity, worded
from guozi.kernel.text import Text, pick
from guozi.kernel.units import STORE_LIMIT, STORE_SCALE, amount_text

RULES_FILE = "rules/validation.yaml"
KINDS = (
    "contract",
    "reading",  # how a cell was read (e.g. (3.5) as −3.5): raised by the readers, never evaluated
    "identity",
    "not_above",
    "non_negative",
    "whole_number",
    "ratio_range",
    "ytd_decrease",
    "unit_slip",
    "jump",
    "future",
    "before_entity",
    "after_entity",
    "closed",
)
SEVERITY_NAMES: dict[str, Severity] = {
    "强制": Severity.BLOCKING,
    "核实": Severity.VERIFY,
    "提示": Severity.NOTICE,
    "blocking": Severity.BLOCKING,
    "verify": Severity.VERIFY,
    "notice": Severity.NOTICE,
}
COMMON_FIELDS = ("entity", "period", "rule_name")
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "identity": ("left", "right", "diff", "tolerance"),
    "not_above": ("parts", "total", "diff", "tolerance", "part_names", "total_name"),
    "non_negative": ("item_name", "value"),
    "whole_number": ("item_name", "value"),
    "ratio_range": ("ratio", "min", "max", "numerator", "denominator"),
    "ytd_decrease": ("item_name", "value", "prev", "prev_period", "diff", "tolerance"),
    "unit_slip": ("item_name", "value", "prev", "prev_period", "ratio", "factor", "basis"),
    "jump": ("item_name", "value", "prev", "prev_period", "change", "threshold", "basis"),
    "future": ("limit",),
    "before_entity": ("existed_from",),
    "after_entity": ("valid_to",),
    "closed": ("later", "count", "items"),
}
CONTRACT_FIELDS = (
    "item",
    "found",
    "expected",
    "unit",
    "yuan",
    "first_file",
    "first_row",
    "detail",
)
# Amounts are compared in 38 digits with the store's scale: a stored value (below STORE_LIMIT, 10^16
# yuan) times 100 or times a bound, and sums of many of them, stay far inside it.
WIDE = f"decimal(38, {STORE_SCALE})"
# Parameters compared exactly with amounts (in WIDE), with their exclusive limits: at most
# STORE_SCALE decimals (none rounded away), and small enough that a ratio's bound (%) times an
# amount below STORE_LIMIT, at twice the scale, keeps within 38 digits.
EXACT_PARAMS: dict[str, Decimal] = {"tolerance": Decimal(10) ** 18, "min": Decimal(10) ** 12, "max": Decimal(10) ** 12}
assert STORE_LIMIT * EXACT_PARAMS["max"] < Decimal(10) ** (38 - 2 * STORE_SCALE)
MESSAGE_PRECISION = 60  # digits of the Decimal context the findings' figures are worked out in
PARAMS: dict[str, dict[str, Any]] = {  # each kind's parameters and their defaults (None: required)
    "identity": {"tolerance": Decimal(0)},
    "not_above": {"tolerance": Decimal(0)},
    "ratio_range": {"min": None, "max": None},
    "ytd_decrease": {"tolerance": Decimal(0)},
    "unit_slip": {"factors": None, "within": Decimal(2)},
    "jump": {"threshold": None, "min_base": Decimal(0), "min_base_persons": Decimal(0)},
    "future": {"months_ahead": Decimal(0)},
    "before_entity": {"columns": ["valid_from"]},
}


@dataclass(frozen=True)
class Rule:
    """One validation rule: its test (``kind``), items, parameters, severity and messages."""

    id: str
    kind: str
    severity: Severity
    name_zh: str
    name_en: str
    message_zh: str
    message_en: str
    items: tuple[str, ...] = ()
    left: tuple[str, ...] = ()
    right: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()
    total: str = ""
    numerator: str = ""
    denominator: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    source: str = ""
    enabled: bool = True

    def name(self, lang: str) -> str:
        """The rule's name in ``lang``."""
        return pick(lang, self.name_zh, self.name_en)

    def param(self, key: str) -> Any:
        """A parameter, or the kind's default."""
        return self.params.get(key, PARAMS.get(self.kind, {}).get(key))


@dataclass(frozen=True)
class Statement:
    """A sheet of the report template: the items of one ``statement`` of items.yaml."""

    code: str
    name_zh: str
    name_en: str

    def name(self, lang: str) -> str:
        """The sheet's name in ``lang``."""
        return pick(lang, self.name_zh, self.name_en)


@dataclass(frozen=True)
class RuleSet:
    """The rules in force, how messages show amounts, and the template's layout."""

    rules: Mapping[str, Rule]
    display_unit: str = "万元"
    decimals: int = 2
    template_version: int = 1
    template_unit: str = "万元"
    statements: tuple[Statement, ...] = ()
    files: tuple[str, ...] = ()

    def enabled(self, kind: str) -> list[Rule]:
        """The enabled rules of ``kind``."""
        return [r for r in self.rules.values() if r.kind == kind and r.enabled]

    def amount(self, value: Decimal | None, *, persons: bool, lang: str) -> str:
        """An amount in yuan (or persons) as messages show it."""
        return amount_text(value, persons=persons, unit=self.display_unit, decimals=self.decimals, lang=lang)

    def problem(
        self,
        rule_id: str,
        fields_zh: Mapping[str, Any],
        fields_en: Mapping[str, Any] | None = None,
        *,
        file: str = "",
        sheet: str = "",
        row: int | None = None,
        column: str = "",
        expected: str | Text = "",
        found: str | Text = "",
        entity: str = "",
        period: str = "",
        item: str = "",
    ) -> Problem:
        """The problem of ``rule_id`` with its messages filled in (``expected``/``found`` as :func:`worded`);
        ``entity``, ``period`` and ``item``: what the row is about."""
        rule = self.rules[rule_id]
        en = fields_zh if fields_en is None else fields_en
        return Problem(
            rule.id,
            _fill(rule.message_zh, {"rule_name": rule.name_zh, **fields_zh}),
            _fill(rule.message_en, {"rule_name": rule.name_en, **en}),
            file=file,
            sheet=sheet,
            row=row,
            column=column,
            severity=rule.severity,
            **worded(expected, found),
            entity=entity,
            period=period,
            item=item,
        )


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(template: str, fields: Mapping[str, Any]) -> str:
    return string.Formatter().vformat(template, (), _Blank(fields))
