"""Bilingual text: every word a user reads exists in Chinese and English, and this is the one place
that chooses between them.

    pick(lang, "本期", "this period")      # one choice, in a sentence or a format string
    LABEL = Text("本期", "this period")     # a label kept as data (tables of labels: dict[str, Text])
    LABEL(lang) == LABEL.in_(lang)

The supported languages are :data:`LANGS`; any other value is refused with :class:`UnknownLanguage`
(a ``ValueError``), never quietly shown in English. The shells check a user's ``--lang`` or ``?lang=``
at the edge, so reaching it here is a bug in guozi, not bad input.
"""

from __future__ import annotations

from typing import Final, Literal, NamedTuple, TypeVar

Lang = Literal["zh", "en"]
LANGS: Final[tuple[Lang, ...]] = ("zh", "en")  # the first is the default: interfaces are zh-CN first
DEFAULT_LANG: Final[Lang] = LANGS[0]

T = TypeVar("T")


class UnknownLanguage(ValueError):  # noqa: N818  (a ValueError: a programming error, not bad input)
    """A language guozi does not speak was asked for."""

    def __init__(self, lang: object) -> None:
        choices = "、".join(LANGS)
        super().__init__(f"不支持的语言 {lang!r}，应为 {choices} / unknown language {lang!r}; expected one of {LANGS}")
        self.lang = lang


def check_lang(lang: str) -> Lang:
    """``lang`` if guozi speaks it, else :class:`UnknownLanguage`."""
    if lang == "zh":
        return "zh"
    if lang == "en":
        return "en"
    raise UnknownLanguage(lang)


def is_zh(lang: str) -> bool:
    """Whether ``lang`` is Chinese (an unknown ``lang`` is refused, not taken for English)."""
    return check_lang(lang) == "zh"


def pick(lang: str, zh: T, en: T) -> T:
    """``zh`` or ``en`` by ``lang``. Both are evaluated: pass values, not work with side effects."""
    return zh if is_zh(lang) else en


class Text(NamedTuple):
    """A phrase in both languages; ``text(lang)`` or ``text.in_(lang)`` is the one to show.

    A named pair, so frozen and compared by value, and a table of labels (``dict[str, Text]``) can
    still be read as pairs: ``zh, en = LABELS[code]``.
    """

    zh: str
    en: str

    def in_(self, lang: str) -> str:
        """The phrase in ``lang``."""
        return pick(lang, self.zh, self.en)

    def __call__(self, lang: str) -> str:
        return self.in_(lang)
