"""``--data DIR`` read where it lies: the contract checked on the rows the computation reads.

A folder of an entities file and facts files that are Parquet of text columns is not copied into
a store: the engine computes on the files (a :class:`~guozi.store.lake.LakeStore` over them), and
the contract's checks run in DuckDB on the files themselves. They run on what each query reads,
not on the whole folder (:class:`InPlaceCheck`, called by the backend before each query:
:class:`~guozi.store.lakeguard.GuardedDuckDB`):

* the entities file and the facts files' columns and types are checked in full, first;
* of the facts, the rows of the items and periods the query reads (the compiled indicators'
  items, the periods asked for and the comparison periods they use), plus every row whose period
  is not a ``YYYY-MM`` month (the engine reads every row's period to find its months) and, among
  the periods read, every row whose item the catalogue does not know (it may be a needed item
  misspelt); each such row gets every check of the contract (entity known, unit, number,
  precision, duplicates among the rows read);
* a problem in a row no query reads does not stop the computation. ``guozi check DIR`` remains
  the check of every row.

A clean check is remembered per content of the folder (:mod:`guozi.workspace.checked`): a second
run on the same files, catalogue and guozi checks nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from guozi.catalog import Catalog
from guozi.engine.compile import resolve, terms
from guozi.ingest.contract import collect_files, read_files
from guozi.ingest.contract.cells import cell_texts
from guozi.ingest.contract.facts import FactChecker
from guozi.ingest.contract.staged import MONTH_PATTERN as _PERIOD
from guozi.ingest.contract.staged import in_place
from guozi.ingest.readers import ROW, read_raw
from guozi.ingest.rules import RuleSet, load_rules
from guozi.kernel.errors import InvalidInputError, Problem
from guozi.kernel.periods import Period
from guozi.store.batch import ENTITY_COLUMNS, Kind
from guozi.store.lake import LakeStore
from guozi.store.lakeguard import GuardedDuckDB, Span, covers
from guozi.workspace.checked import CheckedCache

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from guozi.store import Store

__all__ = ["InPlaceCheck", "in_place_store", "panel_facts", "rows_where", "span_months"]


def _quoted(values: Sequence[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in sorted(values))


def rows_where(spans: Sequence[Span], catalog: Catalog) -> str | None:
    """SQL over a facts file's ``item`` and ``period`` columns keeping the rows ``spans`` read (``None``: every row)."""
    item = "trim(coalesce(item, ''))"
    period = "trim(coalesce(period, ''))"
    unknown_item = f"{item} not in ({_quoted(list(catalog.items))})" if catalog.items else "true"
    parts: list[str] = []
    for items, periods in spans:
        if items is None and periods is None:
            return None
        conds: list[str] = []
        if items is not None:
            conds.append(f"({item} in ({_quoted(list(items))}) or {unknown_item})" if items else "false")
        if periods is not None:
            texts = [str(Period.from_code(p)) for p in periods if _is_period(p)]
            conds.append(f"{period} in ({_quoted(texts)})" if texts else "false")
        parts.append("(" + " and ".join(conds) + ")")
    return f"(not regexp_full_match({period}, '{_PERIOD}')) or " + " or ".join(parts)


def span_months(spans: Sequence[Span]) -> set[str] | None:
    """The months (``YYYY-MM``) :func:`rows_where` keeps of ``spans``, beside the rows whose period
    is not a month; ``None``: every period."""
    months: set[str] = set()
    for _, periods in spans:
        if periods is None:
            return None
        months.update(str(Period.from_code(p)) for p in periods if _is_period(p))
    return months


def _is_period(code: int) -> bool:
    try:
        Period.from_code(code)
    except (ValueError, ArithmeticError, TypeError):
        return False
    return True


