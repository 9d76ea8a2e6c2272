"""The panel: every requested indicator for every entity or group and period, in one query.

The pipeline, all of it one Ibis expression run by the backend:

1. the facts needed are pivoted into one row per (entity, target period), one column per
   item and role (``cur`` the period's figure, ``prev`` the month before, ``open`` the previous
   December), through a small request table joining fact periods to target periods;
2. each quantity of the formulas is formed per entity (single months as differences of
   year-to-date figures, picks chosen per entity);
3. the members of each group (the entity itself, its direct children, its leaves, or a level of
   the tree grouped by an entity column) are found by joins over the precomputed tree tables,
   valid in the target period, and their quantities summed; a quantity that some member lacks is
   missing for the group, not zero;
4. the formulas are evaluated on the sums (Σ numerator / Σ denominator, divided last);
5. each period is joined to the same period of the prior year for change and growth: on the
   reported basis (报告口径) the prior year's group as it was then (that period's tree); on the
   same basis (同口径, ``Scope.same_basis``) the current period's members summed with their own
   prior-year figures.

Steps 1–2 do not depend on the scope: :func:`compute_panels` runs them once for several scopes
(the backend keeps their result as a temporary table) and steps 3–5 once per scope. The wide
result becomes the long frame column by column (Arrow and numpy), not cell by cell.

The modules: :mod:`.model` (:class:`Scope`, :class:`Panel`), :mod:`.query` (steps 1–5, one Ibis
expression), :mod:`.frame` (the wide result as the long frame), :mod:`.cells` (values, changes and
growths by whole columns) and :mod:`.notes` (why a value is empty).
"""

from guozi.engine.panel.model import VIEWS, Basis, Panel, PriorBasis, Scope, View
from guozi.engine.panel.query import compute_panel, compute_panels

__all__ = ["VIEWS", "Basis", "Panel", "PriorBasis", "Scope", "View", "compute_panel", "compute_panels"]
