"""Steps 1–5 of a panel (see :mod:`guozi.engine.panel`) as one Ibis expression, run by the backend.

:func:`compute_panels` pivots the facts to per-entity quantities once (steps 1–2) and, for each
scope, finds the groups' members, sums their quantities, evaluates the formulas and joins the
prior year (steps 3–5); :func:`~guozi.engine.panel.frame.long_frame` turns the result long.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from guozi.catalog.model import Catalog
from guozi.engine.backends import fetch_sql, register_tables, runs_sql, to_arrow
from guozi.engine.compile import (
    Expr,
    Pick,
    Quantity,
    Term,
    denominators,
    pick_to_ibis,
    quantities,
    resolve,
    terms,
    to_ibis,
    widen,
)
from guozi.engine.panel.frame import long_frame
from guozi.engine.panel.members import member_tables, members_of
from guozi.engine.panel.model import Basis, Deferred, Panel, Scope
from guozi.engine.panel.pivots import PIVOTS, DataVersion, PivotCache, PivotShape, keeps_arrow
from guozi.engine.panel.prepared import bind, compile_over, fetch, placeholder, registered, subquery, temporary
from guozi.engine.sqlcache import QUERIES, SqlCache, make_key
from guozi.kernel.errors import NotFoundError
from guozi.kernel.periods import Period
from guozi.tree import Tree

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

REPORTED = Scope()  # the default scope: every entity's own figures


def _role_columns(catalog: Catalog, needed: Sequence[Term], basis: Basis) -> dict[str, set[str]]:
    """Which raw roles (cur / prev / open) of which items the pivot must carry."""
    roles: dict[str, set[str]] = {}
    for t in needed:
        flow = catalog.items[t.item].kind == "flow"
        if t.role == "cur":
            want = {"cur", "prev"} if (flow and basis == "month") else {"cur"}
        else:
            want = {"prev"} if basis == "month" else {"open"}
        roles.setdefault(t.item, set()).update(want)
    return roles


def _requests(targets: Sequence[Period], roles: dict[str, set[str]]) -> pd.DataFrame:
    """(item, fact_period, target, slot): which fact fills which pivot column of which target row.

    ``slot`` numbers the (item, role) pairs in :func:`_slots` order, so that the pivot compares
    one integer per fact instead of two strings.
    """
    rows: list[tuple[str, int, int, int]] = []
    for slot, (item, role) in enumerate(_slots(roles)):
        for t in targets:
            fact_period = {"cur": t, "prev": t.shift(-1), "open": t.opening}[role]
            rows.append((item, fact_period.code, t.code, slot))
    return pd.DataFrame(rows, columns=["item", "fact_period", "target", "slot"]).astype(
        {"fact_period": "int64", "target": "int64", "slot": "int64"}
    )


def _slots(roles: dict[str, set[str]]) -> list[tuple[str, str]]:
    return [(item, role) for item, rs in sorted(roles.items()) for role in sorted(rs)]


_REQ_SCHEMA = ibis.schema({"item": "string", "fact_period": "int64", "target": "int64", "slot": "int64"})


def compute_panel(
    facts: ir.Table,
    tree: Tree,
    catalog: Catalog,
    *,
    periods: Sequence[Period],
    indicators: Sequence[str],
    scope: Scope = REPORTED,
    basis: Basis = "ytd",
    prior: bool = True,
    cache: SqlCache | None = QUERIES,
    version: DataVersion | None = None,
    pivots: PivotCache = PIVOTS,
) -> Panel:
    """Compute ``indicators`` for ``periods`` over ``facts`` (entity_id, period, item, value).

    ``facts`` holds one current value per (entity_id, period ``YYYYMM``, item); ``tree`` is the
    ownership tree of :func:`guozi.tree.build_tree`. One panel of :func:`compute_panels`.
    """
    one = [scope]
    return compute_panels(
        facts,
        tree,
        catalog,
        periods=periods,
        indicators=indicators,
        scopes=one,
        basis=basis,
        prior=prior,
        cache=cache,
        version=version,
        pivots=pivots,
    )[0]


def compute_panels(
    facts: ir.Table,
    tree: Tree,
    catalog: Catalog,
    *,
    periods: Sequence[Period],
    indicators: Sequence[str],
    scopes: Sequence[Scope],
    basis: Basis = "ytd",
    prior: bool = True,
    cache: SqlCache | None = QUERIES,
    version: DataVersion | None = None,
    pivots: PivotCache = PIVOTS,
) -> list[Panel]:
    """The panels of several scopes over the same facts, periods and indicators, in ``scopes`` order.

    Each panel is the one :func:`compute_panel` gives for its scope. The per-entity quantities
    (step 1–2: the facts read and pivoted) do not depend on the scope: with more than one scope
    they are computed once, kept by the backend as a temporary table for the scopes' queries,
    and dropped at the end.

    ``cache``: where the compiled queries are kept between calls (by default the process's
    :data:`~guozi.engine.sqlcache.QUERIES`, also on disk): on DuckDB and PostgreSQL each query is
    built by Ibis over placeholders once per shape and later run as kept SQL text with this
    call's data. ``None``, and always on Spark: Ibis builds and compiles every query of the call.

    ``version``: what ``facts`` are (the store and its state, :class:`~guozi.engine.panel.pivots.DataVersion`);
    with it, and kept queries, on DuckDB the pivot (steps 1–2) is kept in ``pivots`` as Arrow and
    reused by later calls over the same facts in the same state (:mod:`guozi.engine.panel.pivots`).
    The caller vouches that the state moves whenever the facts do.
    """
    for code in indicators:
        ind = catalog.indicator(code)
        if ind.tree is None:
            raise NotFoundError(
                f"指标 {code} 不由公式引擎计算（由 {ind.computed_by} 模块计算）",
                f"indicator {code} is not computed by the formula engine (see the {ind.computed_by} module)",
            )
    periods = sorted(set(periods))
    targets = sorted(set(periods) | ({p.prior_year for p in periods} if prior else set()))
    exprs: dict[str, Expr] = {}
    for code in indicators:
        tree_node = catalog.indicators[code].tree
        assert tree_node is not None
        exprs[code] = resolve(tree_node, catalog)
    qs: dict[str, Quantity] = {}
    all_terms: dict[Term, None] = {}
    for e in exprs.values():
        for q in quantities(e):
            qs.setdefault(q.column, q)
        for t in terms(e):
            all_terms.setdefault(t, None)
    roles = _role_columns(catalog, list(all_terms), basis)
    plan = _Plan(tuple(periods), tuple(targets), tuple(indicators), exprs, qs, tuple(all_terms), roles, basis, prior)
    backend = ibis.get_backend(facts)
    if cache is not None and runs_sql(backend):
        kept = (version, pivots) if version is not None and keeps_arrow(backend) else None
        return _prepared_panels(backend, facts, tree, catalog, plan, scopes, cache, kept)
    per_entity = _per_entity(facts, ibis.memtable(_requests(plan.targets, roles)), catalog, plan)
    shared = len(scopes) > 1
    if shared:
        per_entity = _cached(per_entity)  # one scan and pivot for every scope
    try:
        return [
            _panel(
                to_arrow(_scope_query(per_entity, member_tables(tree, _member_targets(plan, s), s), catalog, plan, s)),
                tree,
                catalog,
                plan,
                s,
            )
            for s in scopes
        ]
    finally:
        if shared:
            per_entity.release()


def _prepared_panels(
    con: BaseBackend,
    facts: ir.Table,
    tree: Tree,
    catalog: Catalog,
    plan: _Plan,
    scopes: Sequence[Scope],
    cache: SqlCache,
    kept: tuple[DataVersion, PivotCache] | None = None,
) -> list[Panel]:
    """:func:`compute_panels` with each query compiled over placeholders once per shape and kept in ``cache``.

    The key of a query holds everything that shapes its SQL (:func:`~guozi.engine.sqlcache.make_key`
    adds guozi's and Ibis's versions, the engine's code, the dialect and the catalogue): the plan
    (periods, indicators and their resolved formulas, basis, prior values), the scope, and the
    schema of each placeholder's data. ``kept``: the pivot is kept as Arrow in that cache, under that version.
    """
    dialect = str(con.name)
    shape = {
        "periods": [p.code for p in plan.periods],
        "targets": [p.code for p in plan.targets],
        "indicators": plan.indicators,
        "exprs": plan.exprs,
        "terms": plan.terms,
        "roles": _slots(plan.roles),
        "basis": plan.basis,
        "prior": plan.prior,
    }
    inputs = {"facts": facts.schema(), "req": _REQ_SCHEMA}
    pivot_key = make_key(dialect, catalog, {**shape, "query": "pivot", **inputs})
    pivot = cache.get(
        pivot_key,
        lambda: compile_over(
            con,
            _per_entity(placeholder("facts", inputs["facts"]), placeholder("req", inputs["req"]), catalog, plan),
            tuple(inputs),
        ),
    )
    register_tables(con, [facts])  # the facts' own in-memory tables (an id list …), if any
    facts_sql = str(con.compile(facts))

    def pivot_sql() -> str:
        req = ibis.memtable(_requests(plan.targets, plan.roles))
        return bind(pivot.sql, {"facts": subquery(facts_sql), **registered(con, {"req": req})})

    with ExitStack() as stack:
        if kept is not None:  # the pivot kept as Arrow, computed by the first call over these facts
            version, pivots = kept
            family = (dialect, facts_sql, make_key(dialect, catalog, {"query": "pivot family", "basis": plan.basis}))
            holds = PivotShape(
                family,
                frozenset(p.code for p in plan.targets),
                frozenset((str(n), str(t)) for n, t in pivot.schema.items()),
            )
            table = pivots.get(version, holds, lambda: fetch_sql(con, pivot_sql(), pivot.schema))
            per_entity = registered(con, {"pe": table})["pe"]
        elif len(scopes) > 1:
            per_entity = stack.enter_context(temporary(con, pivot_sql()))
        else:
            per_entity = subquery(pivot_sql())
        panels: list[Panel] = []
        for scope in scopes:
            tables = member_tables(tree, _member_targets(plan, scope), scope)
            schemas = {"pe": pivot.schema, **{name: t.schema() for name, t in tables.items()}}
            query = cache.get(
                make_key(dialect, catalog, {**shape, "query": "scope", "scope": scope, **schemas}),
                lambda scope=scope, schemas=schemas: compile_over(  # type: ignore[misc]
                    con,
                    _scope_query(
                        placeholder("pe", schemas["pe"]),
                        {n: placeholder(n, s) for n, s in schemas.items() if n != "pe"},
                        catalog,
                        plan,
                        scope,
                    ),
                    tuple(schemas),
                ),
            )
            table = fetch(con, query, {"pe": per_entity, **registered(con, tables)})
            panels.append(_panel(table, tree, catalog, plan, scope))
    return panels


def _cached(table: ir.Table) -> ir.Table:
    """``table`` computed once and kept by its backend as a temporary table (Ibis ``cache``).

    Ibis 12's PySpark backend caches without registering the expression's in-memory tables
    first (the query then fails: ``TABLE_OR_VIEW_NOT_FOUND``), so each is registered on the
    table's backend by an empty query of its own before.
    """
    backend = ibis.get_backend(table)
    for memtable in table.op().find(ops.InMemoryTable):
        to_arrow(memtable.to_expr().limit(0), backend)
    return table.cache()


def _per_entity(facts: ir.Table, req: ir.Table, catalog: Catalog, plan: _Plan) -> ir.Table:
    """Steps 1–2: (entity_id, target, one column per quantity) for every entity with facts.

    ``req`` is :func:`_requests` of the plan's targets and roles.
    """
    roles, basis, qs = plan.roles, plan.basis, plan.qs
    # 1. pivot the needed facts to one row per (entity, target): only the needed items and periods
    # are read (a filter the backend can push into its scan), and each fact is matched to its
    # pivot column by an integer slot
    fact_periods = sorted(_fact_periods(plan))
    period = facts.period if facts.period.type().is_integer() else facts.period.cast("int64")
    f = facts.filter(facts.item.isin(sorted(roles)), period.isin(fact_periods))
    fperiod = f.period if f.period.type().is_integer() else f.period.cast("int64")
    fj = f.join(req, (f.item == req.item) & (fperiod.cast("int64") == req.fact_period))
    # max(CASE WHEN slot = k THEN value END): one value per (entity, target, slot); in DuckDB about
    # 15 % faster than the same max with a FILTER clause
    pivots = {
        f"{item}__{role}": ibis.ifelse(fj.slot == slot, fj.value, ibis.null(fj.value.type())).max()
        for slot, (item, role) in enumerate(_slots(roles))
    }
    base = fj.group_by([fj.entity_id, fj.target]).aggregate(**pivots)

    # 2. per-entity quantities
    month = (base.target % 100).cast("int64")
    cols: dict[str, ir.NumericValue] = {}
    for t in plan.terms:
        flow = catalog.items[t.item].kind == "flow"
        if t.role == "cur":
            cur = base[f"{t.item}__cur"]
            if flow and basis == "month":
                cols[t.column] = ibis.ifelse(month == 1, cur, cur - base[f"{t.item}__prev"])
            else:
                cols[t.column] = cur
        else:
            cols[t.column] = base[f"{t.item}__{'prev' if basis == 'month' else 'open'}"]
    for name, q in qs.items():
        if isinstance(q, Pick):
            cols[name] = pick_to_ibis(q, cols)
    return base.select(base.entity_id, base.target, **{n: cols[n] for n in qs})


def _fact_periods(plan: _Plan) -> set[int]:
    """The fact periods the pivot reads (those of :func:`_requests`)."""
    return {int(c) for c in _requests(plan.targets, plan.roles).fact_period.unique()}


@dataclass(frozen=True)
class _Plan:
    """What every scope's panel of one :func:`compute_panels` call shares."""

    periods: tuple[Period, ...]
    targets: tuple[Period, ...]  # the periods and, with prior values, their prior years
    indicators: tuple[str, ...]
    exprs: dict[str, Expr]
    qs: dict[str, Quantity]
    terms: tuple[Term, ...]  # every term of the formulas, inside picks too
    roles: dict[str, set[str]]  # the raw roles (cur / prev / open) of each item the pivot carries
    basis: Basis
    prior: bool


def _scope_query(
    per_entity: ir.Table, tables: Mapping[str, ir.Table], catalog: Catalog, plan: _Plan, scope: Scope
) -> ir.Table:
    """Steps 3–5 for one scope over the per-entity quantities and the members' ``tables``: the wide
    result, one row per key and target period, ordered."""
    periods, exprs, qs, basis, prior = plan.periods, plan.exprs, plan.qs, plan.basis, plan.prior
    # 3.–4. members, sums and formulas
    same = prior and scope.same_basis
    members = members_of(tables, scope)
    wide = _evaluate(members, per_entity, exprs, qs, catalog, basis, shift=0, single=scope.view == "reported")

    # 5. prior year
    if prior:
        if same:
            pw = _evaluate(members, per_entity, exprs, qs, catalog, basis, shift=100, who=True)
            prev = pw.select(
                pw.key,
                pw.target,
                **{f"p__{c}": pw[f"v__{c}"] for c in exprs},
                **{f"pmiss__{n}": pw[f"who__{n}"] for n in qs},
            )
            cur = wide
        else:
            # only the prior years' rows are joined: the formulas are evaluated once per row, not
            # again over the periods' own rows
            before = wide.filter(wide.target.isin([p.prior_year.code for p in periods]))
            prev = before.select(
                key=before.key, target=before.target + 100, **{f"p__{c}": before[f"v__{c}"] for c in exprs}
            )
            cur = wide.filter(wide.target.isin([p.code for p in periods]))
        pcols = [c for c in prev.columns if c not in ("key", "target")]
        wide = cur.left_join(prev, (cur.key == prev.key) & (cur.target == prev.target)).select(
            cur, *[prev[c] for c in pcols]
        )
    return wide.order_by([wide.key, wide.target])


def _member_targets(plan: _Plan, scope: Scope) -> tuple[Period, ...]:
    """The target periods a scope's members are found in: the periods, and their prior years
    unless the prior values are on the same basis (then the current members are used)."""
    return plan.periods if (scope.same_basis or not plan.prior) else plan.targets


def _panel(table: pa.Table, tree: Tree, catalog: Catalog, plan: _Plan, scope: Scope) -> Panel:
    """The wide result of a scope's query as its panel (the long frame)."""
    names = tree.names

    def make() -> pd.DataFrame:
        return long_frame(table, catalog, plan.exprs, scope, plan.basis, plan.prior, names)

    later: Any = Deferred(make, table)  # the frame is made when first read (Panel.frame)
    return Panel(frame=later, periods=plan.periods, indicators=plan.indicators, scope=scope, basis=plan.basis)


def _evaluate(
    members: ir.Table,
    per_entity: ir.Table,
    exprs: dict[str, Expr],
    qs: dict[str, Quantity],
    catalog: Catalog,
    basis: Basis,
    *,
    shift: int,
    single: bool = False,
    who: bool = False,
) -> ir.Table:
    """Sum each group's members' quantities at ``target − shift`` and evaluate the formulas.

    A quantity that some member lacks is missing for the group (``miss__q`` members lack it);
    with ``who`` the ids of those members are collected too (``who__q``). ``single``: every
    group has exactly one member (the reported view), so the sums are the member's own figures.
    """
    joined = members.left_join(
        per_entity, (members.entity_id == per_entity.entity_id) & (members.target - shift == per_entity.target)
    ).select(members.key, members.target, member=members.entity_id, **{n: per_entity[n] for n in qs})
    grouped: ir.Table
    if single and not who:  # one member per group: its quantities are the sums, no grouping needed
        grouped, count = joined, ibis.literal(1, type="int64")
        # complete when the member has it; missing for the one member that lacks it
        complete = {name: widen(joined[name]) for name in qs}
        missing = {name: ibis.ifelse(joined[name].isnull(), 1, 0).cast("int64") for name in qs}
    else:
        sums: dict[str, ir.Value] = {"members": joined.count()}
        for name in qs:
            sums[f"sum__{name}"] = joined[name].sum()
            sums[f"nn__{name}"] = joined[name].count()
            if who:
                sums[f"who__{name}"] = joined.member.collect(where=joined[name].isnull())
        grouped = joined.group_by([joined.key, joined.target]).aggregate(**sums)
        count = grouped.members
        complete = {
            name: ibis.ifelse(grouped[f"nn__{name}"] == count, grouped[f"sum__{name}"], ibis.null()) for name in qs
        }
        missing = {name: count - grouped[f"nn__{name}"] for name in qs}
    gmonth = ibis.literal(1) if basis == "month" else (grouped.target % 100).cast("int64")

    def lookup(q: Quantity) -> ir.NumericValue:
        return complete[q.column]

    out: dict[str, ir.Value] = {}
    for code, e in exprs.items():
        value = to_ibis(e, lookup, gmonth)
        out[f"v__{code}"] = value * 100 if catalog.indicators[code].unit == "%" else value
        for k, den in enumerate(denominators(e)):
            out[f"zero__{code}__{k}"] = to_ibis(den, lookup, gmonth) == 0
    for name in qs:
        out[f"miss__{name}"] = missing[name]
        if who:
            out[f"who__{name}"] = grouped[f"who__{name}"]
    return grouped.select(grouped.key, grouped.target, members=count, **out)
