"""The parameters of benchmarking (``params/benchmark.yaml`` merged with a user's files) and the
reading of its data files (YAML, CSV or xlsx tables).
"""

from __future__ import annotations

import csv
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal, cast

from guozi.catalog.formula import parse
from guozi.catalog.model import UNITS, Catalog, Direction, Indicator
from guozi.catalog.params import files_of, layers, merge
from guozi.kernel.errors import CatalogError, FormulaError, GuoziError
from guozi.kernel.text import pick

BENCHMARK_FILE = "params/benchmark.yaml"


@dataclass(frozen=True)
class Band:
    """One band of a standard-value table and the score at its standard value."""

    code: str
    name_zh: str
    name_en: str
    score: float | None = None

    def name(self, lang: str) -> str:
        """The band's name in ``lang``."""
        return pick(lang, self.name_zh, self.name_en)


@dataclass(frozen=True)
class BenchmarkParams:
    """The parameters of ``params/benchmark.yaml``, merged with a user's override files."""

    peer_indicators: tuple[str, ...] | None  # None: the regime's indicators
    min_peers: int
    fallback_columns: tuple[str, ...]
    bands: tuple[Band, ...]  # best first
    below: Band  # a value worse than the last band's standard value
    below_rule: Literal["extrapolate", "zero"]
    floor: float
    ceiling: float
    weights: dict[str, Decimal]
    min_weight_share: Decimal
    sections: tuple[tuple[str, int, int], ...]  # (letter, first division, last division)
    world_indicators: tuple[str, ...]
    world_items: dict[str, str]
    extra: dict[str, Indicator]
    source: str
    files: tuple[str, ...]

    def section_of(self, code: str) -> str | None:
        """The GB/T 4754 section letter of an industry code (``C37`` → ``C``, ``37`` → ``C``)."""
        c = code.strip().upper()
        if not c:
            return None
        if c[0].isalpha():
            return c[0]
        if len(c) >= 2 and c[:2].isdigit():
            n = int(c[:2])
            for letter, lo, hi in self.sections:
                if lo <= n <= hi:
                    return letter
        return None

    def industry(self, code: object) -> str:
        """An industry code normalised: upper case, with its section letter (``37`` → ``C37``)."""
        c = clean_text(code).upper()
        if c and c[0].isdigit():
            letter = self.section_of(c)
            return f"{letter}{c}" if letter else c
        return c


REPLACED_KEYS = ("weights",)  # a user file's weights replace the shipped ones as a whole


def param_decimal(value: Any, path: str, what: str) -> Decimal:
    try:
        d = Decimal(str(value).strip())
    except InvalidOperation:
        raise CatalogError(
            f"{path}：{what} 不是数字：{value!r}", f"{path}: {what} is not a number: {value!r}"
        ) from None
    if not d.is_finite():
        raise CatalogError(f"{path}：{what} 不是有限数：{value!r}", f"{path}: {what} is not a finite number: {value!r}")
    return d


def band_of(entry: Any, path: str, *, scored: bool) -> Band:
    if not isinstance(entry, Mapping) or "code" not in entry:
        raise CatalogError(f"{path}：档次应有 code、name_zh、name_en", f"{path}: a band needs code, name_zh, name_en")
    score = float(param_decimal(entry["score"], path, f"band {entry['code']} score")) if scored else None
    return Band(
        str(entry["code"]), str(entry.get("name_zh", entry["code"])), str(entry.get("name_en", entry["code"])), score
    )


def _extra_indicator(entry: Mapping[str, Any], path: str, source: str) -> Indicator:
    code = str(entry.get("code", ""))
    unit = str(entry.get("unit", ""))
    if not code or unit not in UNITS or "formula" not in entry:
        raise CatalogError(
            f"{path}：附加指标 {code or '?'} 需要 code、unit（{'/'.join(UNITS)}）和 formula",
            f"{path}: extra indicator {code or '?'} needs code, unit (one of {UNITS}) and formula",
        )
    direction = str(entry.get("direction", "none"))
    if direction not in ("higher", "lower", "none"):
        raise CatalogError(
            f"{path}：附加指标 {code} 的 direction 应为 higher/lower/none",
            f"{path}: extra indicator {code}: direction must be higher, lower or none",
        )
    try:
        tree = parse(str(entry["formula"]))
    except FormulaError as exc:
        raise CatalogError(
            f"{path}：附加指标 {code}：{exc.message_zh}", f"{path}: extra indicator {code}: {exc.message_en}"
        ) from exc
    return Indicator(
        code=code,
        name_zh=str(entry.get("name_zh", code)),
        name_en=str(entry.get("name_en", entry.get("name_zh", code))),
        unit=unit,
        direction=cast(Direction, direction),
        formula=str(entry["formula"]),
        tree=tree,
        source=str(entry.get("source", source)),
        note=str(entry.get("note", "")),
        origin=path,
    )


