"""Loading and checking the catalogue files, the shipped ones and a user's own."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from guozi.catalog.files import SHIPPED, data_path, read_yaml
from guozi.catalog.form import form_order
from guozi.catalog.formula import MONTH, BinOp, Call, Neg, Node, Ref, names, parse
from guozi.catalog.model import UNITS, Catalog, Clause, Indicator, Item, Regime
from guozi.kernel.errors import CatalogError, FormulaError

__all__ = ["SHIPPED", "data_path", "load_catalog"]


def _need(entry: Mapping[str, Any], key: str, path: Path) -> Any:
    if key not in entry or entry[key] in (None, ""):
        code = entry.get("code", "?")
        raise CatalogError(f"{path}：条目 {code} 缺少 {key}", f"{path}: entry {code} lacks {key}")
    return entry[key]


def _decimal(value: Any, path: Path, what: str) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise CatalogError(
            f"{path}：{what} 不是数字：{value!r}", f"{path}: {what} is not a number: {value!r}"
        ) from None


def _item(entry: Mapping[str, Any], path: Path) -> Item:
    kind = _need(entry, "kind", path)
    if kind not in ("flow", "stock"):
        raise CatalogError(
            f"{path}：项目 {entry.get('code')} 的 kind 应为 flow 或 stock",
            f"{path}: item {entry.get('code')}: kind must be flow or stock",
        )
    return Item(
        code=str(_need(entry, "code", path)),
        name_zh=str(_need(entry, "name_zh", path)),
        name_en=str(entry.get("name_en", entry["name_zh"])),
        kind=kind,
        statement=str(entry.get("statement", "")),
        unit=str(entry.get("unit", "元")),
        note=str(entry.get("note", "")),
    )


def _indicator(entry: Mapping[str, Any], path: Path, default_source: str, year: int | None) -> Indicator:
    code = str(_need(entry, "code", path))
    unit = str(_need(entry, "unit", path))
    if unit not in UNITS:
        raise CatalogError(
            f"{path}：指标 {code} 的单位 {unit} 不在 {UNITS} 中",
            f"{path}: indicator {code}: unit {unit} not one of {UNITS}",
        )
    direction = str(entry.get("direction", "none"))
    if direction not in ("higher", "lower", "none"):
        raise CatalogError(
            f"{path}：指标 {code} 的 direction 应为 higher/lower/none",
            f"{path}: indicator {code}: direction must be higher, lower or none",
        )
    formula = entry.get("formula")
    tree: Node | None = None
    if formula is not None:
        try:
            tree = parse(str(formula))
        except FormulaError as exc:
            raise CatalogError(
                f"{path}：指标 {code}：{exc.message_zh}", f"{path}: indicator {code}: {exc.message_en}"
            ) from exc
    elif not entry.get("computed_by"):
        raise CatalogError(
            f"{path}：指标 {code} 既无 formula 也无 computed_by",
            f"{path}: indicator {code} has neither formula nor computed_by",
        )
    return Indicator(
        code=code,
        name_zh=str(_need(entry, "name_zh", path)),
        name_en=str(entry.get("name_en", entry["name_zh"])),
        unit=unit,
        direction=direction,  # type: ignore[arg-type]
        formula=None if formula is None else str(formula),
        tree=tree,
        source=str(entry.get("source", default_source)),
        year=int(entry["year"]) if entry.get("year") else year,
        since=int(entry["since"]) if entry.get("since") else None,
        confirmed=bool(entry.get("confirmed", True)),
        note=str(entry.get("note", "")),
        computed_by=str(entry.get("computed_by", "")),
        origin=str(path),
    )


def _regime(entry: Mapping[str, Any], path: Path) -> Regime:
    target = entry.get("target") or {}
    clauses = tuple(
        Clause(
            indicator=str(_need(c, "indicator", path)),
            test=str(_need(c, "test", path)),
            value=None if c.get("value") is None else _decimal(c["value"], path, "value"),
            reference=str(c.get("reference", "")),
            parameter=str(c.get("parameter", "")),
        )
        for c in target.get("clauses", [])
    )
    return Regime(
        code=str(_need(entry, "code", path)),
        name_zh=str(_need(entry, "name_zh", path)),
        name_en=str(entry.get("name_en", entry["name_zh"])),
        from_year=int(_need(entry, "from_year", path)),
        to_year=None if entry.get("to_year") is None else int(entry["to_year"]),
        indicators=tuple(str(i) for i in _need(entry, "indicators", path)),
        phrase_zh=str(target.get("phrase_zh", "")),
        phrase_en=str(target.get("phrase_en", "")),
        clauses=clauses,
        confirmed=bool(entry.get("confirmed", True)),
        source=str(entry.get("source", "")),
        note=str(entry.get("note", "")),
    )


def _check(catalog: Catalog) -> None:
    """Every name resolves, nothing is circular, and opening balances are taken of stocks."""
    items, indicators = catalog.items, catalog.indicators

    def visit(code: str, trail: tuple[str, ...]) -> None:
        ind = indicators[code]
        if code in trail:
            chain = " → ".join((*trail, code))
            raise CatalogError(f"指标定义循环引用：{chain}", f"indicators refer to each other in a cycle: {chain}")
        if ind.tree is None:
            return
        for name in names(ind.tree):
            if name == MONTH or (name in items and (name == code or name not in indicators)):
                continue  # an item (an indicator's own code in its own formula is the item)
            if name not in indicators:
                raise CatalogError(
                    f"{ind.origin}：指标 {code} 的公式引用了未知的项目或指标 {name}",
                    f"{ind.origin}: indicator {code}'s formula refers to unknown item or indicator {name}",
                )
            visit(name, (*trail, code))
        _check_openings(ind, ind.tree, items)

    for code in indicators:
        visit(code, ())
    for regime in catalog.regimes:
        for code in (*regime.indicators, *(c.indicator for c in regime.clauses)):
            if code not in indicators:
                raise CatalogError(
                    f"考核体系 {regime.code} 引用了未知指标 {code}",
                    f"regime {regime.code} refers to unknown indicator {code}",
                )


def _check_openings(ind: Indicator, node: Node, items: Mapping[str, Item]) -> None:
    match node:
        case Call(func, args):
            if func in ("avg", "opening"):
                arg = args[0]
                if not (isinstance(arg, Ref) and arg.name in items and items[arg.name].kind == "stock"):
                    raise CatalogError(
                        f"{ind.origin}：指标 {ind.code}：{func}() 只能用于存量项目（期末数）",
                        f"{ind.origin}: indicator {ind.code}: {func}() applies to a stock item only",
                    )
            for a in args:
                _check_openings(ind, a, items)
        case BinOp(_, left, right):
            _check_openings(ind, left, items)
            _check_openings(ind, right, items)
        case Neg(operand):
            _check_openings(ind, operand, items)
        case _:
            pass


def load_catalog(extra: Iterable[Path] = ()) -> Catalog:
    """Load the shipped catalogue, then each of ``extra`` in turn, overriding by code."""
    files = [data_path(n) for n in SHIPPED] + [Path(p) for p in extra]
    items: dict[str, Item] = {}
    indicators: dict[str, Indicator] = {}
    regimes: dict[str, Regime] = {}
    parameters: dict[str, Decimal] = {}
    for path in files:
        doc = read_yaml(path)
        source = str(doc.get("source", path.name))
        year = int(doc["year"]) if doc.get("year") else None
        for entry in doc.get("items", []):
            item = _item(entry, path)
            items[item.code] = item
        for entry in doc.get("indicators", []):
            ind = _indicator(entry, path, source, year)
            indicators[ind.code] = ind
        for entry in doc.get("regimes", []):
            reg = _regime(entry, path)
            regimes[reg.code] = reg
        for key, value in (doc.get("parameters") or {}).items():
            parameters[str(key)] = _decimal(value, path, str(key))
    catalog = Catalog(
        items=items,
        indicators=indicators,
        regimes=tuple(sorted(regimes.values(), key=lambda r: r.from_year)),
        parameters=parameters,
        files=tuple(str(f) for f in files),
    )
    _check(catalog)
    if extra:
        form_order(catalog)  # a user's form is checked as the rest of the catalogue is, before any work
    return catalog
