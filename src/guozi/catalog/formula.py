"""The safe expression grammar of indicator formulas: parsed into a tree, never ``eval``-ed.

Grammar::

    expr   := term (("+" | "-") term)*
    term   := unary (("*" | "/") unary)*
    unary  := "-" unary | atom
    atom   := NUMBER | NAME | NAME "(" expr ("," expr)* ")" | "(" expr ")"

A NAME is an item code, an indicator code or ``month`` (the number of months the figures
cover). The functions are ``avg(x)`` (opening and closing balance halved), ``opening(x)``
(the stock at the previous December) and ``coalesce(a, b, …)`` (the first that is present,
chosen entity by entity before anything is summed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from guozi.kernel.errors import FormulaError

FUNCTIONS = {"avg": 1, "opening": 1, "coalesce": -1}
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}
MONTH = "month"


@dataclass(frozen=True)
class Num:
    """A literal number."""

    value: Decimal


@dataclass(frozen=True)
class Ref:
    """A name: an item, an indicator or ``month``."""

    name: str


@dataclass(frozen=True)
class Call:
    """A function applied to its arguments."""

    func: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class BinOp:
    """``left op right`` with op one of ``+ - * /``."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Neg:
    """Unary minus."""

    operand: Node


Node = Num | Ref | Call | BinOp | Neg

_TOKEN = re.compile(r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>[-+*/(),]))")


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = text.replace("×", "*").replace("÷", "/")
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None:
            raise FormulaError(
                f"公式 {text!r} 第 {pos + 1} 个字符无法识别：{text[pos]!r}",
                f"formula {text!r}: unexpected character {text[pos]!r} at position {pos + 1}",
            )
        kind = m.lastgroup
        assert kind is not None
        tokens.append((kind, m.group(kind)))
        pos = m.end()
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.pos = 0

    def _fail(self, what_zh: str, what_en: str) -> FormulaError:
        return FormulaError(f"公式 {self.text!r}：{what_zh}", f"formula {self.text!r}: {what_en}")

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise self._fail("意外结束", "unexpected end")
        if value is not None and tok[1] != value:
            raise self._fail(f"应为 {value!r}，实为 {tok[1]!r}", f"expected {value!r}, found {tok[1]!r}")
        self.pos += 1
        return tok

    def expr(self) -> Node:
        node = self.term()
        while (tok := self.peek()) is not None and tok[1] in "+-" and tok[0] == "op":
            self.take()
            node = BinOp(tok[1], node, self.term())
        return node

    def term(self) -> Node:
        node = self.unary()
        while (tok := self.peek()) is not None and tok[1] in "*/" and tok[0] == "op":
            self.take()
            node = BinOp(tok[1], node, self.unary())
        return node

    def unary(self) -> Node:
        tok = self.peek()
        if tok is not None and tok == ("op", "-"):
            self.take()
            return Neg(self.unary())
        return self.atom()

    def atom(self) -> Node:
        kind, value = self.take()
        if kind == "num":
            return Num(Decimal(value))
        if kind == "name":
            if (nxt := self.peek()) is not None and nxt == ("op", "("):
                return self.call(value)
            return Ref(value)
        if value == "(":
            node = self.expr()
            self.take(")")
            return node
        raise self._fail(f"此处不应出现 {value!r}", f"unexpected {value!r}")

    def call(self, func: str) -> Node:
        if func not in FUNCTIONS:
            raise self._fail(f"未知函数 {func}", f"unknown function {func}")
        self.take("(")
        args = [self.expr()]
        while (tok := self.peek()) is not None and tok == ("op", ","):
            self.take()
            args.append(self.expr())
        self.take(")")
        arity = FUNCTIONS[func]
        if arity >= 0 and len(args) != arity:
            raise self._fail(f"{func} 需要 {arity} 个参数", f"{func} takes {arity} argument(s)")
        if func == "coalesce" and len(args) < 2:
            raise self._fail("coalesce 至少需要 2 个参数", "coalesce takes at least 2 arguments")
        return Call(func, tuple(args))


def parse(text: str) -> Node:
    """Parse a formula; raise :class:`FormulaError` naming the problem."""
    parser = _Parser(text)
    if not parser.tokens:
        raise parser._fail("公式为空", "empty formula")
    node = parser.expr()
    if parser.peek() is not None:
        raise parser._fail(f"多余的 {parser.peek()[1]!r}", f"trailing {parser.peek()[1]!r}")  # type: ignore[index]
    return node


def names(node: Node) -> set[str]:
    """Every name a formula refers to."""
    match node:
        case Num():
            return set()
        case Ref(name):
            return {name}
        case Call(_, args):
            return set().union(*(names(a) for a in args))
        case BinOp(_, left, right):
            return names(left) | names(right)
        case Neg(operand):
            return names(operand)
    raise TypeError(node)  # pragma: no cover


def render(node: Node) -> str:
    """The formula as text, fully parenthesised where precedence needs it."""
    match node:
        case Num(value):
            return str(value)
        case Ref(name):
            return name
        case Call(func, args):
            return f"{func}({', '.join(render(a) for a in args)})"
        case BinOp(op, left, right):
            lt, rt = render(left), render(right)
            if isinstance(left, BinOp) and _PRECEDENCE[left.op] < _PRECEDENCE[op]:
                lt = f"({lt})"
            if isinstance(right, BinOp) and _PRECEDENCE[right.op] <= _PRECEDENCE[op]:
                rt = f"({rt})"
            return f"{lt} {op} {rt}"
        case Neg(operand):
            inner = render(operand)
            return f"-({inner})" if isinstance(operand, BinOp) else f"-{inner}"
    raise TypeError(node)  # pragma: no cover