def load_params(files: Sequence[Path] = (), *, catalog: Catalog | None = None) -> BenchmarkParams:
    """``params/benchmark.yaml`` in :func:`~guozi.catalog.params.layers` (``files``: ``--params``),
    merged key by key (the weights replaced as a whole)."""
    stack = layers(BENCHMARK_FILE, catalog=catalog, files=files)
    doc: dict[str, Any] = {}
    for layer in stack:
        doc = merge(doc, layer.doc, whole=REPLACED_KEYS)
    where = " + ".join(layer.origin for layer in stack)
    peers = doc.get("peers") or {}
    ind = peers.get("indicators", "regime")
    peer_indicators = None if ind in (None, "regime") else tuple(str(c) for c in ind)
    bands = tuple(band_of(b, where, scored=True) for b in doc.get("bands") or [])
    if len(bands) < 2:
        raise CatalogError(f"{where}：bands 至少需要两个档次", f"{where}: bands needs at least two bands")
    scores = [b.score for b in bands]
    if any(a is None or b is None or a < b for a, b in itertools.pairwise(scores)):
        raise CatalogError(
            f"{where}：各档得分应自优至差不增：{scores}",
            f"{where}: band scores must not rise from best to worst: {scores}",
        )
    rule = str(doc.get("below_lowest_rule", "extrapolate"))
    if rule not in ("extrapolate", "zero"):
        raise CatalogError(
            f"{where}：below_lowest_rule 应为 extrapolate 或 zero",
            f"{where}: below_lowest_rule must be extrapolate or zero",
        )
    sections: list[tuple[str, int, int]] = []
    for letter, span in (doc.get("sections") or {}).items():
        lo, _, hi = str(span).partition("-")
        sections.append((str(letter).upper(), int(lo), int(hi or lo)))
    weights = {str(k): param_decimal(v, where, f"weight of {k}") for k, v in (doc.get("weights") or {}).items()}
    if any(w < 0 for w in weights.values()):
        raise CatalogError(f"{where}：权重不能为负", f"{where}: weights must not be negative")
    world = doc.get("world") or {}
    source = str(doc.get("source", Path(stack[0].file).name))
    extra = {}
    for entry in doc.get("indicators") or []:
        e = _extra_indicator(entry, where, source)
        extra[e.code] = e
    return BenchmarkParams(
        peer_indicators=peer_indicators,
        min_peers=int(peers.get("min_peers", 5)),
        fallback_columns=tuple(str(c) for c in peers.get("fallback_columns") or ()),
        bands=bands,
        below=band_of(doc.get("below_lowest") or {"code": "below"}, where, scored=False),
        below_rule=cast(Literal["extrapolate", "zero"], rule),
        floor=float(param_decimal(doc.get("score_floor", 0), where, "score_floor")),
        ceiling=float(param_decimal(doc.get("score_ceiling", 100), where, "score_ceiling")),
        weights=weights,
        min_weight_share=param_decimal(
            (doc.get("overall") or {}).get("min_weight_share", 0), where, "min_weight_share"
        ),
        sections=tuple(sections),
        world_indicators=tuple(str(c) for c in world.get("indicators") or ()),
        world_items={str(k): str(v) for k, v in (world.get("items") or {}).items()},
        extra=extra,
        source=source,
        files=files_of(stack),
    )


def clean_text(v: object) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return str(v).strip()


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(line or row number, record) of a CSV (lines starting with ``#`` are comments) or xlsx file."""
    if path.suffix.lower() == ".xlsx":
        import openpyxl  # noqa: PLC0415 - openpyxl (0.2 s to import) only when a peer file is .xlsx

        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        sheet = wb.worksheets[0]
        cells = [[clean_text(c) for c in row] for row in sheet.iter_rows(values_only=True)]
        wb.close()
        numbered = [(i, r) for i, r in enumerate(cells, start=1) if any(r) and not r[0].startswith("#")]
    else:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise GuoziError(f"无法读取 {path}：{exc}", f"cannot read {path}: {exc}") from exc
        lines = [
            (i, ln) for i, ln in enumerate(text.splitlines(), start=1) if ln.strip() and not ln.lstrip().startswith("#")
        ]
        parsed = list(csv.reader([ln for _, ln in lines]))
        numbered = [(lines[k][0], [c.strip() for c in row]) for k, row in enumerate(parsed)]
    if not numbered:
        return []
    header = [h.strip() for h in numbered[0][1]]
    return [(i, dict(zip(header, row + [""] * (len(header) - len(row)), strict=False))) for i, row in numbered[1:]]
