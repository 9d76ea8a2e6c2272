"""The parameters of the targets and verdicts (params/targets.yaml), and which indicators accumulate."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from guozi.analyses.source import Source
from guozi.catalog.params import load_section
from guozi.engine.compile import Arith, Const, Expr, Minus, Months, Pick, Term, resolve
from guozi.kernel.errors import CatalogError

if TYPE_CHECKING:
    from guozi.catalog.model import Catalog

PARAMS_FILE = "params/targets.yaml"


def section(source: Source, name: str) -> dict[str, Any]:
    """The ``name`` section of params/targets.yaml (``targets`` or ``verdict``), with any user override."""
    return load_section(source.catalog, name, PARAMS_FILE)


def int_param(params: Mapping[str, Any], key: str, where: str) -> int:
    """The integer parameter ``where.key``; missing or not an integer is a catalogue error."""
    try:
        return int(params[key])
    except (KeyError, TypeError, ValueError):
        raise CatalogError(
            f"参数 {where}.{key} 缺失或不是整数", f"parameter {where}.{key} is missing or not an integer"
        ) from None


# which indicators accumulate -------------------------------------------------------------------


def _dimension(expr: Expr, catalog: Catalog, averaged: set[str]) -> int | None:
    """How many times a formula counts the months (1 for a flow, 0 for a balance); None if mixed."""
    match expr:
        case Const():
            return 0
        case Months():
            return 1
        case Term(item, role):
            it = catalog.items[item]
            return 1 if it.kind == "flow" and role == "cur" and item not in averaged else 0
        case Pick(options):
            dims = {_dimension(o, catalog, averaged) for o in options}
            return dims.pop() if len(dims) == 1 else None
        case Minus(operand):
            return _dimension(operand, catalog, averaged)
        case Arith(op, left, right):
            dl, dr = _dimension(left, catalog, averaged), _dimension(right, catalog, averaged)
            if dl is None or dr is None:
                return None
            if op in ("+", "-"):
                return dl if dl == dr else None
            return dl + dr if op == "*" else dl - dr
    return None  # pragma: no cover


def accumulates(catalog: Catalog, code: str, params: Mapping[str, Any]) -> bool:
    """Whether the year-to-date value of ``code`` grows through the year (judged against 序时进度)."""
    if code in set(params.get("accumulating") or ()):
        return True
    if code in set(params.get("not_accumulating") or ()):
        return False
    ind = catalog.indicator(code)
    if ind.tree is None:
        return False
    averaged = {str(i) for i in params.get("averaged_flow_items") or ()}
    return _dimension(resolve(ind.tree, catalog), catalog, averaged) == 1
