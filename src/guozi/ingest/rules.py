"""Validation rules as data (``rules/validation.yaml``), run vectorised over an input batch.

A rule names its kind (the test), its items, parameters, severity (强制 / 核实 / 提示) and its
messages in both languages; this module only implements the kinds. The tests run in an
in-process DuckDB over the input's facts overlaid on the store's current values of the same
entities for the month before, the month itself and the month after, so 1 000 subsidiaries × 40
items are checked with a handful of queries. Only the failing rows come back to Python, as
:class:`Finding` values (a :class:`~guozi.kernel.errors.Problem` and the figures it concerns).
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation, localcontext
from pathlib import Path
from typing import Any, cast

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from guozi.catalog import Catalog, data_path
from guozi.kernel.errors import CatalogError, Problem, Severity
from guozi.kernel.periods import Period
from guozi.kernel.units import MONEY_UNITS, STORE_LIMIT, STORE_SCALE, amount_text, grouped

RULES_FILE = "rules/validation.yaml"
KINDS = (
    "contract",
    "identity",
    "not_above",
    "non_negative",
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
        return self.name_zh if lang == "zh" else self.name_en

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
        return self.name_zh if lang == "zh" else self.name_en


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
        expected: str = "",
        found: str = "",
    ) -> Problem:
        """The problem of ``rule_id`` with its messages filled in."""
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
            expected=expected,
            found=found,
            severity=rule.severity,
        )


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(template: str, fields: Mapping[str, Any]) -> str:
    return string.Formatter().vformat(template, (), _Blank(fields))


# ---------------------------------------------------------------------------------------------
# loading


def _read(path: Path) -> dict[str, Any]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"无法读取规则文件 {path}：{exc}", f"cannot read the rules file {path}: {exc}") from exc
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise CatalogError(f"规则文件 {path} 应为映射（键: 值）", f"the rules file {path} must be a mapping")
    return cast(dict[str, Any], doc)


def _decimal(value: Any, where: str) -> Decimal:
    if isinstance(value, bool):
        raise CatalogError(f"{where} 不是数字：{value!r}", f"{where} is not a number: {value!r}")
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        raise CatalogError(f"{where} 不是数字：{value!r}", f"{where} is not a number: {value!r}") from None
    if not d.is_finite():
        raise CatalogError(f"{where} 不是有限的数：{value!r}", f"{where} is not a finite number: {value!r}")
    return d


def _check_exact(value: Decimal, key: str, where: str, where_en: str) -> None:
    """Refuse a parameter the rules could not compare exactly (see :data:`EXACT_PARAMS`)."""
    limit = EXACT_PARAMS[key]
    if abs(value) >= limit:
        shown = f"10^{limit.adjusted()}"
        raise CatalogError(
            f"{where} 的参数 {key} 超出范围：{value}，其绝对值应小于 {shown}",
            f"{where_en}: the parameter {key} is out of range: {value}; its magnitude must be below {shown}",
        )
    if value != value.quantize(Decimal(1).scaleb(-STORE_SCALE)):
        raise CatalogError(
            f"{where} 的参数 {key} 小数位过多：{value}，最多 {STORE_SCALE} 位",
            f"{where_en}: the parameter {key} has too many decimals: {value}; at most {STORE_SCALE}",
        )


def _codes(value: Any, catalog: Catalog, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if value == "all":
        return tuple(catalog.items)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise CatalogError(f"{where} 应为项目代码列表", f"{where} must be a list of item codes")
    out = tuple(str(v) for v in value)
    for code in out:
        if code not in catalog.items:
            raise CatalogError(f"{where} 引用了未知项目 {code}", f"{where} refers to the unknown item {code}")
    return out


def _rule(entry: Mapping[str, Any], base: Rule | None, catalog: Catalog, path: Path) -> Rule:
    rid = str(entry.get("id") or "")
    if not rid:
        raise CatalogError(f"{path}：规则缺少 id", f"{path}: a rule lacks its id")
    where = f"{path}：规则 {rid}"
    where_en = f"{path}: rule {rid}"

    def get(key: str, default: Any) -> Any:
        return entry[key] if key in entry else (getattr(base, key) if base is not None else default)

    kind = str(get("kind", ""))
    if kind not in KINDS:
        raise CatalogError(
            f"{where} 的 kind 应为 {'、'.join(KINDS)} 之一", f"{where_en}: kind must be one of {', '.join(KINDS)}"
        )
    sev_raw = entry.get("severity", base.severity.value if base is not None else None)
    if str(sev_raw) not in SEVERITY_NAMES:
        raise CatalogError(
            f"{where} 的 severity 应为 强制、核实 或 提示", f"{where_en}: severity must be 强制, 核实 or 提示"
        )
    severity = SEVERITY_NAMES[str(sev_raw)]
    if kind == "contract" and severity != Severity.BLOCKING:
        raise CatalogError(
            f"{where} 是数据约定本身的检查，级别只能为 强制", f"{where_en} is a contract check: it is always 强制"
        )
    params: dict[str, Any] = dict(base.params) if base is not None else {}
    raw_params = entry.get("params") or {}
    if not isinstance(raw_params, dict):
        raise CatalogError(f"{where} 的 params 应为映射", f"{where_en}: params must be a mapping")
    for key, value in raw_params.items():
        if key not in PARAMS.get(kind, {}):
            raise CatalogError(f"{where} 没有参数 {key}", f"{where_en} has no parameter {key}")
        if key == "factors":
            if not isinstance(value, list) or not value:
                raise CatalogError(f"{where} 的 factors 应为数字列表", f"{where_en}: factors must be a list of numbers")
            params[key] = [_decimal(v, f"{where_en} factors") for v in value]
        elif key == "columns":
            params[key] = [str(v) for v in (value if isinstance(value, list) else [value])]
        else:
            params[key] = _decimal(value, f"{where_en} {key}")
            if key in EXACT_PARAMS:
                _check_exact(params[key], key, where, where_en)
    for key, default in PARAMS.get(kind, {}).items():
        if default is None and key not in params:
            raise CatalogError(f"{where} 缺少参数 {key}", f"{where_en} lacks the parameter {key}")
    rule = Rule(
        id=rid,
        kind=kind,
        severity=severity,
        name_zh=str(get("name_zh", rid)),
        name_en=str(get("name_en", get("name_zh", rid))),
        message_zh=str(get("message_zh", "")),
        message_en=str(get("message_en", get("message_zh", ""))),
        items=_codes(entry["items"], catalog, where_en) if "items" in entry else (base.items if base else ()),
        left=_codes(entry["left"], catalog, where_en) if "left" in entry else (base.left if base else ()),
        right=_codes(entry["right"], catalog, where_en) if "right" in entry else (base.right if base else ()),
        parts=_codes(entry["parts"], catalog, where_en) if "parts" in entry else (base.parts if base else ()),
        total=str(get("total", "")),
        numerator=str(get("numerator", "")),
        denominator=str(get("denominator", "")),
        params=params,
        source=str(get("source", "")),
        enabled=bool(get("enabled", True)),
    )
    _check_rule(rule, catalog, where, where_en)
    return rule


def _check_rule(rule: Rule, catalog: Catalog, where: str, where_en: str) -> None:
    if not rule.message_zh:
        raise CatalogError(f"{where} 缺少 message_zh", f"{where_en} lacks message_zh")
    for code in (rule.total, rule.numerator, rule.denominator):
        if code and code not in catalog.items:
            raise CatalogError(f"{where} 引用了未知项目 {code}", f"{where_en} refers to the unknown item {code}")
    needs = {
        "identity": bool(rule.left and rule.right),
        "not_above": bool(rule.parts and rule.total),
        "ratio_range": bool(rule.numerator and rule.denominator),
        "non_negative": bool(rule.items),
        "ytd_decrease": bool(rule.items),
        "unit_slip": bool(rule.items),
        "jump": bool(rule.items),
    }
    if not needs.get(rule.kind, True):
        raise CatalogError(f"{where} 缺少所检查的项目", f"{where_en} does not name the items it checks")
    allowed = set(COMMON_FIELDS) | set(KIND_FIELDS.get(rule.kind, CONTRACT_FIELDS if rule.kind == "contract" else ()))
    if rule.kind == "contract":
        allowed |= set(CONTRACT_FIELDS)
    for text in (rule.message_zh, rule.message_en):
        try:
            names = {f for _, f, _, _ in string.Formatter().parse(text) if f}
        except ValueError as exc:
            raise CatalogError(f"{where} 的消息格式错误：{exc}", f"{where_en}: malformed message: {exc}") from None
        unknown = sorted(n for n in names if n not in allowed)
        if unknown:
            raise CatalogError(
                f"{where} 的消息使用了未知的占位符 {', '.join(unknown)}",
                f"{where_en}: the message uses unknown placeholder(s) {', '.join(unknown)}",
            )


_CACHE: dict[tuple[object, ...], RuleSet] = {}


def load_rules(catalog: Catalog, extra: Iterable[Path] = ()) -> RuleSet:
    """The shipped rules, then each of ``extra`` in turn, overriding by id (cached by file versions)."""
    files = (data_path(RULES_FILE), *[Path(p) for p in extra])
    cat_files = tuple(Path(f) for f in catalog.files)
    key = (files, tuple(_version(f) for f in files), cat_files, tuple(_version(f) for f in cat_files))
    if key not in _CACHE:
        if len(_CACHE) > 16:
            _CACHE.clear()
        _CACHE[key] = _load(catalog, files)
    return _CACHE[key]


def _version(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (0, 0)
    return (st.st_mtime_ns, st.st_size)


def _load(catalog: Catalog, files: tuple[Path, ...]) -> RuleSet:
    rules: dict[str, Rule] = {}
    display_unit, decimals = "万元", 2
    template_version, template_unit = 1, "万元"
    statements: tuple[Statement, ...] = ()
    for path in files:
        doc = _read(path)
        display = doc.get("display") or {}
        if "unit" in display:
            display_unit = str(display["unit"])
            if display_unit not in MONEY_UNITS:
                raise CatalogError(f"{path}：display.unit 不是货币单位", f"{path}: display.unit is not a money unit")
        if "decimals" in display:
            decimals = int(display["decimals"])
        tpl = doc.get("template") or {}
        if "version" in tpl:
            template_version = int(tpl["version"])
        if "unit" in tpl:
            template_unit = str(tpl["unit"])
            if template_unit not in MONEY_UNITS:
                raise CatalogError(f"{path}：template.unit 不是货币单位", f"{path}: template.unit is not a money unit")
        if "statements" in tpl:
            statements = tuple(
                Statement(str(s["code"]), str(s["name_zh"]), str(s.get("name_en", s["name_zh"])))
                for s in tpl["statements"]
            )
        for entry in doc.get("rules") or []:
            if not isinstance(entry, dict):
                raise CatalogError(f"{path}：rules 的每一项应为映射", f"{path}: each rule must be a mapping")
            rid = str(entry.get("id") or "")
            rules[rid] = _rule(entry, rules.get(rid), catalog, path)
    return RuleSet(
        rules=rules,
        display_unit=display_unit,
        decimals=decimals,
        template_version=template_version,
        template_unit=template_unit,
        statements=statements,
        files=tuple(str(f) for f in files),
    )


# ---------------------------------------------------------------------------------------------
# evaluation


@dataclass(frozen=True)
class Finding:
    """A rule's problem and the figures it concerns (entity, period ``YYYYMM``, items)."""

    problem: Problem
    entity_id: str
    period: int
    items: tuple[str, ...]
    source: str = ""  # the input file's path (two inputs may share a file name)


