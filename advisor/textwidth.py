"""Text measured and wrapped by display columns, so Chinese lines fit a terminal as English ones do.

A CJK character (East Asian width ``W`` or ``F``, from :mod:`unicodedata`) takes two
columns of a terminal, everything else one (combining marks aside, which the
advisor's texts do not use). :func:`wrap` breaks Chinese between any two
characters, never before closing punctuation (，。、；：）」” ...) nor after opening
punctuation (（「“ ...), and keeps a run of Latin letters or digits whole, as
:mod:`textwrap` does for words. Text with no wide character is wrapped by
:func:`textwrap.wrap` itself, so English output is unchanged to the byte.

Stage: base (render and the interview both wrap).
"""

from __future__ import annotations

import re
import textwrap
import unicodedata

__all__ = ["columns", "ljust", "wrap"]

#: may not begin a line (they close what comes before them)
_CLOSING = set("，。、；：？！）》」』】〕〉”’…—·%,.;:?!)]}")
#: may not end a line (they open what comes after them)
_OPENING = set("（《「『【〔〈“‘([{")
_TOKENS = re.compile(r"\s+|[^\s]")


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def columns(text: str) -> int:
    """The columns ``text`` takes on a terminal.

    >>> columns("SEO"), columns("搜索引擎优化"), columns("SEO（搜索）")
    (3, 12, 11)
    """
    return sum(2 if _wide(c) else 1 for c in text)


def ljust(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` columns (as ``str.ljust`` counts characters)."""
    return text + " " * max(0, width - columns(text))


def _units(text: str) -> list[str]:
    """Unbreakable pieces: runs of spaces, runs of narrow characters, single wide characters, with
    closing punctuation glued to what precedes it and opening punctuation to what follows."""
    units: list[str] = []
    for char in _TOKENS.findall(text):
        if len(units) > 1 and units[-1].isspace() and _wide(char) and _wide(units[-2][-1]):
            units.pop()  # no space between two Chinese characters (a line joined again for re-wrapping)
        if char.isspace():
            if units and units[-1].isspace():
                units[-1] += char
            else:
                units.append(char)
        elif units and not units[-1].isspace() and (char in _CLOSING or units[-1][-1] in _OPENING
                                                   or (not _wide(char) and not _wide(units[-1][-1]))):
            units[-1] += char
        else:
            units.append(char)
    return units


def wrap(text: str, width: int, break_long_words: bool = True, subsequent_indent: str = "") -> list[str]:
    """``text`` in lines of at most ``width`` columns (a single word wider than that is cut, unless
    ``break_long_words`` is false: then it stands alone on a longer line); lines after the first
    start with ``subsequent_indent``, counted in the width.

    >>> wrap("先做这个，再做那个。然后检查效果", 10)
    ['先做这个，', '再做那个。', '然后检查效', '果']
    >>> wrap("plain English text", 10) == textwrap.wrap("plain English text", 10, break_on_hyphens=False)
    True
    """
    width = max(1, width)
    if not any(_wide(c) for c in text):
        return textwrap.wrap(text, width=width, break_on_hyphens=False, break_long_words=break_long_words,
                             subsequent_indent=subsequent_indent)
    if subsequent_indent:
        first, *rest = wrap(text, width, break_long_words) or [""]
        room = width - columns(subsequent_indent)
        return [first] + [subsequent_indent + line for line in wrap(" ".join(rest), room, break_long_words)]
    lines: list[str] = []
    line, used = "", 0
    for unit in _units(" ".join(text.split())):
        size = columns(unit)
        if unit.isspace():
            if line and used + size <= width:
                line, used = line + unit, used + size
            elif line:
                lines.append(line.rstrip())
                line, used = "", 0
            continue
        if used + size > width and line:
            lines.append(line.rstrip())
            line, used = "", 0
        while size > width and (break_long_words or any(_wide(c) for c in unit)):  # a unit wider than a line: cut it by columns
            cut, taken = "", 0
            for char in unit:
                if taken + columns(char) > width - used:
                    break
                cut, taken = cut + char, taken + columns(char)
            if not cut and not line:
                cut, taken = unit[0], columns(unit[0])
            lines.append((line + cut).rstrip())
            line, used = "", 0
            unit = unit[len(cut):]
            size = columns(unit)
        line, used = line + unit, used + size
    if line.strip():
        lines.append(line.rstrip())
    return lines
