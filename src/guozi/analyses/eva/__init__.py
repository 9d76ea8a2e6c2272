"""Economic value added (经济增加值) with its full breakdown, parameters by year from data files.

EVA = NOPAT − adjusted capital × average cost of capital × months / 12, where

* NOPAT = net profit + (interest expense + R&D expense − non-recurring gain × share) × (1 − tax);
* adjusted capital = avg(total equity) + avg(interest-bearing debt) − avg(construction in progress);
* average cost of capital = cost of debt × D/(D+E) × (1 − tax) + cost of equity × E/(D+E)
  + the debt-ratio surcharge, D and E the average interest-bearing debt and equity.

Every rate, share and band is a parameter of ``catalog/data/params/eva.yaml`` (by year, with its
source); the industry classes come from ``params/debt_lines.yaml``. The inputs are computed by
the formula engine from the helper indicators of ``catalog/data/eva_indicators.yaml``.

Part years: NOPAT is year to date and the capital charge is the annual rate × months / 12 on
the average of the opening and period-end capital (guozi's choice; no official method for part
years is published), so December gives the annual EVA. A group aggregate is Σ members' NOPAT
− Σ members' capital charges, each member at its own cost of capital; never an average.

- :mod:`.params` reads the parameters by year; :mod:`.compute` forms the groups of a view and
  reads the panel (:func:`compute_eva`); :mod:`.rows` is the arithmetic of one row;
  :mod:`.results` holds the rows and the report; :mod:`.columns` words them as output records.
"""

from __future__ import annotations

from guozi.analyses.eva.columns import (
    BREAKDOWN_COLUMNS,
    EVA_COLUMNS,
    EVA_FIELDS,
    EVA_TABLE_COLUMNS,
    PARAMETER_COLUMNS,
    breakdown_records,
    eva_records,
    parameter_records,
    unconfirmed_caption,
)
from guozi.analyses.eva.compute import EVA_VIEWS, compute_eva
from guozi.analyses.eva.params import (
    EVA_PARAMS_FILE,
    PARAMETERS,
    Entry,
    EvaParams,
    Unconfirmed,
    YearParams,
    load_eva_params,
)
from guozi.analyses.eva.results import INPUTS, EvaReport, EvaRow

__all__ = [
    "BREAKDOWN_COLUMNS",
    "EVA_COLUMNS",
    "EVA_FIELDS",
    "EVA_PARAMS_FILE",
    "EVA_TABLE_COLUMNS",
    "EVA_VIEWS",
    "INPUTS",
    "PARAMETERS",
    "PARAMETER_COLUMNS",
    "Entry",
    "EvaParams",
    "EvaReport",
    "EvaRow",
    "Unconfirmed",
    "YearParams",
    "breakdown_records",
    "compute_eva",
    "eva_records",
    "load_eva_params",
    "parameter_records",
    "unconfirmed_caption",
]
