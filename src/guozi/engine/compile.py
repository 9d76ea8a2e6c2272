"""Compiling catalogue formulas: names resolved to reported quantities, then to Ibis.

A formula is first *resolved*: item names become :class:`Term` (an item at the period's close,
or at the opening), ``avg``/``opening`` are expanded, indicator names are inlined, and
``coalesce`` becomes a :class:`Pick` that is chosen entity by entity. The leaves that remain
(terms and picks) are the additive *quantities*: they are summed over the entities of a group,
and the formula is evaluated on the sums, so that every ratio is Σ numerator / Σ denominator.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from guozi.catalog.formula import MONTH, BinOp, Call, Neg, Node, Num, Ref
from guozi.catalog.model import Catalog

Role = Literal["cur", "open"]


@dataclass(frozen=True)
class Const:
    """A number."""

    value: Decimal


@dataclass(frozen=True)
class Months:
    """How many months the figures cover (the period's month year to date, 1 for a month)."""


@dataclass(frozen=True)
class Term:
    """An item at the period's close (``cur``) or at the opening balance date (``open``)."""

    item: str
    role: Role

    @property
    def column(self) -> str:
        """The quantity's column name."""
        return f"{self.item}__{self.role}"


@dataclass(frozen=True)
class Pick:
    """The first present of several expressions, chosen per entity before any summing."""

    options: tuple[Expr, ...]

    @property
    def column(self) -> str:
        """The quantity's column name: stable across runs."""
        digest = hashlib.sha1(repr(self.options).encode()).hexdigest()[:10]
        return f"pick_{digest}"


@dataclass(frozen=True)
class Arith:
    """``left op right``."""

    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Minus:
    """``-operand``."""

    operand: Expr


Expr = Const | Months | Term | Pick | Arith | Minus
Quantity = Term | Pick


def resolve(node: Node, catalog: Catalog, *, _trail: tuple[str, ...] = ()) -> Expr:
    """Resolve a parsed formula against the catalogue (names checked at load time).

    A name is another indicator where one has that code, except inside that indicator's own
    formula, where it is the reported item (``value_added`` the indicator is
    ``coalesce(value_added, …)`` over the item ``value_added``).
    """
    match node:
        case Num(value):
            return Const(value)
        case Ref(name) if name == MONTH:
            return Months()
        case Ref(name) if name in catalog.indicators and name not in _trail[-1:]:
            # another indicator (its own code inside its own formula means the reported item)
            ind = catalog.indicators[name]
            assert ind.tree is not None and name not in _trail
            return resolve(ind.tree, catalog, _trail=(*_trail, name))
        case Ref(name):
            return Term(name, "cur")
        case Call("opening", (Ref(item),)):
            return Term(item, "open")
        case Call("avg", (Ref(item),)):
            return Arith("/", Arith("+", Term(item, "open"), Term(item, "cur")), Const(Decimal(2)))
        case Call("coalesce", args):
            return Pick(tuple(resolve(a, catalog, _trail=_trail) for a in args))
        case BinOp(op, left, right):
            return Arith(op, resolve(left, catalog, _trail=_trail), resolve(right, catalog, _trail=_trail))
        case Neg(operand):
            return Minus(resolve(operand, catalog, _trail=_trail))
    raise TypeError(f"cannot resolve {node!r}")  # pragma: no cover


def quantities(expr: Expr) -> list[Quantity]:
    """The summable quantities an expression rests on, in first-use order, without repeats."""
    out: dict[Quantity, None] = {}

    def walk(e: Expr) -> None:
        match e:
            case Term() | Pick():
                out.setdefault(e, None)
            case Arith(_, left, right):
                walk(left)
                walk(right)
            case Minus(operand):
                walk(operand)
            case _:
                pass

    walk(expr)
    return list(out)


def terms(expr: Expr) -> list[Term]:
    """Every term of an expression, including those inside picks."""
    out: dict[Term, None] = {}

    def walk(e: Expr) -> None:
        match e:
            case Term():
                out.setdefault(e, None)
            case Pick(options):
                for o in options:
                    walk(o)
            case Arith(_, left, right):
                walk(left)
                walk(right)
            case Minus(operand):
                walk(operand)
            case _:
                pass

    walk(expr)
    return list(out)


def denominators(expr: Expr) -> list[Expr]:
    """Every divisor of an expression, outermost first."""
    out: list[Expr] = []

    def walk(e: Expr) -> None:
        match e:
            case Arith(op, left, right):
                if op == "/" and not isinstance(right, Const | Months):
                    out.append(right)
                walk(left)
                walk(right)
            case Minus(operand):
                walk(operand)
            case _:
                pass

    walk(expr)
    return out


def is_exact(expr: Expr) -> bool:
    """Whether the expression stays in exact decimals (no division by a quantity, no product of two
    quantities, no months)."""
    match expr:
        case Const() | Term():
            return True
        case Months():
            return False
        case Pick(options):
            return all(is_exact(o) for o in options)
        case Arith(op, left, right):
            if op == "/" and not isinstance(right, Const):
                return False
            if op == "*" and not (_is_constant(left) or _is_constant(right)):
                return False
            return is_exact(left) and is_exact(right)
        case Minus(operand):
            return is_exact(operand)
    return False  # pragma: no cover


def _decimal_literal(value: Decimal) -> ir.NumericValue:
    """A formula's number: an int64 where it is a whole number that fits, else an exact decimal
    (a float64 beyond 38 digits)."""
    if value == value.to_integral_value():
        if abs(value) < 2**63:
            return ibis.literal(int(value), type="int64")
        value = Decimal(int(value))  # 1E+30 written out: 31 digits, exponent 0
    digits = value.as_tuple()
    scale = -int(digits.exponent)
    precision = max(len(digits.digits), scale + 1)
    if precision > 38:
        return ibis.literal(float(value), type="float64")
    return ibis.literal(value, type=f"decimal({precision}, {scale})")


def _exact_inverse(value: Decimal) -> ir.NumericValue | None:
    """``1 / value`` as an exact decimal literal, if it has at most 8 decimals."""
    if value == 0:
        return None
    inverse = (Decimal(1) / value).normalize()
    if inverse * value != 1 or -int(inverse.as_tuple().exponent) > 8:
        return None
    return _decimal_literal(inverse)


Lookup = Callable[[Quantity], ir.NumericValue]


def _is_constant(expr: Expr) -> bool:
    """Whether the expression is a number, or ``month`` (no quantity in it)."""
    match expr:
        case Const() | Months():
            return True
        case Minus(operand):
            return _is_constant(operand)
        case Arith(_, left, right):
            return _is_constant(left) and _is_constant(right)
    return False


def to_ibis(expr: Expr, lookup: Lookup, months: ir.IntegerValue) -> ir.NumericValue:
    """Compile an expression; ``lookup`` gives each quantity's column.

    Exact parts stay decimal; a division by a quantity, and a product of two quantities, are
    done in float64, with a zero divisor giving null (the panel's note then says which divisor
    was zero).
    """
    match expr:
        case Const(value):
            return _decimal_literal(value)
        case Months():
            return months
        case Term() | Pick():
            return lookup(expr)
        case Minus(operand):
            return -to_ibis(operand, lookup, months)
        case Arith(op, left, right):
            lt, rt = to_ibis(left, lookup, months), to_ibis(right, lookup, months)
            if op == "+":
                return lt + rt
            if op == "-":
                return lt - rt
            if op == "*":
                if _is_constant(left) or _is_constant(right):
                    return lt * rt  # exact: an amount (below 10^34 in 38 digits) times a number
                # two quantities: amounts near 10^16 yuan, summed over a group, multiply beyond any
                # decimal (38 digits), so such a product is a float, like a division's
                return lt.cast("float64") * rt.cast("float64")
            if isinstance(right, Const):
                inverse = _exact_inverse(right.value)
                if is_exact(left) and inverse is not None:
                    return lt * inverse
                return lt.cast("float64") / float(right.value)
            den = rt.cast("float64")
            return lt.cast("float64") / ibis.ifelse(den == 0, ibis.null("float64"), den)
    raise TypeError(f"cannot compile {expr!r}")  # pragma: no cover


def widen(value: ir.NumericValue) -> ir.NumericValue:
    """A decimal as ``SUM`` would give it (precision 38), so that products of amounts cannot overflow.

    DuckDB multiplies two ``decimal(18, s)`` in 64 bits and fails above 10¹⁸ units.
    """
    t = value.type()
    return value.cast(dt.Decimal(38, t.scale)) if isinstance(t, dt.Decimal) else value


def pick_to_ibis(pick: Pick, columns: Mapping[str, ir.NumericValue]) -> ir.NumericValue:
    """A pick over an entity's own columns (before summing); decimals widened (see :func:`widen`)."""

    def lookup(q: Quantity) -> ir.NumericValue:
        if isinstance(q, Pick):
            return pick_to_ibis(q, columns)
        return widen(columns[q.column])

    options = [to_ibis(o, lookup, ibis.literal(1)) for o in pick.options]
    return ibis.coalesce(*options)
