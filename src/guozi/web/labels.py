"""The words the pages show for the codes in the data: entity attributes, categories, industries,
directions, statuses and severities — in Chinese and English, all in this one module.

Statuses of targets and loss-makers are the analyses' own tables (one place each); severities come
with the warnings (their rules file). Everything else a page may show as a code is here.
"""

from __future__ import annotations

from guozi.analyses.losses import STATUS_LABELS as LOSS_STATUS
from guozi.analyses.targets import STATUS_LABELS as TARGET_STATUS
from guozi.kernel.text import pick

__all__ = [
    "ACTIONS",
    "ATTRIBUTES",
    "CATALOG_ZH",
    "CATEGORIES",
    "DIRECTIONS",
    "INDUSTRY_SECTIONS",
    "ROLES",
    "TABLES",
    "attribute_value",
    "catalog_text",
    "label",
]

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

ROLES: dict[str, tuple[str, str]] = {
    "admin": ("管理员", "admin"),
    "supervisor": ("监管", "supervisor"),
    "filer": ("填报", "filer"),
    "viewer": ("查看", "viewer"),
}

# The audit log's actions (guozi.workspace.accounts, .review; guozi.web.auth).
ACTIONS: dict[str, tuple[str, str]] = {
    "session.start": ("登录", "signed in"),
    "session.end": ("退出登录", "signed out"),
    "user.add": ("新增用户", "user added"),
    "user.update": ("修改用户", "user changed"),
    "submission.upload": ("上传填报文件", "file uploaded"),
    "submission.submit": ("提交审核", "submitted"),
    "submission.check": ("初审通过", "checked (first of two reviews)"),
    "submission.approve": ("审核通过", "approved"),
    "submission.return": ("退回修改", "returned"),
    "submission.withdraw": ("撤回草稿", "draft withdrawn"),
}