Lookup = Callable[[pa.Table], pa.Table]  # (entity_id, period) keys → (entity_id, period, item, value)


@dataclass(frozen=True)
class Context:
    """What the rules compare the input with."""

    lookup: Lookup  # the store's current values of those (entity, period) keys
    last_periods: Lookup  # (entity_id) → (entity_id, period): each entity's latest period stored
    entities: pd.DataFrame | None  # the entity rows as they will be after the import
    today: date
    reason: str = ""
    value_columns: Mapping[str, str] = field(default_factory=dict)  # source → the value column's name


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _list(codes: Sequence[str]) -> str:
    return "[" + ", ".join(_q(c) for c in codes) + "]"


def _in(codes: Sequence[str]) -> str:
    return "(" + ", ".join(_q(c) for c in codes) + ")" if codes else "(NULL)"


def _dec(value: Decimal) -> str:
    return f"cast({_q(str(value))} as {WIDE})"


def _prev(col: str) -> str:
    return f"(case when {col} % 100 = 1 then {col} - 89 else {col} - 1 end)"


def _next(col: str) -> str:
    return f"(case when {col} % 100 = 12 then {col} + 89 else {col} + 1 end)"


class _Run:
    """One evaluation: the input and its context loaded into an in-process DuckDB."""

    def __init__(self, rules: RuleSet, catalog: Catalog, facts: pa.Table, ctx: Context) -> None:
        self.rules = rules
        self.catalog = catalog
        self.ctx = ctx
        self.con = duckdb.connect()
        self.findings: list[Finding] = []
        con = self.con
        con.register("facts_in", facts.select(["entity_id", "period", "item", "value", "source", "sheet", "row"]))
        # values widened at once (see WIDE): every sum, product and difference below is then safe
        con.execute(
            f"""create temp table new_t as
                select entity_id, period, item, cast(value as {WIDE}) as value, source, sheet, row from facts_in"""
        )
        con.unregister("facts_in")
        items = pa.table(
            {
                "item": pa.array(list(catalog.items), pa.string()),
                "flow": pa.array([i.kind == "flow" for i in catalog.items.values()], pa.bool_()),
                "persons": pa.array([i.unit == "人" for i in catalog.items.values()], pa.bool_()),
            }
        )
        con.register("items_t", items)
        keys = con.execute(
            f"""
            select distinct entity_id, period from (
                select entity_id, period from new_t
                union all select entity_id, {_prev("period")} from new_t
                union all select entity_id, {_next("period")} from new_t)
            """
        ).arrow()
        keys = keys.read_all() if hasattr(keys, "read_all") else keys
        con.register("old_in", ctx.lookup(keys))
        con.execute(
            f"""create temp table old_t as
                select entity_id, cast(period as integer) as period, item, cast(value as {WIDE}) as value from old_in"""
        )
        con.unregister("old_in")
        ents = con.execute("select distinct entity_id from new_t").arrow()
        ents = ents.read_all() if hasattr(ents, "read_all") else ents
        con.register("last_in", ctx.last_periods(ents))
        con.execute("create temp table last_t as select entity_id, cast(period as integer) as period from last_in")
        con.unregister("last_in")
        con.execute(
            """
            create temp table loc_t as
            select distinct on (entity_id, period, item) entity_id, period, item, source, sheet, row
            from new_t order by entity_id, period, item, source, row
            """
        )
        con.execute(
            """
            create temp table after_t as
            select entity_id, period, item, value, true as is_new from loc_t join new_t using (entity_id, period, item, source, sheet, row)
            union all
            select o.entity_id, o.period, o.item, o.value, false as is_new from old_t o
            where not exists (select 1 from loc_t n where n.entity_id = o.entity_id and n.period = o.period and n.item = o.item)
            """
        )

    def close(self) -> None:
        self.con.close()

    # helpers -------------------------------------------------------------------------------
    def fetch(self, sql: str) -> list[dict[str, Any]]:
        cur = self.con.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def add(
        self,
        rule: Rule,
        r: Mapping[str, Any],
        fields: Callable[[str], dict[str, Any]],
        items: Sequence[str],
        *,
        expected: str,
        found: str,
    ) -> None:
        source = str(r["source"])
        column = self.ctx.value_columns.get(source, "value")
        period = int(r["period"])
        common = {"entity": r["entity_id"], "period": str(Period.from_code(period))}
        p = self.rules.problem(
            rule.id,
            {**common, **fields("zh")},
            {**common, **fields("en")},
            file=Path(source).name,
            sheet=str(r["sheet"] or ""),
            row=None if r["row"] is None else int(r["row"]),
            column=column,
            expected=expected,
            found=found,
        )
        self.findings.append(Finding(p, str(r["entity_id"]), period, tuple(items), source))

    def name(self, code: str, lang: str) -> str:
        return self.catalog.items[code].name(lang)

    def persons(self, code: str) -> bool:
        return self.catalog.items[code].unit == "人"

    def amount(self, value: Any, code: str, lang: str) -> str:
        return self.rules.amount(None if value is None else Decimal(value), persons=self.persons(code), lang=lang)

    def located(self, sql: str, order: Sequence[str]) -> str:
        """``sql`` (rows keyed by entity_id, period) with the location of its first input row."""
        return f"""
            with r as ({sql}),
            pick as (
                select entity_id, period,
                    arg_min({{'source': source, 'sheet': sheet, 'row': "row", 'at': item}},
                            list_position({_list(order)}, item)) as loc
                from loc_t where item in {_in(order)} group by entity_id, period)
            select r.*, pick.loc.source as source, pick.loc.sheet as sheet, pick.loc.row as row, pick.loc.at as at
            from r join pick using (entity_id, period)
            order by source, row, entity_id, period
        """

    # kinds ---------------------------------------------------------------------------------
    def identity(self, rule: Rule) -> None:
        tol = Decimal(rule.param("tolerance"))
        both = [*rule.left, *rule.right]
        sql = f"""
            select entity_id, period,
                sum(value) filter (where item in {_in(rule.left)}) as lsum,
                count(*) filter (where item in {_in(rule.left)}) as ln,
                sum(value) filter (where item in {_in(rule.right)}) as rsum,
                count(*) filter (where item in {_in(rule.right)}) as rn,
                bool_or(is_new) as touched
            from after_t where item in {_in(both)} group by entity_id, period
            having touched and ln = {len(set(rule.left))} and rn = {len(set(rule.right))}
               and abs(lsum - rsum) > {_dec(tol)}
        """
        persons = any(self.persons(c) for c in both)
        code = both[0]
        for r in self.fetch(self.located(sql, both)):
            lsum, rsum = Decimal(r["lsum"]), Decimal(r["rsum"])

            def fields(lang: str, lsum: Decimal = lsum, rsum: Decimal = rsum) -> dict[str, Any]:
                return {
                    "left": self.amount(lsum, code, lang),
                    "right": self.amount(rsum, code, lang),
                    "diff": self.amount(abs(lsum - rsum), code, lang),
                    "tolerance": self.rules.amount(tol, persons=persons, lang=lang),
                }

            self.add(
                rule,
                r,
                fields,
                both,
                expected=f"{' + '.join(rule.left)} = {' + '.join(rule.right)} ± {tol.normalize():f}",
                found=f"{lsum.normalize():f} ≠ {rsum.normalize():f}",
            )

    def not_above(self, rule: Rule) -> None:
        tol = Decimal(rule.param("tolerance"))
        both = [*rule.parts, rule.total]
        sql = f"""
            select entity_id, period,
                sum(value) filter (where item in {_in(rule.parts)}) as psum,
                list(item order by list_position({_list(rule.parts)}, item))
                    filter (where item in {_in(rule.parts)}) as given,
                max(value) filter (where item = {_q(rule.total)}) as total,
                bool_or(is_new) as touched
            from after_t where item in {_in(both)} group by entity_id, period
            having touched and total is not null and psum is not null and psum > total + {_dec(tol)}
        """
        code = rule.total
        for r in self.fetch(self.located(sql, both)):
            psum, total = Decimal(r["psum"]), Decimal(r["total"])
            given = [str(g) for g in r["given"]]

            def fields(
                lang: str, psum: Decimal = psum, total: Decimal = total, given: list[str] = given
            ) -> dict[str, Any]:
                sep = "、" if lang == "zh" else ", "
                return {
                    "parts": self.amount(psum, code, lang),
                    "total": self.amount(total, code, lang),
                    "diff": self.amount(psum - total, code, lang),
                    "tolerance": self.amount(tol, code, lang),
                    "part_names": sep.join(self.name(g, lang) for g in given),
                    "total_name": self.name(code, lang),
                }

            self.add(
                rule,
                r,
                fields,
                [*given, rule.total],
                expected=f"{' + '.join(given)} <= {rule.total} + {tol.normalize():f}",
                found=f"{psum.normalize():f} > {total.normalize():f}",
            )

    def non_negative(self, rule: Rule) -> None:
        sql = f"""
            select n.entity_id, n.period, n.item, n.value, n.source, n.sheet, n.row
            from new_t n where n.item in {_in(rule.items)} and n.value < 0
            order by n.source, n.row
        """
        for r in self.fetch(sql):
            code, value = str(r["item"]), Decimal(r["value"])

            def fields(lang: str, code: str = code, value: Decimal = value) -> dict[str, Any]:
                return {"item_name": self.name(code, lang), "value": self.amount(value, code, lang)}

            self.add(rule, r, fields, [code], expected=f"{code} >= 0", found=f"{value.normalize():f}")

    def ratio_range(self, rule: Rule) -> None:
        lo, hi = Decimal(rule.param("min")), Decimal(rule.param("max"))
        both = [rule.numerator, rule.denominator]
        sql = f"""
            select * from (
                select entity_id, period,
                    max(value) filter (where item = {_q(rule.numerator)}) as num,
                    max(value) filter (where item = {_q(rule.denominator)}) as den,
                    bool_or(is_new) as touched
                from after_t where item in {_in(both)} group by entity_id, period)
            where touched and num is not null and den is not null and den > 0
              and (num * 100 < den * {_dec(lo)} or num * 100 > den * {_dec(hi)})
        """  # exact: num and den are WIDE, the bounds below 10^12 (EXACT_PARAMS); no float rounds 300.000…1 % to 300
        for r in self.fetch(self.located(sql, both)):
            num, den = Decimal(r["num"]), Decimal(r["den"])
            ratio = num * 100 / den

            def fields(lang: str, num: Decimal = num, den: Decimal = den, ratio: Decimal = ratio) -> dict[str, Any]:
                return {
                    "ratio": f"{grouped(ratio, 2)}%",
                    "min": f"{lo.normalize():f}%",
                    "max": f"{hi.normalize():f}%",
                    "numerator": self.amount(num, rule.numerator, lang),
                    "denominator": self.amount(den, rule.denominator, lang),
                }

            self.add(
                rule,
                r,
                fields,
                both,
                expected=f"{lo.normalize():f}% <= {rule.numerator} / {rule.denominator} <= {hi.normalize():f}%",
                found=f"{ratio.quantize(Decimal('0.0001'))}%",
            )

    def _pairs(self) -> None:
        if getattr(self, "_paired", False):
            return
        self._paired = True
        self.con.execute(
            f"""
            create temp table pairs_t as
            with c as (select *, {_prev("period")} as prev_p from after_t)
            select c.entity_id, c.item, c.period as period, c.value as cur_v, p.period as prev_p, p.value as prev_v,
                   i.flow, i.persons,
                   coalesce(lc.source, lp.source) as source,
                   case when lc.source is not null then lc.sheet else lp.sheet end as sheet,
                   case when lc.source is not null then lc.row else lp.row end as row,
                   case when i.flow then cast(c.value as double) / (c.period % 100) else cast(c.value as double) end as cur_c,
                   case when i.flow then cast(p.value as double) / (p.period % 100) else cast(p.value as double) end as prev_c
            from c
            join after_t p on p.entity_id = c.entity_id and p.item = c.item and p.period = c.prev_p
            join items_t i on i.item = c.item
            left join loc_t lc on lc.entity_id = c.entity_id and lc.period = c.period and lc.item = c.item
            left join loc_t lp on lp.entity_id = p.entity_id and lp.period = p.period and lp.item = p.item
            where c.is_new or p.is_new
            """
        )

    def ytd_decrease(self, rule: Rule) -> None:
        self._pairs()
        tol = Decimal(rule.param("tolerance"))
        sql = f"""
            select * from pairs_t
            where flow and period % 100 > 1 and item in {_in(rule.items)}
              and cur_v < prev_v - {_dec(tol)}
            order by source, row
        """
        for r in self.fetch(sql):
            code, cur, prev = str(r["item"]), Decimal(r["cur_v"]), Decimal(r["prev_v"])

            def fields(
                lang: str, code: str = code, cur: Decimal = cur, prev: Decimal = prev, r: Any = r
            ) -> dict[str, Any]:
                return {
                    "item_name": self.name(code, lang),
                    "value": self.amount(cur, code, lang),
                    "prev": self.amount(prev, code, lang),
                    "prev_period": str(Period.from_code(int(r["prev_p"]))),
                    "diff": self.amount(prev - cur, code, lang),
                    "tolerance": self.amount(tol, code, lang),
                }

            self.add(rule, r, fields, [code], expected=f"{code} >= {prev.normalize():f}", found=f"{cur.normalize():f}")

    def _slip_sql(self, rule: Rule) -> str:
        within = float(rule.param("within"))
        tests = []
        for f in rule.param("factors"):
            lo, hi = float(f) / within, float(f) * within
            tests.append(f"(r between {lo!r} and {hi!r}) or (r between {1 / hi!r} and {1 / lo!r})")
        return "(" + " or ".join(tests) + ")"

    def _basis(self, flow: bool, lang: str) -> str:
        if lang == "zh":
            return "本年累计月均数" if flow else "期末余额"
        return "the monthly average year to date" if flow else "the balance"

    def unit_slip(self, rule: Rule) -> None:
        self._pairs()
        sql = f"""
            select *, r from (select *, cur_c / prev_c as r from pairs_t where prev_c <> 0 and cur_c <> 0)
            where item in {_in(rule.items)} and {self._slip_sql(rule)}
            order by source, row
        """
        factors = [Decimal(f) for f in rule.param("factors")]
        for r in self.fetch(sql):
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
                    "item_name": self.name(code, lang),
                    "value": self.amount(cur, code, lang),
                    "prev": self.amount(prev, code, lang),
                    "prev_period": str(Period.from_code(int(r["prev_p"]))),
                    "ratio": shown,
                    "factor": f"{factor.normalize():f}",
                    "basis": self._basis(bool(r["flow"]), lang),
                }

            self.add(
                rule,
                r,
                fields,
                [code],
                expected=f"{code} of the same order as {prev.normalize():f} (not ×{factor.normalize():f})",
                found=f"{cur.normalize():f} (×{ratio:.4g})",
            )

    def jump(self, rule: Rule) -> None:
        self._pairs()
        threshold = Decimal(rule.param("threshold"))
        base, base_p = Decimal(rule.param("min_base")), Decimal(rule.param("min_base_persons"))
        slips = list(self.rules.enabled("unit_slip"))
        not_slip = " and ".join(f"not (item in {_in(s.items)} and {self._slip_sql(s)})" for s in slips) or "true"
        sql = f"""
            select *, r from (select *, cur_c / prev_c as r from pairs_t where prev_c <> 0)
            where item in {_in(rule.items)}
              and abs(prev_c) >= case when persons then {float(base_p)!r} else {float(base)!r} end
              and abs(r - 1) * 100 > {float(threshold)!r}
              and {not_slip}
            order by source, row
        """
        for r in self.fetch(sql):
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
                    "item_name": self.name(code, lang),
                    "value": self.amount(cur, code, lang),
                    "prev": self.amount(prev, code, lang),
                    "prev_period": str(Period.from_code(int(r["prev_p"]))),
                    "change": f"{sign}{grouped(change, 2)}%",
                    "threshold": f"{threshold.normalize():f}%",
                    "basis": self._basis(bool(r["flow"]), lang),
                }

            self.add(
                rule,
                r,
                fields,
                [code],
                expected=f"|change| <= {threshold.normalize():f}%",
                found=f"{change.quantize(Decimal('0.01'))}%",
            )

    def _per_period(self, where: str, extra_from: str = "", extra_cols: str = "") -> list[dict[str, Any]]:
        return self.fetch(
            f"""
            select n.entity_id, n.period, n.source, arg_min(n.sheet, n.row) as sheet, min(n.row) as row,
                   list(distinct n.item) as items {extra_cols}
            from new_t n {extra_from}
            where {where}
            group by all order by n.source, row
            """
        )

    def future(self, rule: Rule) -> None:
        limit = Period(self.ctx.today.year, self.ctx.today.month).shift(int(rule.param("months_ahead")))
        for r in self._per_period(f"n.period > {limit.code}"):

            def fields(lang: str) -> dict[str, Any]:
                return {"limit": str(limit)}

            self.add(
                rule, r, fields, r["items"], expected=f"period <= {limit}", found=str(Period.from_code(r["period"]))
            )

    def _lives(self, rule: Rule) -> None:
        """``lives_t``: each entity's first period (``start_p``) and last (``end_p``), null when open."""
        frame = self.ctx.entities
        wanted = [str(c) for c in (rule.param("columns") or ["valid_from"])] if rule.kind == "before_entity" else []
        present = [] if frame is None else [c for c in dict.fromkeys([*wanted, "valid_from", "valid_to"]) if c in frame]
        data: dict[str, pa.Array] = {
            "entity_id": pa.array([] if frame is None else [str(v) for v in frame["entity_id"]], pa.string())
        }
        for k, col in enumerate(present):
            data[f"c{k}"] = pa.array([_text_or_none(v) for v in frame[col]] if frame is not None else [], pa.string())
        self.con.register("ents_in", pa.table(data))

        def code(k: int) -> str:
            x = f"substr(trim(c{k}), 1, 7)"
            return f"(case when regexp_full_match({x}, '^[0-9]{{4}}-(0[1-9]|1[0-2])$') then cast(substr({x}, 1, 4) as integer) * 100 + cast(substr({x}, 6, 2) as integer) end)"

        starts: list[str] = []
        for col in wanted:
            if col not in present:
                continue
            k = present.index(col)
            if col == "valid_from":
                starts.append(f"when not bool_or({code(k)} is null) then min({code(k)})")
                starts.append("when true then null")  # some row holds from always: no earlier limit
                break
            starts.append(f"when min({code(k)}) is not null then min({code(k)})")
        start = f"case {' '.join(starts)} end" if starts else "null"
        end = "null"
        if "valid_to" in present:
            k = present.index("valid_to")
            end = f"case when bool_or({code(k)} is null) then null else max({code(k)}) end"
        self.con.execute(
            f"""create or replace temp table lives_t as
                select entity_id, cast({start} as integer) as start_p, cast({end} as integer) as end_p
                from ents_in group by entity_id"""
        )
        self.con.unregister("ents_in")

    def before_entity(self, rule: Rule) -> None:
        self._lives(rule)
        for r in self._per_period(
            "l.start_p is not null and n.period < l.start_p",
            "join lives_t l on l.entity_id = n.entity_id",
            ", l.start_p",
        ):
            start = str(Period.from_code(int(r["start_p"])))

            def fields(lang: str, start: str = start) -> dict[str, Any]:
                return {"existed_from": start}

            self.add(
                rule, r, fields, r["items"], expected=f"period >= {start}", found=str(Period.from_code(r["period"]))
            )

    def after_entity(self, rule: Rule) -> None:
        self._lives(rule)
        for r in self._per_period(
            "l.end_p is not null and n.period > l.end_p",
            "join lives_t l on l.entity_id = n.entity_id",
            ", l.end_p",
        ):
            end = str(Period.from_code(int(r["end_p"])))

            def fields(lang: str, end: str = end) -> dict[str, Any]:
                return {"valid_to": end}

            self.add(rule, r, fields, r["items"], expected=f"period <= {end}", found=str(Period.from_code(r["period"])))

    def closed(self, rule: Rule) -> None:
        if self.ctx.reason.strip():
            return
        rows = self.fetch(
            """
            with changed as (
                select l.entity_id, l.period, l.item, l.source, l.sheet, l.row
                from loc_t l join new_t n using (entity_id, period, item, source, sheet, row)
                left join old_t o on o.entity_id = l.entity_id and o.period = l.period and o.item = l.item
                where o.value is null or o.value <> n.value)
            select c.entity_id, c.period, c.source, arg_min(c.sheet, c.row) as sheet, min(c.row) as row,
                   list(c.item order by c.row) as items, t.period as later
            from changed c join last_t t on t.entity_id = c.entity_id and t.period > c.period
            group by all order by c.source, row
            """
        )
        for r in rows:
            items = [str(i) for i in r["items"]]
            later = str(Period.from_code(int(r["later"])))

            def fields(lang: str, items: list[str] = items, later: str = later) -> dict[str, Any]:
                shown = items[:5]
                more = "" if len(items) <= 5 else ("…" if lang == "zh" else ", …")
                sep = "、" if lang == "zh" else ", "
                return {
                    "later": later,
                    "count": len(items),
                    "items": sep.join(self.name(i, lang) for i in shown) + more,
                }

            self.add(
                rule,
                r,
                fields,
                items,
                expected="--reason for restating a closed period",
                found=f"{len(items)} changed figure(s); {later} already filed",
            )


def _text_or_none(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def evaluate(rules: RuleSet, catalog: Catalog, facts: pa.Table | None, ctx: Context) -> list[Finding]:
    """Every finding of the enabled rules (other than the contract's) on ``facts``."""
    if facts is None or facts.num_rows == 0:
        return []
    present = set(pc.unique(facts.column("item")).to_pylist())
    run = _Run(rules, catalog, facts, ctx)
    # the messages' arithmetic (a ratio of amounts near 10^16 yuan, shown to 4 decimals) in more
    # digits than the default 28, so that no quantize can fail
    with localcontext(prec=MESSAGE_PRECISION):
        try:
            for rule in rules.rules.values():
                if not rule.enabled or rule.kind == "contract":
                    continue
                named = {
                    *rule.items,
                    *rule.left,
                    *rule.right,
                    *rule.parts,
                    rule.total,
                    rule.numerator,
                    rule.denominator,
                }
                named.discard("")
                if named and not named & present:
                    continue  # none of its figures is in the input: it cannot fire
                getattr(run, rule.kind)(rule)
        finally:
            run.close()
    return run.findings
