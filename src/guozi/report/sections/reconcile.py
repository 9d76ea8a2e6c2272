"""附表 内部往来对账 (issue 21): the pairs inside the report's subtree, differences above the tolerance first.

Appended to the appendix (:func:`with_reconcile`) when the subtree reports any intercompany
balance in the period; each amount is a :class:`~guozi.report.model.Fig` of source ``reconcile``
(``measure``: receivable, payable, difference or sales; ``entity``: the creditor).
"""

from __future__ import annotations

from decimal import Decimal

from guozi.engine.reconcile import LABELS
from guozi.report.context import Ctx, table
from guozi.report.model import Cell, Col, Fig, Section, Table, Text

AMOUNTS = ("receivable", "payable", "difference", "sales")


def reconcile_table(ctx: Ctx) -> list[Table]:
    """The 内部往来对账 table of the subtree in the period (none when nothing is reported)."""
    p = ctx.period
    report = ctx.reconciled()
    if report.pairs.empty:
        return []

    def fig(row: dict[str, object], measure: str) -> Fig:
        value = row[measure]
        return Fig(
            value if isinstance(value, Decimal) else None,
            "元",
            "reconcile",
            str(row["creditor_id"]),
            str(p),
            measure=measure,
            note_zh="" if value is not None else "未报送",
            note_en="" if value is not None else "not reported",
        )

    cols = [
        Col("status", "对账结果", "result"),
        Col("creditor_name", *LABELS["creditor_name"]),
        Col("debtor_name", *LABELS["debtor_name"]),
        *(Col(k, *LABELS[k], "amount") for k in AMOUNTS),
        Col("meet", *LABELS["meet_id"]),
    ]
    rows: list[list[Cell]] = []
    for record in report.pairs.to_dict("records"):
        r = {str(k): v for k, v in record.items()}
        status = Text("不符", "mismatch") if r["mismatch"] else Text("相符", "match")
        meet = str(r["meet_id"])
        rows.append(
            [
                status,
                str(r["creditor_name"]),
                str(r["debtor_name"]),
                *(fig(r, k) for k in AMOUNTS),
                ctx.names.get(meet, meet),
            ]
        )
    tol = report.tolerance
    note = Text(
        f"差额 = 债权方应收 − 债务方应付；超过容差 {tol.value} 元（{tol.source}）者列在前面，共 {report.mismatches} 对不符。",
        f"Difference = the creditor's receivable − the debtor's payable; those above the tolerance of {tol.value} "
        f"yuan ({tol.source}) come first: {report.mismatches} pairs do not match.",
    )
    return [
        table("appendix_reconcile", Text("附表 内部往来对账", "Table: intercompany reconciliation"), cols, rows, note)
    ]


def with_reconcile(section: Section, ctx: Ctx) -> Section:
    """``section`` (the appendix) with the 内部往来对账 table after its own tables."""
    return Section(section.key, section.number, section.title, (*section.blocks, *reconcile_table(ctx)))
