"""Running the enabled rules over an input: each kind's check, in the rule file's order."""

from __future__ import annotations

from collections.abc import Callable
from decimal import localcontext

import pyarrow as pa

from guozi.catalog import Catalog
from guozi.ingest.rules import changes, month, periods
from guozi.ingest.rules.model import MESSAGE_PRECISION, Rule, RuleSet
from guozi.ingest.rules.run import Context, Finding, Run, Staged

# The check of each kind but ``contract`` (the data contract's checks run as the input is read).
CHECKS: dict[str, Callable[[Run, Rule], None]] = {
    "identity": month.identity,
    "not_above": month.not_above,
    "non_negative": month.non_negative,
    "whole_number": month.whole_number,
    "ratio_range": month.ratio_range,
    "ytd_decrease": changes.ytd_decrease,
    "unit_slip": changes.unit_slip,
    "jump": changes.jump,
    "future": periods.future,
    "before_entity": periods.before_entity,
    "after_entity": periods.after_entity,
    "closed": periods.closed,
}


def evaluate(rules: RuleSet, catalog: Catalog, facts: pa.Table | Staged | None, ctx: Context) -> list[Finding]:
    """Every finding of the enabled rules (other than the contract's) on ``facts``: a table in
    :data:`~guozi.store.batch.FACT_SCHEMA`, or facts staged in a file (:class:`.run.Staged`), read there."""
    if facts is None or facts.num_rows == 0:
        return []
    run = Run(rules, catalog, facts, ctx)
    present = run.present
    # the messages' arithmetic (a ratio of amounts near 10^16 yuan, shown to 4 decimals) in more
    # digits than the default 28, so that no quantize can fail
    with localcontext(prec=MESSAGE_PRECISION):
        try:
            for rule in rules.rules.values():
                if not rule.enabled or rule.kind in ("contract", "reading"):
                    continue
                named = {
                    *rule.items,
                    *rule.left,
                    *rule.right,
                    *rule.parts,
                    rule.total,
                    rule.numerator,
                    rule.denominator,
                }
                named.discard("")
                if named and not named & present:
                    continue  # none of its figures is in the input: it cannot fire
                CHECKS[rule.kind](run, rule)
        finally:
            run.close()
    return run.findings
