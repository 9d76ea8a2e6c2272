"""World-class peers (对标世界一流): external peer sets such as the Fortune Global 500, on guozi's definitions.

An external peer set is a CSV (lines starting with ``#`` are comments) or xlsx file, one figure per
row, in the format of the shipped ``catalog/data/peers/fortune_global500.csv``:

=====================  ========  ===============================================================
column                 required  meaning
=====================  ========  ===============================================================
``fiscal_year``        yes       the year the figure is for (compared with the entity's December)
``company``            yes       the company's name, unique within the set
``item``               yes       ``revenue``, ``profit``, ``employees`` (mapped to guozi items by
                                 ``world.items`` of ``params/benchmark.yaml``) or a guozi item code
``value``              yes       the figure exactly as printed
``unit``               yes       as printed: ``USD million``, ``USD billion``, ``USD 100m (亿美元)``,
                                 ``亿美元``, ``万元``, ``persons`` …
``list_year``          no        the edition of the list
``country``            no
``chinese_central_soe``  no      yes / no (free text)
``source_url``         no        where the figure was read
``note``               no        cross-checks, conflicts
``second_hand``        no        ``yes`` when the figure was not read from the publisher itself
=====================  ========  ===============================================================

Money is converted to yuan at the yearly average rate of the fiscal year (``cny_per_unit`` of
``catalog/data/reference/exchange_rates.csv``, with its source; a user's rates file overrides or adds
by year and currency). The converted figures become facts of a one-level tree of companies and go
through the same engine and the same indicator formulas as the enterprises' own figures; so a
ratio is Σ numerator / Σ denominator on the same definitions, and currencies cancel in ratios.
Ranks, percentiles and gaps follow the conventions of :mod:`guozi.analyses.benchmark`, the entity ranked
among the companies of the set.
"""

from __future__ import annotations

from guozi.analyses.benchmark.world.columns import (
    world_chart,
    world_columns,
    world_company_columns,
    world_company_records,
    world_records,
)
from guozi.analyses.benchmark.world.compare import (
    Converted,
    WorldCompany,
    WorldReport,
    convert,
    latest_fiscal_year,
    world_comparison,
)
from guozi.analyses.benchmark.world.peer_set import PEER_SET_FILE, REQUIRED, PeerFigure, PeerSet, load_peer_set
from guozi.analyses.benchmark.world.rates import HOME_CURRENCY, RATES_FILE, ExchangeRates, Rate, load_rates
from guozi.analyses.benchmark.world.units import PrintedUnit, parse_unit

__all__ = [
    "HOME_CURRENCY",
    "PEER_SET_FILE",
    "RATES_FILE",
    "REQUIRED",
    "Converted",
    "ExchangeRates",
    "PeerFigure",
    "PeerSet",
    "PrintedUnit",
    "Rate",
    "WorldCompany",
    "WorldReport",
    "convert",
    "latest_fiscal_year",
    "load_peer_set",
    "load_rates",
    "parse_unit",
    "world_chart",
    "world_columns",
    "world_company_columns",
    "world_company_records",
    "world_comparison",
    "world_records",
]
