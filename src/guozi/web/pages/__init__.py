"""The reading pages — overview, drill-down, entity, indicator explained, targets, warnings, losses, EVA,
report downloads, search — each with its JSON twin under ``/api/v1``.

Every handler picks the period and the entity, checks that the user may see the entity, asks
:class:`~guozi.web.data.WebData` (cached workspace results) and either renders a template or
returns the same model as JSON. A user scoped to a subtree only ever gets rows of that subtree:
everything is rooted at an entity that :func:`~guozi.web.deps.ensure_visible` let through
(:func:`guozi.web.pages.common.where`).

- :mod:`.overview`: the overview (``/``);
- :mod:`.drill`: the drill-down, an entity and its history, an indicator explained;
- :mod:`.tables`: targets, warnings, loss-makers, EVA, the periods;
- :mod:`.reconcile`: 内部往来对账, pair by pair;
- :mod:`.filing_status`: 上报情况 (who has filed a month), the chase list, the filing banner;
- :mod:`.downloads`: the report file and the search;
- :mod:`.apidocs`: the API documentation (Swagger UI served locally);
- :mod:`.models`: what each page shows; :mod:`.common`: what they share.
"""

from __future__ import annotations

from fastapi import APIRouter

from guozi.web.pages import apidocs, downloads, drill, filing_status, overview, tables
from guozi.web.pages import reconcile as reconciling

__all__ = ["router"]

router = APIRouter()
for _part in (
    overview,
    drill,
    tables,
    filing_status,
    reconciling,
    downloads,
    apidocs,
):  # the order of the paths in /docs
    router.include_router(_part.router)
