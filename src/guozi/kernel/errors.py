"""Errors as values: problems with a code, both languages and a location.

Every error guozi raises on purpose is a :class:`GuoziError` and carries a stable code from the
one registry below, :data:`ERROR_CODES` (``GZ-<AREA>-<NNN>``; docs/errors.md lists them). A code
names the kind of error, so scripts and support can rely on it while messages are reworded; a new
error class takes a new code here, and a code is never reused for another meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, TypedDict

from guozi.kernel.text import Text, pick


class Severity(StrEnum):
    """How a problem affects an import (强制 / 核实 / 提示)."""

    BLOCKING = "blocking"  # 强制: the input is refused
    VERIFY = "verify"  # 核实: accepted only with a written explanation
    NOTICE = "notice"  # 提示: reported only

    def label(self, lang: str) -> str:
        """The severity's name in the user's language."""
        return SEVERITY_LABELS[self].in_(lang)


SEVERITY_LABELS: dict[Severity, Text] = {
    Severity.BLOCKING: Text("强制", "blocking"),
    Severity.VERIFY: Text("核实", "verify"),
    Severity.NOTICE: Text("提示", "notice"),
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as the input allows.

    ``row`` is the spreadsheet row number (the header is row 1), so a user can go straight
    to it in Excel; ``None`` where the problem concerns a whole file or several rows. ``entity``,
    ``period`` and ``item`` name what the row is about, where it gives them ("" otherwise).

    ``expected`` and ``found`` are what the cell should hold and what it holds: values, codes and
    formulas read alike in both languages, words do not, so where they are words ``expected_zh``
    and ``found_zh`` hold the Chinese (``expected``/``found`` the English). Build them with
    :func:`worded`; read them with :meth:`expected_in` / :meth:`found_in`.
    """

    rule: str
    message_zh: str
    message_en: str
    file: str = ""
    row: int | None = None
    column: str = ""
    expected: str = ""
    found: str = ""
    severity: Severity = Severity.BLOCKING
    sheet: str = ""
    expected_zh: str = ""  # ``expected`` in Chinese where it is words; "" where it reads alike
    found_zh: str = ""
    # what the row is about, when it says: the entity, the period (YYYY-MM, or as written) and the item
    entity: str = ""
    period: str = ""
    item: str = ""

    def message(self, lang: str) -> str:
        """The message in ``lang`` (``zh`` or ``en``)."""
        return pick(lang, self.message_zh, self.message_en)

    def expected_in(self, lang: str) -> str:
        """What the input should hold, in ``lang``."""
        return pick(lang, self.expected_zh or self.expected, self.expected)

    def found_in(self, lang: str) -> str:
        """What the input holds, in ``lang``."""
        return pick(lang, self.found_zh or self.found, self.found)

    def location(self, lang: str) -> str:
        """File, sheet, row and column as one readable string."""
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(self.sheet)
        if self.row is not None:
            parts.append(pick(lang, f"第{self.row}行", f"row {self.row}"))
        if self.column:
            parts.append(pick(lang, f"{self.column}列", f"column {self.column}"))
        return pick(lang, " ".join(parts), ", ".join(parts))

    def as_dict(self, lang: str = "zh") -> dict[str, Any]:
        """A flat record for csv, json and xlsx output; ``expected`` and ``found`` in ``lang``."""
        return {
            "severity": self.severity.value,
            "rule": self.rule,
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "expected": self.expected_in(lang),
            "found": self.found_in(lang),
            "message": self.message(lang),
            "entity": self.entity,
            "period": self.period,
            "item": self.item,
        }


class Worded(TypedDict, total=False):
    """The ``expected``/``found`` fields of a :class:`Problem`, as :func:`worded` gives them."""

    expected: str
    found: str
    expected_zh: str
    found_zh: str


def worded(expected: str | Text = "", found: str | Text = "") -> Worded:
    """The ``expected``/``found`` fields of a :class:`Problem`: a plain string reads alike in both
    languages, a :class:`Text` is words in each (``Problem(..., **worded(Text("数值", "a number"), x))``)."""
    out = Worded(expected=expected if isinstance(expected, str) else expected.en)
    out["found"] = found if isinstance(found, str) else found.en
    if isinstance(expected, Text):
        out["expected_zh"] = expected.zh
    if isinstance(found, Text):
        out["found_zh"] = found.zh
    return out


