"""The kinds that test a figure's period: ``future`` (too far ahead of today), ``before_entity`` and
``after_entity`` (outside the entity's life, from the entity rows as after the import) and
``closed`` (a change to a month older than the entity's latest filed one, without a reason)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa

from guozi.ingest.rules.model import Rule
from guozi.ingest.rules.run import Run
from guozi.kernel.periods import Period
from guozi.kernel.text import Text, pick


def _per_period(run: Run, where: str, extra_from: str = "", extra_cols: str = "") -> list[dict[str, Any]]:
    """One row per (entity, period, input file) of the input's figures meeting ``where``, at its first row."""
    return run.fetch(
        run.located(
            f"""
            select n.entity_id, n.period, n.src, arg_min(n.rid, n.row) as rid, list(distinct n.item) as items {extra_cols}
            from new_t n {extra_from}
            where {where}
            group by all
            """,
            "entity_id, period",
        )
    )


def future(run: Run, rule: Rule) -> None:
    """No period later than today's month plus ``months_ahead``."""
    limit = Period(run.ctx.today.year, run.ctx.today.month).shift(int(rule.param("months_ahead")))
    for r in _per_period(run, f"n.period > {limit.code}"):

        def fields(lang: str) -> dict[str, Any]:
            return {"limit": str(limit)}

        run.add(rule, r, fields, r["items"], expected=f"period <= {limit}", found=str(Period.from_code(r["period"])))


def _lives(run: Run, rule: Rule) -> None:
    """``lives_t``: each entity's first period (``start_p``) and last (``end_p``), null when open."""
    frame = run.ctx.entities
    wanted = [str(c) for c in (rule.param("columns") or ["valid_from"])] if rule.kind == "before_entity" else []
    present = [] if frame is None else [c for c in dict.fromkeys([*wanted, "valid_from", "valid_to"]) if c in frame]
    data: dict[str, pa.Array] = {
        "entity_id": pa.array([] if frame is None else [str(v) for v in frame["entity_id"]], pa.string())
    }
    for k, col in enumerate(present):
        data[f"c{k}"] = pa.array([_text_or_none(v) for v in frame[col]] if frame is not None else [], pa.string())
    run.con.register("ents_in", pa.table(data))

    def code(k: int) -> str:
        x = f"substr(trim(c{k}), 1, 7)"
        return f"(case when regexp_full_match({x}, '^[0-9]{{4}}-(0[1-9]|1[0-2])$') then cast(substr({x}, 1, 4) as integer) * 100 + cast(substr({x}, 6, 2) as integer) end)"

    starts: list[str] = []
    for col in wanted:
        if col not in present:
            continue
        k = present.index(col)
        if col == "valid_from":
            starts.append(f"when not bool_or({code(k)} is null) then min({code(k)})")
            starts.append("when true then null")  # some row holds from always: no earlier limit
            break
        starts.append(f"when min({code(k)}) is not null then min({code(k)})")
    start = f"case {' '.join(starts)} end" if starts else "null"
    end = "null"
    if "valid_to" in present:
        k = present.index("valid_to")
        end = f"case when bool_or({code(k)} is null) then null else max({code(k)}) end"
    run.con.execute(
        f"""create or replace temp table lives_t as
            select entity_id, cast({start} as integer) as start_p, cast({end} as integer) as end_p
            from ents_in group by entity_id"""
    )
    run.con.unregister("ents_in")


def before_entity(run: Run, rule: Rule) -> None:
    """No period before the entity's life begins (its first of ``columns``)."""
    _lives(run, rule)
    for r in _per_period(
        run,
        "l.start_p is not null and n.period < l.start_p",
        "join lives_t l on l.entity_id = n.entity_id",
        ", l.start_p",
    ):
        start = str(Period.from_code(int(r["start_p"])))

        def fields(lang: str, start: str = start) -> dict[str, Any]:
            return {"existed_from": start}

        run.add(rule, r, fields, r["items"], expected=f"period >= {start}", found=str(Period.from_code(r["period"])))


def after_entity(run: Run, rule: Rule) -> None:
    """No period after the entity's ``valid_to``."""
    _lives(run, rule)
    for r in _per_period(
        run,
        "l.end_p is not null and n.period > l.end_p",
        "join lives_t l on l.entity_id = n.entity_id",
        ", l.end_p",
    ):
        end = str(Period.from_code(int(r["end_p"])))

        def fields(lang: str, end: str = end) -> dict[str, Any]:
            return {"valid_to": end}

        run.add(rule, r, fields, r["items"], expected=f"period <= {end}", found=str(Period.from_code(r["period"])))


def closed(run: Run, rule: Rule) -> None:
    """No change to a month before the entity's latest filed one, unless a reason is given."""
    if run.ctx.reason.strip():
        return
    rows = run.fetch(
        run.located(
            """
            with later as (  -- the new figures of a period before the entity's latest stored one
                select a.* from after_t a semi join last_t t on t.entity_id = a.entity_id and t.period > a.period
                where a.rid is not null),
            changed as (
                select a.entity_id, a.period, a.item, n.src, n.row, a.rid
                from later a join new_t n on n.rid = a.rid
                left join old_t o on o.entity_id = a.entity_id and o.period = a.period and o.item = a.item
                where o.value is null or o.value <> a.value)
            select c.entity_id, c.period, arg_min(c.rid, c.row) as rid, list(c.item order by c.row) as items,
                   t.period as later
            from changed c join last_t t on t.entity_id = c.entity_id and t.period > c.period
            group by c.entity_id, c.period, c.src, t.period
            """,
            "entity_id, period",
        )
    )
    for r in rows:
        items = [str(i) for i in r["items"]]
        later = str(Period.from_code(int(r["later"])))

        def fields(lang: str, items: list[str] = items, later: str = later) -> dict[str, Any]:
            shown = items[:5]
            more = "" if len(items) <= 5 else pick(lang, "…", ", …")
            sep = pick(lang, "、", ", ")
            return {
                "later": later,
                "count": len(items),
                "items": sep.join(run.name(i, lang) for i in shown) + more,
            }

        run.add(
            rule,
            r,
            fields,
            items,
            expected=Text("修改已关闭的期间须提供 --reason", "--reason for restating a closed period"),
            found=Text(
                f"{len(items)} 个数字有变动；已报送 {later}", f"{len(items)} changed figure(s); {later} already filed"
            ),
        )


def _text_or_none(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None
