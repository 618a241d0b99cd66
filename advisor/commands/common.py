"""Option bundles and helpers shared by the commands.

Stage: commands.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Any, Callable

import click

from advisor.errors import InputError, Location
from advisor.i18n import N_, _

from .outputs import output_error

#: What a report file's suffix asks for (``advisor advise``).
REPORT_SUFFIXES = {".txt": "text", ".text": "text", ".json": "json", ".md": "markdown", ".markdown": "markdown",
                   ".html": "html", ".htm": "html", ".xhtml": "html"}

#: What to do instead when a suffix asks for a format no command writes.
INSTEAD = {
    ".pdf": N_("write HTML (-o report.html) and print it to PDF from any browser: the page has a print stylesheet"),
    ".png": N_("advisor graph PROFILE -o reasoning.png draws the reasoning as a picture"),
}


def knowledge_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--knowledge, --rules, --extra-rules and --no-cache, passed on as ``kb_options``."""

    @click.option("--knowledge", "knowledge", type=click.Path(file_okay=False, path_type=Path), default=None,
                  help="Folder of catalogs and profile fields (default: the shipped knowledge/).")
    @click.option("--rules", "rules", type=click.Path(path_type=Path), multiple=True,
                  help="Rule file or folder to use instead of the shipped rules/ (repeatable).")
    @click.option("--extra-rules", "extra_rules", type=click.Path(path_type=Path), multiple=True,
                  help="Rule file or folder to add to the rules (repeatable).")
    @click.option("--no-cache", is_flag=True, help="Do not read or write the compiled-rules cache.")
    @functools.wraps(func)
    def wrapper(*args: Any, knowledge: Path | None, rules: tuple[Path, ...], extra_rules: tuple[Path, ...],
                no_cache: bool, **kwargs: Any) -> Any:
        kwargs["kb_options"] = {
            "knowledge": knowledge,
            "rules": list(rules) if rules else None,
            "extra_rules": list(extra_rules),
            "use_cache": not no_cache,
        }
        return func(*args, **kwargs)

    return wrapper


def load_kb(kb_options: dict[str, Any]) -> Any:
    """The knowledge base the options name, its texts in the language chosen (``--lang``)."""
    from advisor import i18n
    from advisor.kb import load_knowledge_base, localize

    return localize(load_knowledge_base(**kb_options), i18n.current())


def _set_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    from advisor import i18n

    lang = value or i18n.from_environment()
    i18n.set_language(lang)
    return lang


def lang_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """--lang zh|en: the language of the output (default: the locale's, LC_ALL / LC_MESSAGES / LANG)."""
    from advisor.i18n import LANGUAGES

    return click.option("--lang", type=click.Choice(LANGUAGES), default=None, expose_value=False,
                        callback=_set_lang, is_eager=True,
                        help="Language of the output: zh (Chinese) or en (default: from LC_ALL, LC_MESSAGES or "
                             "LANG; zh_* is Chinese, anything else English).")(func)


def pick_format(fmt: str | None, output: str | None, suffixes: dict[str, str], default: str = "text", *,
                format_option: bool = True) -> str:
    """The output format: ``--format`` if given, else what ``-o``'s suffix names, else ``default``.

    The format is the same whether standard output is a terminal, a pipe or a file.
    A suffix that names no format the command writes, or another one than
    ``--format``, is refused (exit status 2) rather than written in a format the
    name does not say.
    """
    suffix = Path(output).suffix.lower() if output and output != "-" else ""
    named = suffixes.get(suffix)
    if fmt is None and not suffix:
        return default
    formats = sorted(set(suffixes.values()))
    listed = ", ".join(f"{name} ({', '.join(s for s, n in suffixes.items() if n == name)})" for name in formats)
    if fmt is not None:
        if suffix and named is not None and named != fmt:
            raise InputError(_("the name asks for {named} but --format asks for {format}").format(named=named, format=fmt),
                             code="E150", location=Location(str(output)),
                             expected=_("a file name ending in {suffix} for {format}").format(
                                 suffix=_suffix_of(fmt, suffixes), format=fmt))
        return fmt
    if named is None:
        hint = INSTEAD.get(suffix) or (N_("or name the format with --format") if format_option else None)
        message = (_("cannot write {kind} files").format(kind=suffix[1:].upper()) if suffix[1:] else
                   _("cannot write this files"))
        raise InputError(message, code="E150", location=Location(str(output)),
                         expected=_("one of: {choices}").format(choices=listed), hint=_(hint) if hint else None)
    return named


def _suffix_of(fmt: str, suffixes: dict[str, str]) -> str:
    return next((s for s, name in suffixes.items() if name == fmt), "")


def use_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never":
        return False
    return sys.stdout.isatty() and not _no_color()


def _no_color() -> bool:
    import os

    return bool(os.environ.get("NO_COLOR"))


def write_output(text: str | bytes, output: str | None) -> None:
    """Write to ``output`` (a file, atomically) or to standard output when it is None or ``-``.

    Bytes (a picture) are written as they are."""
    if output and output != "-":
        from advisor.io import write_atomic

        try:
            write_atomic(output, text)
        except OSError as exc:
            raise output_error(exc, output) from None
    else:
        # colour was decided by the caller (--color); never strip it here, never add it
        click.echo(text, nl=False, color=True)


def page_if_long(text: str, output: str | None, colored: bool) -> bool:
    """Show ``text`` through the pager ($PAGER, else less or more, as click finds them) when standard
    output is a terminal, no ``-o`` file is named and the text is longer than the screen; True if it did.

    Colour reaches ``less`` only with -R: click sets ``LESS=-R`` when the person has not chosen
    ``LESS`` flags of their own (and strips the colour when those flags leave -R out).
    """
    if (output and output != "-") or not _stdout_is_terminal():
        return False
    import shutil

    rows = shutil.get_terminal_size((80, 24)).lines
    if text.count("\n") < rows:
        return False
    click.echo_via_pager(text, color=None if colored else False)
    return True


def _stdout_is_terminal() -> bool:
    stream = sys.stdout
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError):
        return False


def color_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
                        help="Colour the text output.")(func)
