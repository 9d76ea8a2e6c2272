"""When an entity counts as loss-making, and what its turnaround is measured against (params/losses.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from guozi.analyses.common import to_decimal
from guozi.analyses.source import Source
from guozi.catalog.params import load_section
from guozi.kernel.errors import CatalogError
from guozi.kernel.text import is_zh, pick

PARAMS_FILE = "params/losses.yaml"
TurnaroundBaseline = Literal["prior_year", "prior_year_end"]
LossStatus = Literal["continuing", "new", "turned_around", "loss", "profit", "missing"]
BLANK_GROUP = ""


@dataclass(frozen=True)
class Criterion:
    """When an entity counts as loss-making, and what the turnaround is measured against."""

    indicator: str
    below: Decimal
    turnaround_baseline: TurnaroundBaseline

    def describe(self, source: Source, lang: str) -> str:
        """The criterion in words, e.g. "净利润（本年累计）< 0"."""
        name = source.catalog.indicator(self.indicator).name(lang)
        base = pick(
            lang,
            "上年同期" if self.turnaround_baseline == "prior_year" else "上年全年",
            "the same period of the prior year" if self.turnaround_baseline == "prior_year" else "the prior year",
        )
        if is_zh(lang):
            return f"{name}（本年累计）< {self.below}；扭亏与新增亏损对比{base}"
        return f"{name} (year to date) < {self.below}; turnarounds and new losses against {base}"


def load_criterion(source: Source) -> Criterion:
    """The loss criterion of params/losses.yaml, with any user override."""
    p = load_section(source.catalog, "losses", PARAMS_FILE)
    code = str(p.get("indicator", ""))
    ind = source.catalog.indicator(code)
    if ind.tree is None:
        raise CatalogError(
            f"亏损判定指标 {code} 须由公式引擎计算", f"the loss criterion indicator {code} must have a formula"
        )
    below = to_decimal(p.get("below"))
    if below is None:
        raise CatalogError("参数 losses.below 缺失", "parameter losses.below is missing")
    base = str(p.get("turnaround_baseline", "prior_year"))
    if base not in ("prior_year", "prior_year_end"):
        raise CatalogError(
            f"参数 losses.turnaround_baseline 应为 prior_year 或 prior_year_end，实为 {base}",
            f"parameter losses.turnaround_baseline must be prior_year or prior_year_end, not {base}",
        )
    return Criterion(code, below, base)  # type: ignore[arg-type]
