"""Loading ``rules/validation.yaml`` (and the files overriding it): each rule checked against the
catalogue, its kind's parameters and its messages' placeholders, or a :class:`CatalogError`."""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, cast

import yaml

from guozi.catalog import Catalog, data_path
from guozi.ingest.rules.model import (
    COMMON_FIELDS,
    CONTRACT_FIELDS,
    EXACT_PARAMS,
    KIND_FIELDS,
    KINDS,
    PARAMS,
    RULES_FILE,
    SEVERITY_NAMES,
    Rule,
    RuleSet,
    Statement,
)
from guozi.kernel.errors import CatalogError, Severity
from guozi.kernel.units import MONEY_UNITS, STORE_SCALE


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
    params = _params(entry, base, kind, where, where_en)
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


def _params(entry: Mapping[str, Any], base: Rule | None, kind: str, where: str, where_en: str) -> dict[str, Any]:
    """The rule's parameters: its base's, overridden by the entry's, each checked against its kind."""
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
    return params


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
        "whole_number": bool(rule.items),
        "ytd_decrease": bool(rule.items),
        "unit_slip": bool(rule.items),
        "jump": bool(rule.items),
    }
    if not needs.get(rule.kind, True):
        raise CatalogError(f"{where} 缺少所检查的项目", f"{where_en} does not name the items it checks")
    allowed = set(COMMON_FIELDS) | set(
        KIND_FIELDS.get(rule.kind, CONTRACT_FIELDS if rule.kind in ("contract", "reading") else ())
    )
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