@dataclass(frozen=True)
class ErrorCode:
    """A kind of error: its stable code, what it means in both languages and the CLI's exit status."""

    code: str
    meaning: Text
    exit_status: int = 2  # 2: the request or its input is wrong and nothing was written; 1: guozi's fault


# the kinds of error: code, meaning in Chinese, meaning in English (docs/errors.md lists them)
_KINDS = (
    ("GZ-USAGE-001", "选项、参数或状态不对，请求无法执行", "a bad option, value or state in the request"),
    ("GZ-INPUT-001", "输入文件不符合数据约定（逐条列出问题）", "input files break the data contract"),
    ("GZ-INPUT-002", "需核实的问题缺少书面说明", "problems to verify lack a written explanation"),
    ("GZ-INPUT-003", "上传文件在读取前被拒绝", "an upload refused before it was read"),
    ("GZ-CATALOG-001", "目录或参数文件有误", "a catalogue or parameter file is malformed"),
    ("GZ-CATALOG-002", "公式无法解析或引用了未知名称", "a formula does not parse or names the unknown"),
    ("GZ-LOOKUP-001", "所查的企业、期间、指标或记录不存在", "what was asked for does not exist"),
    ("GZ-ACCESS-001", "角色不允许此操作", "the user's role does not allow this step"),
    ("GZ-ACCESS-002", "需要先登录", "signing in is needed first"),
    ("GZ-REVIEW-001", "报送状态不允许此操作", "the submission's status does not allow this step"),
    ("GZ-DEMO-001", "公开数据的单位未知", "a unit of the public figures is unknown"),
    ("GZ-DEMO-002", "公开数据的公司没有行业分类", "a company of the public figures has no industry"),
    ("GZ-INTERNAL-001", "内部错误（请报告此问题）", "an internal error (please report it)"),
)
ERROR_CODES: dict[str, ErrorCode] = {
    code: ErrorCode(code, Text(zh, en), 1 if code == "GZ-INTERNAL-001" else 2) for code, zh, en in _KINDS
}
INTERNAL_ERROR = ERROR_CODES["GZ-INTERNAL-001"]  # what the shells answer for an error that is not a GuoziError
_CLASSES: dict[str, str] = {}  # code → the qualified name of the one class that carries it


class GuoziError(Exception):
    """Base class of guozi's errors; ``message_zh``/``message_en`` say what went wrong, ``code`` its kind.

    A subclass names its own code from :data:`ERROR_CODES` (``code = "GZ-…"``), checked when the
    class is defined: a code missing from the registry, or carried by another class, is refused.
    """

    code: ClassVar[str] = "GZ-USAGE-001"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _register(cls)

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en

    def message(self, lang: str) -> str:
        """The message in ``lang``."""
        return pick(lang, self.message_zh, self.message_en)

    def coded(self, lang: str) -> str:
        """The code and the message in ``lang``, as the shells print it: ``GZ-LOOKUP-001 未知指标：x``."""
        return f"{self.code} {self.message(lang)}"


def _register(cls: type[GuoziError]) -> None:
    name = f"{cls.__module__}.{cls.__qualname__}"
    if "code" not in cls.__dict__:
        raise TypeError(f"{name} must name its own error code (kernel.errors.ERROR_CODES)")
    if cls.code not in ERROR_CODES:
        raise TypeError(f"{name}: error code {cls.code} is not in kernel.errors.ERROR_CODES")
    if _CLASSES.setdefault(cls.code, name) != name:
        raise TypeError(f"{name}: error code {cls.code} is already carried by {_CLASSES[cls.code]}")


_register(GuoziError)


@dataclass
class InvalidInputError(GuoziError):
    """The input breaks the contract; ``problems`` lists every problem found."""

    code: ClassVar[str] = "GZ-INPUT-001"
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        n = len(self.problems)
        GuoziError.__init__(
            self, f"输入有 {n} 个问题，未写入任何数据", f"{n} problem(s) in the input; nothing was written"
        )


class CatalogError(GuoziError):
    """A catalogue file is malformed or refers to something unknown."""

    code: ClassVar[str] = "GZ-CATALOG-001"


class FormulaError(CatalogError):
    """A formula does not parse or refers to an unknown name."""

    code: ClassVar[str] = "GZ-CATALOG-002"


class NotFoundError(GuoziError):
    """An entity, period or indicator asked for does not exist."""

    code: ClassVar[str] = "GZ-LOOKUP-001"
