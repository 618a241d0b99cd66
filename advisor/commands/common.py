"""Option bundles and helpers shared by the commands.

Stage: commands.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Any, Callable

import click

from .outputs import output_error

FORMAT_BY_SUFFIX = {".json": "json", ".md": "markdown", ".markdown": "markdown", ".txt": "text", ".html": "html",
                    ".htm": "html"}


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
    from advisor.kb import load_knowledge_base

    return load_knowledge_base(**kb_options)


def pick_format(fmt: str | None, output: str | None, choices: tuple[str, ...]) -> str:
    """The output format: the one asked for, else from -o's suffix, else text on a terminal and JSON otherwise."""
    if fmt:
        return fmt
    if output and output != "-":
        guessed = FORMAT_BY_SUFFIX.get(Path(output).suffix.lower())
        if guessed in choices:
            return guessed
        return "text"
    return "text" if sys.stdout.isatty() else "json"


def use_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never":
        return False
    return sys.stdout.isatty() and not _no_color()


def _no_color() -> bool:
    import os

    return bool(os.environ.get("NO_COLOR"))


def write_output(text: str, output: str | None) -> None:
    """Write to ``output`` (a file, atomically) or to standard output when it is None or ``-``."""
    if output and output != "-":
        from advisor.io import write_atomic

        try:
            write_atomic(output, text)
        except OSError as exc:
            raise output_error(exc, output) from None
    else:
        # colour was decided by the caller (--color); never strip it here, never add it
        click.echo(text, nl=False, color=True)


def color_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
                        help="Colour the text output.")(func)
