"""Where the catalogue's files are, which of them are the user's own, and the one reader of a YAML file.

Every YAML file of the catalogue, shipped or the user's, is read by :func:`read_yaml`: the
catalogue (:func:`guozi.catalog.load.load_catalog`) and every parameter file
(:func:`guozi.catalog.params.layers`). The order in which they apply is the override rule of
:mod:`guozi.catalog.params`.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import yaml

from guozi.kernel.errors import CatalogError

if TYPE_CHECKING:
    from guozi.catalog.model import Catalog

__all__ = ["CATALOG_ENV", "SHIPPED", "catalog_files", "data_path", "read_yaml", "user_files"]

SHIPPED = ("items.yaml", "indicators.yaml", "eva_indicators.yaml", "regimes.yaml")  # the catalogue proper
CATALOG_ENV = "GUOZI_CATALOG"  # stands for --catalog when the option is not given (several: os.pathsep)

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: parsing dominated load time
_PARSED: dict[tuple[str, int, int], dict[str, Any]] = {}


def data_path(name: str) -> Path:
    """The path of a file shipped in ``guozi/catalog/data``."""
    return Path(str(resources.files("guozi.catalog") / "data" / name))


def read_yaml(path: Path) -> dict[str, Any]:
    """A YAML mapping, or :class:`CatalogError` naming the file (parsed once per file version)."""
    try:
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        if key in _PARSED:
            return copy.deepcopy(_PARSED[key])
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # a safe loader (C or Python)
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"无法读取文件 {path}：{exc}", f"cannot read {path}: {exc}") from exc
    if doc is None:
        doc = {}
    if not isinstance(doc, dict):
        raise CatalogError(f"文件 {path} 应为映射（键: 值）", f"{path} must be a mapping")
    _PARSED[key] = doc
    return copy.deepcopy(cast(dict[str, Any], doc))


def catalog_files(given: Sequence[Path] = ()) -> list[Path]:
    """The user's own catalogue files: ``given`` (``--catalog``), else those of ``$GUOZI_CATALOG``; a
    folder stands for its ``*.yaml`` files in the order of their names (a ``form.yaml`` among them is
    the user's form: :mod:`guozi.catalog.form`)."""
    paths = [Path(p) for p in given] or [Path(p) for p in os.environ.get(CATALOG_ENV, "").split(os.pathsep) if p]
    out: list[Path] = []
    for p in paths:
        out.extend(
            sorted(x for x in p.iterdir() if x.suffix in (".yaml", ".yml") and x.is_file()) if p.is_dir() else [p]
        )
    return out


def user_files(catalog: Catalog) -> list[Path]:
    """The user's own catalogue files of ``catalog`` (those read after the shipped ones), in order."""
    shipped = {str(data_path(n)) for n in SHIPPED}
    return [Path(f) for f in catalog.files if f not in shipped]
