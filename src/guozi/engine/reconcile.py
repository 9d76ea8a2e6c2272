"""内部往来对账: each pair's receivable beside the counterparty's payable, inside a subtree, in one period.

For every ordered pair (creditor A, debtor B) with both parties in the root's subtree in the
period, A's ``ic_receivable`` from B is set beside B's ``ic_payable`` to A; the difference is
receivable − payable, a side nobody reported counting as zero (a receivable the debtor does not
acknowledge is the whole difference). ``ic_revenue`` is listed beside as the seller's sales to the
buyer. The rows of the period and subtree are selected by an Ibis expression (any backend); the
pairing of the few rows that remain is done in pandas.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import ibis.expr.types as ir
import pandas as pd

from guozi.catalog.files import data_path, read_yaml
from guozi.catalog.model import Catalog
from guozi.catalog.params import load_section, param_decimal
from guozi.kernel.errors import GuoziError
from guozi.kernel.periods import Period
from guozi.tree import Tree

PARAMS_FILE = "params/consolidation.yaml"

RECONCILE_COLUMNS = (
    "creditor_id",
    "creditor_name",
    "debtor_id",
    "debtor_name",
    "receivable",
    "payable",
    "difference",
    "sales",
    "meet_id",
    "mismatch",
)
LABELS: dict[str, tuple[str, str]] = {  # column → (zh, en), for every output of the report
    "creditor_id": ("债权方代码", "creditor"),
    "creditor_name": ("债权方", "creditor name"),
    "debtor_id": ("债务方代码", "debtor"),
    "debtor_name": ("债务方", "debtor name"),
    "receivable": ("债权方应收", "creditor's receivable"),
    "payable": ("债务方应付", "debtor's payable"),
    "difference": ("差额", "difference"),
    "sales": ("债权方内部销售", "creditor's sales to the debtor"),
    "meet_id": ("抵销层级", "eliminated at"),
    "mismatch": ("超出容差", "above tolerance"),
}


@dataclass(frozen=True)
class Tolerance:
    """The reconcile tolerance in yuan and where it comes from (the parameter file's year and source, or the option)."""

    value: Decimal
    year: int | None
    source: str


@dataclass(frozen=True)
class ReconcileReport:
    """内部往来对账 of a subtree in one period: one row per (creditor, debtor) pair, mismatches first.

    ``pairs`` has the columns :data:`RECONCILE_COLUMNS`.
    """

    period: Period
    root: str | None
    tolerance: Tolerance
    pairs: pd.DataFrame

    @property
    def mismatches(self) -> int:
        """How many pairs differ by more than the tolerance."""
        return int(self.pairs.mismatch.sum()) if len(self.pairs) else 0


def tolerance(catalog: Catalog, given: Decimal | None = None) -> Tolerance:
    """The tolerance ``given`` (an option), else the parameter of ``params/consolidation.yaml``
    (overridden by a ``consolidation:`` section of the user's catalogue files)."""
    if given is not None:
        if given < 0:
            raise GuoziError(f"--tolerance 不能为负数：{given}", f"--tolerance cannot be negative: {given}")
        return Tolerance(given, None, "--tolerance")
    doc = read_yaml(data_path(PARAMS_FILE))  # its year and source
    section = load_section(catalog, "consolidation", PARAMS_FILE)
    value = param_decimal(section.get("reconcile_tolerance", "0.01"), f"{PARAMS_FILE} reconcile_tolerance")
    return Tolerance(value, int(doc["year"]) if "year" in doc else None, str(doc.get("source", PARAMS_FILE)))


def reconcile_report(
    intercompany: ir.Table,
    tree: Tree,
    catalog: Catalog,
    period: Period,
    *,
    root: str | None,
    given: Decimal | None = None,
) -> ReconcileReport:
    """:func:`reconcile` with its tolerance (``given``, else the parameter's), as a report."""
    tol = tolerance(catalog, given)
    return ReconcileReport(period, root, tol, reconcile(intercompany, tree, period, root=root, tolerance=tol.value))


def ancestors_at(tree: Tree, period: Period) -> dict[str, list[str]]:
    """Each entity of the tree in ``period``: itself and its ancestors, nearest first."""
    c = tree.closure
    valid = c[(c.from_code <= period.code) & (c.to_code >= period.code)].sort_values(["entity_id", "depth"])
    out: dict[str, list[str]] = {}
    for e, a in zip(valid.entity_id.astype(str), valid.ancestor_id.astype(str), strict=True):
        out.setdefault(e, []).append(a)
    return out


def lowest_common_parent(ups: dict[str, list[str]], a: str, b: str) -> str:
    """The deepest node whose subtree holds both ``a`` and ``b`` ('' when none); ``ups``: :func:`ancestors_at`."""
    theirs = set(ups.get(b, ()))
    return next((x for x in ups.get(a, ()) if x in theirs), "")


def reconcile(
    intercompany: ir.Table, tree: Tree, period: Period, *, root: str | None, tolerance: Decimal
) -> pd.DataFrame:
    """The pairs of ``root``'s subtree (every entity's without a root) in ``period``: mismatches first.

    A pair is a mismatch when |difference| exceeds ``tolerance`` (yuan); mismatches are ordered
    by the size of the difference, then every pair by creditor and debtor.
    """
    ups = ancestors_at(tree, period)
    inside = {e for e, chain in ups.items() if root in chain} if root is not None else set(ups)
    period_col = intercompany.period if intercompany.period.type().is_integer() else intercompany.period.cast("int64")
    rows = intercompany.filter(period_col == period.code).select("entity_id", "counterparty_id", "item", "value")
    frame = rows.to_pandas()
    frame = frame[frame.entity_id.isin(inside) & frame.counterparty_id.isin(inside)]
    pairs: dict[tuple[str, str], dict[str, Decimal | None]] = {}

    def at(creditor: str, debtor: str) -> dict[str, Decimal | None]:
        return pairs.setdefault((creditor, debtor), {"receivable": None, "payable": None})

    for e, c, item, value in frame.itertuples(index=False, name=None):
        amount = Decimal(value)
        if item == "ic_receivable":
            at(e, c)["receivable"] = amount
        elif item == "ic_payable":
            at(c, e)["payable"] = amount
    sales = {(e, c): Decimal(v) for e, c, i, v in frame.itertuples(index=False, name=None) if i == "ic_revenue"}
    names = tree.names
    records = []
    for (a, b), side in pairs.items():
        diff = (side["receivable"] or Decimal(0)) - (side["payable"] or Decimal(0))
        records.append(
            {
                "creditor_id": a,
                "creditor_name": names.get(a, a),
                "debtor_id": b,
                "debtor_name": names.get(b, b),
                "receivable": side["receivable"],
                "payable": side["payable"],
                "difference": diff,
                "sales": sales.get((a, b)),
                "meet_id": lowest_common_parent(ups, a, b),
                "mismatch": abs(diff) > tolerance,
                "size": abs(diff) if abs(diff) > tolerance else Decimal(0),
            }
        )
    out = pd.DataFrame.from_records(records, columns=[*RECONCILE_COLUMNS, "size"])
    out = out.sort_values(["mismatch", "size", "creditor_id", "debtor_id"], ascending=[False, False, True, True])
    return out.drop(columns="size").reset_index(drop=True)
