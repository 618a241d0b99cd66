"""The language the advisor speaks: English, or Simplified Chinese (``zh``).

Fixed texts of the CLI, the reports and the interview go through :func:`_`, the
standard gettext call, with the ``advisor`` domain's catalogue of
``advisor/locale/<lang>/LC_MESSAGES/advisor.po``, compiled to ``advisor.mo``
beside it (shipped; ``tests/test_i18n.py`` fails when the ``.mo`` lags behind
the ``.po``). The knowledge base's own texts are translated separately, by id
(:mod:`advisor.kb.translations`).

The language is chosen once per command (``--lang``, else the environment's
locale: ``LC_ALL``, ``LC_MESSAGES``, ``LANG``, the first one set; ``zh...`` is
Chinese, anything else - ``C``, ``POSIX``, ``en_GB.UTF-8`` - English) and held
in a context variable, so the same input in the same language gives the same
bytes whatever the machine.

Stage: base (beside errors and version; every stage may call :func:`_`).
"""

from __future__ import annotations

import contextvars
import gettext as _gettext
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Iterator, Mapping

__all__ = ["LANGUAGES", "N_", "_", "current", "from_environment", "ngettext", "set_language", "use_language"]

#: The languages the advisor speaks, English first (the original).
LANGUAGES = ("en", "zh")
DOMAIN = "advisor"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_LANG: contextvars.ContextVar[str] = contextvars.ContextVar("advisor_lang", default="en")


def from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The language the locale settings ask for: ``zh`` for a ``zh_*`` locale, else ``en``.

    >>> from_environment({"LANG": "zh_CN.UTF-8"}), from_environment({"LANG": "C"})
    ('zh', 'en')
    >>> from_environment({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"})
    'en'
    """
    if environ is None:
        import os

        environ = os.environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def set_language(lang: str) -> None:
    """Speak ``lang`` from now on (in this context)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of: {', '.join(LANGUAGES)}")
    _LANG.set(lang)


def current() -> str:
    """The language in use."""
    return _LANG.get()


@contextmanager
def use_language(lang: str) -> Iterator[None]:
    """Speak ``lang`` inside the block."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of: {', '.join(LANGUAGES)}")
    token = _LANG.set(lang)
    try:
        yield
    finally:
        _LANG.reset(token)


@lru_cache(maxsize=None)
def _catalogue(lang: str) -> _gettext.NullTranslations:
    if lang == "en":
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[lang], fallback=True)


def _(message: str) -> str:
    """``message`` in the current language (itself when no translation exists)."""
    lang = _LANG.get()
    # English is the messages' own language: no catalogue to consult (a report calls this hundreds of times)
    return message if lang == "en" else _catalogue(lang).gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it (tables of words, translated where shown)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form of a message for ``n``, in the current language."""
    lang = _LANG.get()
    if lang == "en":
        return singular if n == 1 else plural
    return _catalogue(lang).ngettext(singular, plural, n)