class InPlaceCheck:
    """The contract's checks on the facts rows of the spans asked for, each span once (and remembered)."""

    def __init__(
        self,
        facts: Sequence[Path],
        known: set[str],
        catalog: Catalog,
        cache: CheckedCache | None = None,
        rules: RuleSet | None = None,
    ) -> None:
        self.facts = list(facts)
        self.known = known
        self.catalog = catalog
        self.cache = cache
        self.rules = rules  # the contract's rules, read when first needed
        self.checked: list[Span] = [] if cache is None else cache.spans()
        self.runs = 0  # how many times rows were checked (not answered by what was checked before)

    def __call__(self, spans: Sequence[Span]) -> Path | None:
        """Check the rows ``spans`` read; raise :class:`InvalidInputError` listing every problem among them.

        Returns a Parquet file of the typed facts (entity, ``YYYYMM``, item, exact yuan) of a span
        covering ``spans`` when the cache keeps one: the figures the check read, exactly as an
        import would store them, read again without parsing a value.
        """
        todo = [s for s in spans if not any(covers(c, s) for c in self.checked)]
        if todo:
            self._check(todo)
        if len(spans) != 1 or self.cache is None:
            return None
        return self.cache.extract_for(spans[0])

    def _check(self, todo: list[Span]) -> None:
        self.runs += 1
        problems: list[Problem] = []
        if self.rules is None:
            self.rules = load_rules(self.catalog)
        checker = FactChecker(self.catalog, self.known, self.rules, problems)
        # one thread: the rows of a span are few (a panel's items in a few months); measured on
        # 0.36 M rows of 13.7 M: 0.8 s of CPU and 1.6-2.1 s wall against 1.1-1.4 s and 2.4-3.9 s
        # with DuckDB's default two, on a shared machine (issue 18)
        checker.con.execute("set threads = 1")
        where = rows_where(todo, self.catalog)
        months = span_months(todo)
        extract: str | None = None
        try:
            for path in self.facts:
                checker.add_parquet(path, where, months)
            checker.duplicates()
            clean = not any(p.severity == "blocking" for p in problems)
            if clean and self.cache is not None:  # the good rows of the span, as an import would store them
                extract = self.cache.write_extract(
                    todo, checker.con, "select entity_id, period, item, value from good_t"
                )
        finally:
            checker.close()
        if not clean:
            raise InvalidInputError(problems=problems)
        self.checked.extend(todo)
        if self.cache is not None:
            self.cache.add(todo, extract)


def in_place_store(paths: Sequence[Path], catalog: Catalog, *, remember: bool = True) -> LakeStore | None:
    """A read-only store over ``paths`` read where they lie (``--data DIR``), or ``None`` if they cannot be.

    They can when ``paths`` is one folder of entities and facts files only, every facts file a
    Parquet file of text columns (:func:`~guozi.ingest.contract.staged.in_place`). The entities
    are checked now; the facts rows each query reads, before it runs (:class:`InPlaceCheck`).
    ``remember``: keep clean checks in the cache (:mod:`guozi.workspace.checked`).

    Raises:
        InvalidInputError: the entities file breaks the contract (every problem is listed); the
            facts' problems are raised by the query that reads them.
    """
    if len(paths) != 1 or not paths[0].is_dir():
        return None
    files, problems = collect_files(paths)
    facts = [p for p, k in files if k == "facts"]
    entities = [(p, k) for p, k in files if k == "entities"]
    targets = [(p, k) for p, k in files if k == "targets"]
    if problems or not facts or not entities or len(facts) + len(entities) + len(targets) != len(files):
        return None
    if not all(in_place(p) for p in facts):
        return None
    cache = CheckedCache([p for p, _ in files], catalog) if remember else None
    rows = _entity_rows([p for p, _ in entities]) if cache is not None and cache.known() else None
    rules = None if rows is not None and not targets else load_rules(catalog)
    if rows is None:  # not found clean before: checked now
        batch = read_files(entities, catalog, rules=rules)
        if batch.entities is None or batch.blocking:
            raise InvalidInputError(problems=batch.problems)
        rows = batch.entities[[c for c in batch.entities.columns if not str(c).startswith("__")]]
        if cache is not None:
            cache.add([])  # the entities are clean: remembered even if a facts row is not
    check = InPlaceCheck(facts, set(rows.entity_id.tolist()), catalog, cache, rules)
    con = GuardedDuckDB().connect()
    store = LakeStore.open(
        con,
        paths[0],
        entities=rows,
        targets=_targets(targets, rows, catalog, rules),
        periods=lambda: _periods(con, facts),
        when_read=True,
    )
    store.guard_reads(check)
    return store