# The catalog's sources and notes are written in English (catalog/data/indicators.yaml,
# eva_indicators.yaml); a Chinese page shows them in Chinese. Keyed by the English text itself, so a
# changed note shows as written until it is translated here, never a stale translation.
CATALOG_ZH: dict[str, str] = {
    "guozi shared spec indicators.md (SASAC leaders' meetings Jan 2023, Dec 2023, Dec 2024; SCIO 2023-02-23, "
    "2024-01-24)": "guozi 共享规范 indicators.md（国资委中央企业负责人会议 2023年1月、2023年12月、2024年12月；"
    "国新办新闻发布会 2023-02-23、2024-01-24）",
    "guozi shared spec indicators.md, section Economic value added; SASAC EVA rules as summarised there": (
        "guozi 共享规范 indicators.md「经济增加值」一节；国资委经济增加值考核规则（据该节摘要）"
    ),
    "guozi shared spec indicators.md: SASAC central-enterprise leaders' meetings (Xinhua, People's Daily, "
    "证券时报); SCIO press conferences 2023-02-23 and 2024-01-24": "guozi 共享规范 indicators.md：国资委中央企业"
    "负责人会议（新华社、人民日报、证券时报报道）；国新办新闻发布会 2023-02-23、2024-01-24",
    "企业绩效评价标准值 (SASAC), 偿债能力状况": "国资委《企业绩效评价标准值》，偿债能力状况",
    "企业绩效评价标准值 (SASAC), 盈利能力状况: 成本费用总额 = 营业成本 + 税金及附加 + 销售费用 + 管理费用 + 研发费用 + 财务费用": (
        "国资委《企业绩效评价标准值》，盈利能力状况：成本费用总额 = 营业成本 + 税金及附加 + 销售费用 + 管理费用 + 研发费用 + 财务费用"
    ),
    "the 《中央企业综合绩效评价实施细则》 (2006) total with 研发费用, a line of the income statement since 2018; not "
    "confirmed from the primary text; a missing line leaves the total missing (never read as zero)": (
        "《中央企业综合绩效评价实施细则》（2006）口径，加上2018年起利润表单列的研发费用；未经原文核实；任一项缺数则总额缺数（不按零计）"
    ),
    "企业绩效评价标准值 (SASAC), 盈利能力状况: 成本费用利润率 = 利润总额 ÷ 成本费用总额 × 100%": (
        "国资委《企业绩效评价标准值》，盈利能力状况：成本费用利润率 = 利润总额 ÷ 成本费用总额 × 100%"
    ),
    "over several entities Σ利润总额 ÷ Σ成本费用总额": "多户合计时为 Σ利润总额 ÷ Σ成本费用总额",
    "at period end, never averaged": "期末数，不取平均",
    "year to date, not annualised; average equity = (opening + closing) / 2": (
        "本年累计，不年化；平均净资产 =（年初 + 期末）÷ 2"
    ),
    "what SASAC publishes for part years; its exact method is not published (guozi scales linearly)": (
        "国资委公布的年度中期口径；其确切算法未公布（guozi 按月线性折算）"
    ),
    "income approach; the reported value_added where given, else the sum of its four components, entity by entity": (
        "收入法；有上报的增加值即用之，否则逐户取其四项构成之和"
    ),
    "employees_avg where given, else (opening + closing) / 2, entity by entity": (
        "有上报的平均从业人员即用之，否则逐户取（年初 + 期末）÷ 2"
    ),
    "linear scaling of the year-to-date value": "按本年累计值线性折算为全年",
    "2025 regime; definition not confirmed officially": "2025 年考核体系；定义尚无官方确认",
    "2025 regime; definition not confirmed officially. The second definition in print is "
    "cash_collection_ratio_inflow": "2025 年考核体系；定义尚无官方确认。另一种见诸文献的口径为"
    "营业收现率（经营活动现金流入口径，cash_collection_ratio_inflow）",
    "guozi shared spec indicators.md (Corrections and additions, December 2026): 经营活动现金流入 ÷ 营业收入, "
    "as a 国资 official quoted by 经济观察报 defines it; one central enterprise's 2026 target of 106.27 % uses "
    "it": "guozi 共享规范 indicators.md（2026 年 12 月更正与补充）：经营活动现金流入 ÷ 营业收入，据《经济观察报》"
    "引述的国资监管人士定义；有一家中央企业的 2026 年目标 106.27% 按此口径",
    "the second definition in print; the default cash_collection_ratio is 销售商品、提供劳务收到的现金 ÷ 营业收入. "
    "To assess on this one, give a catalogue file that redefines cash_collection_ratio with formula: "
    "cash_collection_ratio_inflow (README, The catalogue)": "见诸文献的第二种口径；默认的营业收现率为"
    "销售商品、提供劳务收到的现金 ÷ 营业收入。如按本口径考核，请提供一个指标目录文件，将 cash_collection_ratio 的"
    "公式改为 cash_collection_ratio_inflow（见 README「指标目录」）",
    "matches SASAC's published aggregates (2021 6.8%); some texts use operating_profit instead": (
        "与国资委公布的汇总数一致（2021 年 6.8%）；部分文献以营业利润代替"
    ),
    "computed by guozi's EVA module with parameters by year (params/eva.yaml); adjusted capital and the weighted "
    "cost are not confirmed from the primary text": "由 guozi 经济增加值模块按年度参数（params/eva.yaml）计算；"
    "调整后资本与加权资本成本率尚未从原始文件确认",
    "the R&D adjustment is the expensed R&D of the income statement (guozi spec)": (
        "研发调整项为利润表中费用化的研发支出（guozi 规范）"
    ),
    "(opening + closing) / 2, including minority interests": "（年初 + 期末）÷ 2，含少数股东权益",
    'the debt ratio at the end of the previous December; the reference for "rose on the prior year"': (
        "上年 12 月末的资产负债率；判断「较上年上升」的基准"
    ),
}


def catalog_text(text: str, lang: str) -> str:
    """A catalog source or note in ``lang``: its Chinese on a Chinese page where there is one."""
    return pick(lang, CATALOG_ZH.get(text, text), text)


TABLES: dict[str, dict[str, tuple[str, str]]] = {
    "attribute": ATTRIBUTES,
    "category": CATEGORIES,
    "direction": DIRECTIONS,
    "target_status": {k: (str(v[0]), str(v[1])) for k, v in TARGET_STATUS.items()},
    "loss_status": {k: (str(v[0]), str(v[1])) for k, v in LOSS_STATUS.items()},
    "boolean": BOOLEANS,
    "role": ROLES,
    "action": ACTIONS,
}


def label(table: str, code: object, lang: str) -> str:
    """The word for ``code`` in ``table`` in ``lang``; the code itself when the table has none."""
    words = TABLES.get(table, {}).get(str(code))
    if words is None:
        return "" if code is None else str(code)
    return pick(lang, words[0], words[1])


def attribute_value(key: str, value: object, lang: str) -> str:
    """An entity attribute's value as a page shows it: categories, industries, levels and flags in words."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return label("boolean", str(value), lang)
    if key == "category":
        return label("category", value, lang)
    if key == "level":
        return pick(lang, f"第{value}级", f"level {value}")
    if key == "industry":
        section = INDUSTRY_SECTIONS.get(str(value)[:1].upper())
        if section is None:
            return str(value)
        return pick(lang, f"{value}（{section[0]}）", f"{value} ({section[1]})")
    return str(value)
