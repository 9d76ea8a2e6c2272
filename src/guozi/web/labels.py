"""The words the pages show for the codes in the data: entity attributes, categories, industries,
directions, statuses and severities — in Chinese and English, all in this one module.

Statuses of targets and loss-makers are the analyses' own tables (one place each); severities come
with the warnings (their rules file). Everything else a page may show as a code is here.
"""

from __future__ import annotations

from guozi.analyses.losses import STATUS_LABELS as LOSS_STATUS
from guozi.analyses.targets import STATUS_LABELS as TARGET_STATUS

__all__ = ["ATTRIBUTES", "CATEGORIES", "DIRECTIONS", "INDUSTRY_SECTIONS", "TABLES", "attribute_value", "label"]

# Entity attributes of the data contract (docs/spec/data-contract.md) and those the tree adds.
ATTRIBUTES: dict[str, tuple[str, str]] = {
    "entity_id": ("企业代码", "entity id"),
    "name": ("企业名称", "name"),
    "parent_id": ("上级企业", "parent"),
    "industry": ("所属行业", "industry"),
    "category": ("企业功能分类", "category"),
    "region": ("所在地区", "region"),
    "valid_from": ("起始期间", "valid from"),
    "valid_to": ("截止期间", "valid to"),
    "established": ("设立期间", "established"),
    "level": ("管理层级", "level"),
    "is_leaf": ("末级企业", "leaf"),
}

# 国有企业功能界定与分类 (2015): 商业一类 (competitive), 商业二类 (strategic), 公益类.
CATEGORIES: dict[str, tuple[str, str]] = {
    "commercial_competitive": ("商业一类", "commercial, competitive"),
    "commercial_strategic": ("商业二类", "commercial, strategic"),
    "public_welfare": ("公益类", "public welfare"),
}

# The better direction of an indicator (catalog/data/indicators.yaml ``direction``).
DIRECTIONS: dict[str, tuple[str, str]] = {
    "higher": ("越高越好", "higher is better"),
    "lower": ("越低越好", "lower is better"),
    "none": ("不判方向（观察指标）", "no direction (observed only)"),
}

# GB/T 4754-2017 门类 (sections): the letter an industry code starts with.
INDUSTRY_SECTIONS: dict[str, tuple[str, str]] = {
    "A": ("农、林、牧、渔业", "agriculture, forestry, animal husbandry and fishery"),
    "B": ("采矿业", "mining"),
    "C": ("制造业", "manufacturing"),
    "D": ("电力、热力、燃气及水生产和供应业", "electricity, heat, gas and water"),
    "E": ("建筑业", "construction"),
    "F": ("批发和零售业", "wholesale and retail"),
    "G": ("交通运输、仓储和邮政业", "transport, storage and post"),
    "H": ("住宿和餐饮业", "accommodation and catering"),
    "I": ("信息传输、软件和信息技术服务业", "information technology"),
    "J": ("金融业", "finance"),
    "K": ("房地产业", "real estate"),
    "L": ("租赁和商务服务业", "leasing and business services"),
    "M": ("科学研究和技术服务业", "research and technical services"),
    "N": ("水利、环境和公共设施管理业", "water, environment and public facilities"),
    "O": ("居民服务、修理和其他服务业", "household and other services"),
    "P": ("教育", "education"),
    "Q": ("卫生和社会工作", "health and social work"),
    "R": ("文化、体育和娱乐业", "culture, sports and entertainment"),
    "S": ("公共管理、社会保障和社会组织", "public administration"),
    "T": ("国际组织", "international organisations"),
}

BOOLEANS: dict[str, tuple[str, str]] = {"True": ("是", "yes"), "False": ("否", "no")}

TABLES: dict[str, dict[str, tuple[str, str]]] = {
    "attribute": ATTRIBUTES,
    "category": CATEGORIES,
    "direction": DIRECTIONS,
    "target_status": {k: (str(v[0]), str(v[1])) for k, v in TARGET_STATUS.items()},
    "loss_status": {k: (str(v[0]), str(v[1])) for k, v in LOSS_STATUS.items()},
    "boolean": BOOLEANS,
}


def label(table: str, code: object, lang: str) -> str:
    """The word for ``code`` in ``table`` in ``lang``; the code itself when the table has none."""
    words = TABLES.get(table, {}).get(str(code))
    if words is None:
        return "" if code is None else str(code)
    return words[0] if lang == "zh" else words[1]


def attribute_value(key: str, value: object, lang: str) -> str:
    """An entity attribute's value as a page shows it: categories, industries, levels and flags in words."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return label("boolean", str(value), lang)
    if key == "category":
        return label("category", value, lang)
    if key == "level":
        return f"第{value}级" if lang == "zh" else f"level {value}"
    if key == "industry":
        section = INDUSTRY_SECTIONS.get(str(value)[:1].upper())
        if section is None:
            return str(value)
        return f"{value}（{section[0]}）" if lang == "zh" else f"{value} ({section[1]})"
    return str(value)
