"""The formula grammar: what parses, what it means, and what is refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guozi.catalog.formula import BinOp, Call, Neg, Num, Ref, names, parse, render
from guozi.kernel.errors import FormulaError


def test_precedence_and_associativity() -> None:
    assert parse("a - b - c") == BinOp("-", BinOp("-", Ref("a"), Ref("b")), Ref("c"))
    assert parse("a + b * c") == BinOp("+", Ref("a"), BinOp("*", Ref("b"), Ref("c")))
    assert parse("a / b / 10000") == BinOp("/", BinOp("/", Ref("a"), Ref("b")), Num(Decimal(10000)))
    assert parse("-a * b") == BinOp("*", Neg(Ref("a")), Ref("b"))


def test_functions_and_multiplication_sign() -> None:
    assert parse("roe × 12 / month") == BinOp("/", BinOp("*", Ref("roe"), Num(Decimal(12))), Ref("month"))
    assert parse("coalesce(x, y + z)") == Call("coalesce", (Ref("x"), BinOp("+", Ref("y"), Ref("z"))))
    assert names(parse("net_profit / avg(total_equity)")) == {"net_profit", "total_equity"}


@pytest.mark.parametrize(
    "text",
    ["", "a +", "(a", "a)", "avg(a, b)", "coalesce(a)", "open(a)", "a ** b", "a; b", "'a'", "a.b", "1e3"],
)
def test_malformed_formulas_are_refused(text: str) -> None:
    with pytest.raises(FormulaError):
        parse(text)


names_st = st.sampled_from(["revenue", "total_profit", "x", "month"])


@st.composite
def formulas(draw: st.DrawFn, depth: int = 3) -> str:
    if depth == 0 or draw(st.booleans()):
        return draw(st.one_of(names_st, st.integers(0, 10**6).map(str)))
    kind = draw(st.sampled_from(["bin", "neg", "paren", "avg"]))
    if kind == "bin":
        return f"{draw(formulas(depth - 1))} {draw(st.sampled_from('+-*/'))} {draw(formulas(depth - 1))}"
    if kind == "neg":
        return f"-{draw(formulas(depth - 1))}"
    if kind == "avg":
        return f"avg({draw(names_st)})"
    return f"({draw(formulas(depth - 1))})"


@given(formulas())
def test_render_parses_back_to_the_same_tree(text: str) -> None:
    tree = parse(text)
    assert parse(render(tree)) == tree
