"""Peer groups (same tree level and industry, widened to the section when too few) and an entity's
ranks among its peers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from guozi.analyses.benchmark.figures import Values, entity_names, indicator_of, panel_values, reported_panel
from guozi.analyses.benchmark.params import BenchmarkParams, clean_text, load_params
from guozi.analyses.benchmark.ranks import PeerRow, peer_row
from guozi.analyses.source import Source
from guozi.kernel.errors import NotFoundError
from guozi.kernel.periods import Period
from guozi.kernel.text import is_zh, pick


@dataclass(frozen=True)
class PeerGroup:
    """Who an entity is compared with, and why."""

    entity: str
    period: Period
    by: str
    value: str  # the entity's value of ``by``
    key: str  # the value the group shares (the section letter after a fallback)
    level: int
    members: tuple[str, ...]  # the entity included
    fallback: bool = False
    note_zh: str = ""
    note_en: str = ""

    def describe(self, lang: str) -> str:
        """One line: the column, its value, the level and the size of the group."""
        key = self.key or pick(lang, "（空）", "(blank)")
        if is_zh(lang):
            text = f"第{self.level}层级、{self.by}={key} 的 {len(self.members)} 家企业"
            if self.fallback:
                text += f"（{self.value} 同行不足，按门类 {self.key} 比较）"
            return text
        text = f"{len(self.members)} entities at level {self.level} with {self.by}={key}"
        if self.fallback:
            text += f" (too few peers in {self.value}; compared within section {self.key})"
        return text


def peer_group(
    source: Source,
    period: Period,
    entity: str,
    *,
    by: str = "industry",
    level: int | None = None,
    min_peers: int | None = None,
    params: BenchmarkParams | None = None,
) -> PeerGroup:
    """The peers of ``entity`` in ``period`` (see the module), the entity included."""
    params = params or load_params(catalog=source.catalog)
    tree = source.tree()
    nodes = tree.at(period)
    own = nodes[nodes.entity_id == entity]
    if own.empty:
        if entity not in set(tree.nodes.entity_id):
            raise NotFoundError(f"未知企业：{entity}", f"unknown entity: {entity}")
        raise NotFoundError(f"企业 {entity} 在 {period} 不存在", f"entity {entity} does not exist in {period}")
    if by not in tree.attribute_columns() or by == "level":
        raise NotFoundError(f"没有可用于分组的企业列 {by}", f"no entity column {by} to group by")
    lvl = int(own.level.iloc[0]) if level is None else level
    fallback_col = by in params.fallback_columns

    def norm(v: object) -> str:
        return params.industry(v) if fallback_col else clean_text(v)

    value = norm(own[by].iloc[0])
    at_level = nodes[nodes.level == lvl]
    keys = {str(e): norm(v) for e, v in zip(at_level.entity_id, at_level[by], strict=True)}
    zh = en = ""
    if value:
        members = {e for e, k in keys.items() if k == value}
    else:
        members = set(keys)
        zh = f"本企业未填 {by}，与第{lvl}层级全部企业比较"
        en = f"the entity has no {by}; compared with every entity at level {lvl}"
    members.add(entity)
    n = min_peers if min_peers is not None else params.min_peers
    key, fell_back = value, False
    section = params.section_of(value) if (fallback_col and len(value) > 1) else None
    if section and len(members) < n:
        before = len(members)
        members = {e for e, k in keys.items() if k and params.section_of(k) == section} | {entity}
        key, fell_back = section, True
        zh = f"{value} 同行仅 {before} 家（含本企业），少于 {n} 家，改按门类 {section} 比较"
        en = f"only {before} entities in {value} (the entity included), fewer than {n}; compared within section {section}"
    return PeerGroup(entity, period, by, value, key, lvl, tuple(sorted(members)), fell_back, zh, en)


@dataclass(frozen=True)
class PeerReport:
    """An entity's standing among its peers on each indicator."""

    entity: str
    name: str
    period: Period
    group: PeerGroup
    rows: tuple[PeerRow, ...]
    values: Values  # indicator → member → value (the group's, for charts)
    names: dict[str, str]

    def row(self, indicator: str) -> PeerRow:
        """The row of ``indicator``; raise :class:`KeyError` if it was not benchmarked."""
        for r in self.rows:
            if r.indicator == indicator:
                return r
        raise KeyError(indicator)


def _peer_codes(source: Source, period: Period, params: BenchmarkParams, indicators: Sequence[str] | None) -> list[str]:
    if indicators:
        return list(indicators)
    if params.peer_indicators:
        return list(params.peer_indicators)
    return source.regime_indicators(period)


def peer_ranks(
    source: Source,
    period: Period,
    entity: str,
    *,
    by: str = "industry",
    level: int | None = None,
    indicators: Sequence[str] | None = None,
    min_peers: int | None = None,
    params: BenchmarkParams | None = None,
) -> PeerReport:
    """Rank ``entity`` among its peers (:func:`peer_group`) on each indicator (default: the regime's)."""
    params = params or load_params(catalog=source.catalog)
    group = peer_group(source, period, entity, by=by, level=level, min_peers=min_peers, params=params)
    codes = _peer_codes(source, period, params, indicators)
    values, notes = panel_values(reported_panel(source, [period], codes, params), period)
    members = set(group.members)
    rows: list[PeerRow] = []
    kept: Values = {}
    for code in codes:
        vals = {k: values[code].get(k) for k in sorted(members)}
        kept[code] = vals
        rows.append(peer_row(indicator_of(source, params, code), entity, vals, notes[code]))
    names_ = entity_names(source)
    return PeerReport(entity, names_.get(entity, entity), period, group, tuple(rows), kept, names_)
