"""Loss-making subsidiaries (亏损企业治理): how many, how much, for how long, and who turned around.

- :mod:`.criterion`: when an entity counts as loss-making (params/losses.yaml);
- :mod:`.compute`: :func:`loss_makers`, the groups and the entities of a period;
- :mod:`.columns`: the output records, labels in the chosen language.

Definitions (the criterion is data, params/losses.yaml):

- an entity is *loss-making* in a period when its own reported (合并 for a parent) year-to-date
  value of the criterion indicator (``net_profit``) is below the threshold (``0``);
- the *loss amount* (亏损额) of a group is −Σ value over its loss-making entities (positive when
  they lose money); the *loss rate* (亏损面) is loss-making entities / entities reporting × 100;
- groups are the entities' tree level (a level's entities never overlap, so amounts are not
  counted twice), split further by an entity column with ``by`` (e.g. industry); ``level``
  keeps one level only; the prior year is grouped by the tree and attributes of its own period;
- *loss years* (连续亏损年数): consecutive Decembers, back from the latest December not after the
  period, at which the entity was loss-making (the streak crosses year boundaries by definition);
- *loss months* (连续亏损月数): consecutive month ends, back from the period within its year, at
  which the year-to-date value was loss-making;
- *status* against the baseline (``turnaround_baseline``: the same period of the prior year by
  default, or the prior year's December): ``continuing`` (loss then and now), ``new`` (profit
  then, loss now), ``turned_around`` (扭亏: loss then, no loss now), ``loss`` (loss now, no value
  then), ``profit``, ``missing`` (no value now). Missing is never counted as a profit or a loss.
"""

from __future__ import annotations

from guozi.analyses.losses.columns import (
    STATUS_LABELS,
    group_label,
    level_label,
    loss_entity_rows,
    loss_summary_rows,
    missing_note,
)
from guozi.analyses.losses.compute import ENTITY_COLUMNS, GROUP_COLUMNS, LossReport, loss_makers
from guozi.analyses.losses.criterion import BLANK_GROUP, PARAMS_FILE, Criterion, LossStatus, load_criterion

__all__ = [
    "BLANK_GROUP",
    "ENTITY_COLUMNS",
    "GROUP_COLUMNS",
    "PARAMS_FILE",
    "STATUS_LABELS",
    "Criterion",
    "LossReport",
    "LossStatus",
    "group_label",
    "level_label",
    "load_criterion",
    "loss_entity_rows",
    "loss_makers",
    "loss_summary_rows",
    "missing_note",
]