def _targets(
    files: Sequence[tuple[Path, Kind]], entities: pd.DataFrame, catalog: Catalog, rules: RuleSet | None = None
) -> pd.DataFrame | None:
    """The targets files beside the facts (small: checked whole by the contract), as a store's
    :meth:`targets` gives them; ``None`` without any.

    Raises:
        InvalidInputError: a targets file breaks the contract (every problem is listed).
    """
    if not files:
        return None
    batch = read_files(files, catalog, known_entities=entities, rules=rules)
    if batch.targets is None or batch.blocking:
        raise InvalidInputError(problems=batch.problems)
    frame = batch.targets[["entity_id", "year", "indicator", "target"]]
    return frame.sort_values(["entity_id", "year", "indicator"], kind="stable").reset_index(drop=True)


def _entity_rows(paths: Sequence[Path]) -> pd.DataFrame | None:
    """The entity rows of files found clean before, as the contract reads them (every cell text,
    trimmed) but without checking each row again; ``None`` if a file cannot be read."""
    frames: list[pd.DataFrame] = []
    for path in paths:
        raw = read_raw(path)
        if isinstance(raw, Problem):
            return None
        data = {c: cell_texts(raw, c) for c in raw.table.column_names if c != ROW}
        for c in ENTITY_COLUMNS:
            data.setdefault(c, [""] * raw.table.num_rows)
        frames.append(pd.DataFrame(data))
    return pd.concat(frames, ignore_index=True)


def _periods(con: GuardedDuckDB, facts: Sequence[Path]) -> list[int]:
    """The months the facts files hold (``YYYY-MM`` periods only), read without checking a row."""
    files = ", ".join("'" + str(p).replace("'", "''") + "'" for p in facts)
    rows = con.con.execute(
        f"""select distinct cast(replace(trim(period), '-', '') as integer) from read_parquet([{files}])
            where regexp_full_match(trim(period), '{_PERIOD}') order by 1"""
    ).fetchall()
    return [int(r[0]) for r in rows]


def panel_facts(
    store: Store,
    catalog: Catalog,
    periods: Sequence[Period],
    codes: Sequence[str],
    *,
    prior: bool,
    basis: str = "ytd",
) -> ir.Table:
    """The facts a panel of ``codes`` over ``periods`` reads, as the store gives them.

    From a lake or files read in place (:class:`~guozi.store.lake.LakeStore`): only the
    indicators' items in the periods the engine reads for each target month — year to date the
    month and the December before (opening balances), a single month (``basis`` ``month``) the
    month and the one before it (a flow's month, the opening of a stock); with prior values, the
    same a year earlier —, checked first when the files are read in place. From any other store:
    its facts.
    """
    if not isinstance(store, LakeStore):
        return store.facts()
    items: set[str] = set()
    for code in codes:
        indicator = catalog.indicators.get(code)
        if indicator is None or indicator.tree is None:
            return store.facts()  # the engine names what is wrong
        items.update(t.item for t in terms(resolve(indicator.tree, catalog)))
    targets = {*periods, *(p.prior_year for p in periods if prior)}
    months = {m.code for t in targets for m in ((t, t.shift(-1)) if basis == "month" else (t, t.opening))}
    return store.facts_of(items, months)
