"""Which facts a query reads, and a DuckDB backend that has them checked before it runs the query.

``guozi indicators --data DIR`` reads the contract's files where they lie. Checking every row
of a large folder costs far more than the panel, which reads a few items of a few months. The
backend here (:class:`GuardedDuckDB`) works out, for every expression it is about to run, which
(item, period) spans of the facts table the expression can read (:func:`spans_read`), and calls
its guard with them first: the guard checks those rows of the files (or raises their problems).
No query runs on facts that were not checked.

A span is worked out from the filters on the facts table itself: ``item IN (…)``, ``period IN
(…)`` or ``=`` (and chains of such filters). Any other use of the table (a join, a projection
that reads every row, a filter on something else) reads all of it: the span is everything. The
answer is therefore never narrower than what the query reads, only sometimes wider.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import ibis.expr.operations as ops
from ibis.backends.duckdb import Backend as DuckDBBackend
from ibis.common.graph import Graph

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = ["EVERYTHING", "GuardedDuckDB", "Span", "covers", "spans_read"]

Span = tuple[frozenset[str] | None, frozenset[int] | None]  # (items, periods YYYYMM); None: any
EVERYTHING: Span = (None, None)


def covers(outer: Span, inner: Span) -> bool:
    """Whether every fact of ``inner`` is in ``outer``."""
    return all(o is None or (i is not None and i <= o) for o, i in zip(outer, inner, strict=True))


def spans_read(root: ops.Node, facts: ops.Node) -> list[Span]:
    """The spans of ``facts`` the expression ``root`` may read (empty: it does not read them)."""
    graph = Graph.from_bfs(root)
    if facts not in graph:
        return []
    users: dict[ops.Node, list[ops.Node]] = {}
    for node, children in graph.items():
        if isinstance(node, ops.Relation):
            for child in children:
                if isinstance(child, ops.Relation):
                    users.setdefault(child, []).append(node)
    memo: dict[ops.Node, list[Span]] = {}

    def read(node: ops.Node) -> list[Span]:
        """The spans of ``node``'s rows that the expression reads."""
        if node not in memo:
            out: list[Span] = []
            for user in users.get(node) or ():
                out.extend(through(user, node))
            memo[node] = _merged(out if node in users else [EVERYTHING])
        return memo[node]

    def through(user: ops.Node, node: ops.Node) -> list[Span]:
        if isinstance(user, ops.Filter) and user.parent == node:
            own = _restriction(user.predicates)
            return [_meet(own, s) for s in read(user)]
        if isinstance(user, ops.Project) and user.parent == node and _same_keys(user, node):
            return read(user)
        return [EVERYTHING]

    return read(facts)


def _merged(spans: Iterable[Span]) -> list[Span]:
    out: list[Span] = []
    for s in spans:
        if s == EVERYTHING:
            return [EVERYTHING]
        if not any(covers(o, s) for o in out):
            out = [o for o in out if not covers(s, o)] + [s]
    return out


def _meet(a: Span, b: Span) -> Span:
    items = a[0] if b[0] is None else b[0] if a[0] is None else a[0] & b[0]
    periods = a[1] if b[1] is None else b[1] if a[1] is None else a[1] & b[1]
    return (items, periods)


def _same_keys(project: ops.Project, parent: ops.Node) -> bool:
    """Whether ``project`` keeps ``item`` and ``period`` as the very columns of ``parent`` (or drops them)."""
    for name in ("item", "period"):
        value = project.values.get(name)
        if value is not None and not (isinstance(value, ops.Field) and value.rel == parent and value.name == name):
            return False
    return True


def _column(value: ops.Node) -> str | None:
    """The facts column ``value`` is (itself or cast), if it is one."""
    if isinstance(value, ops.Cast):
        value = value.arg
    return value.name if isinstance(value, ops.Field) else None


def _restriction(predicates: Sequence[ops.Node]) -> Span:
    """What the filter's ``predicates`` keep of the items and periods (those it cannot read keep all)."""
    span: Span = EVERYTHING
    todo = list(predicates)
    while todo:
        p = todo.pop()
        if isinstance(p, ops.And):
            todo += [p.left, p.right]
            continue
        column: str | None = None
        values: list[Any] = []
        if isinstance(p, ops.InValues) and all(isinstance(o, ops.Literal) for o in p.options):
            column, values = _column(p.value), [o.value for o in p.options]
        elif isinstance(p, ops.Equals):
            for a, b in ((p.left, p.right), (p.right, p.left)):
                if isinstance(b, ops.Literal) and _column(a) is not None:
                    column, values = _column(a), [b.value]
        if column == "item":
            span = _meet(span, (frozenset(str(v) for v in values), None))
        elif column == "period":
            try:
                span = _meet(span, (None, frozenset(int(v) for v in values)))
            except (TypeError, ValueError):
                continue
    return span


class GuardedDuckDB(DuckDBBackend):  # type: ignore[misc]
    """An in-memory DuckDB whose every query first has the facts it reads checked (:meth:`guard`)."""

    _facts: ops.Node | None = None
    _check: Callable[[list[Span]], object] | None = None

    def guard(self, facts: ir.Table, check: Callable[[list[Span]], object]) -> None:
        """Call ``check`` with the spans of ``facts`` each query reads, before it runs."""
        self._facts = facts.op()
        self._check = check

    def _run_pre_execute_hooks(self, expr: ir.Expr) -> None:
        if self._facts is not None and self._check is not None:
            spans = spans_read(expr.op(), self._facts)
            if spans:
                self._check(spans)
        super()._run_pre_execute_hooks(expr)
