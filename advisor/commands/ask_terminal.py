"""The edges of `advisor ask`: the screen it talks on and the file it saves to.

:class:`Screen` writes the conversation and reads answers from a terminal
(with line editing) or a pipe; :class:`Saver` writes the interview as a
profile, atomically, after every step.

Stage: commands.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path
from typing import Any

import click

from advisor.interview import Interview
from advisor.textwidth import columns as text_columns
from advisor.textwidth import ljust, wrap

__all__ = ["Screen", "Saver", "columns"]

_STYLES = {"head": {"fg": "cyan", "bold": True}, "question": {"bold": True}, "dim": {"dim": True},
           "warn": {"fg": "yellow"}, "good": {"fg": "green"}}


class Screen:
    """Writes the conversation and reads answers: a terminal, or lines from a pipe (echoed).

    The conversation goes to standard output on a terminal; when standard
    output is redirected it goes to standard error, so that
    ``advisor ask > report.txt`` shows the questions and files only the report.
    """

    def __init__(self, width: int, color: bool, interactive: bool, to_stderr: bool = False) -> None:
        self.width, self.color, self.interactive, self.to_stderr = width, color, interactive, to_stderr
        self._readline = False

    def echo(self, text: str = "", nl: bool = True) -> None:
        click.echo(text, nl=nl, err=self.to_stderr)

    def say(self, text: str = "", style: str | None = None, indent: int = 0) -> None:
        lines = wrap(text, self.width - indent) if text else [""]
        for line in lines:
            line = " " * indent + line
            self.echo(click.style(line, **_STYLES[style]) if style and self.color else line)

    def read(self, prompt: str = "> ") -> str:
        """One line of input; raises EOFError at the end and KeyboardInterrupt on Ctrl-C."""
        try:
            return self._read(prompt)
        except UnicodeDecodeError:  # not UTF-8: an answer no question accepts, so it is asked again
            return "\ufffd"

    def _read(self, prompt: str) -> str:
        if self.interactive:
            if not self._readline:
                try:  # line editing and history for input(), where the platform has it
                    import readline  # noqa: F401 (importing it is what turns line editing on)
                except ImportError:
                    pass
                self._readline = True
            if not self.to_stderr:
                return input(prompt)
            self.echo(prompt, nl=False)
            return input()
        self.echo(prompt, nl=False)
        stream = getattr(sys.stdin, "buffer", None)  # bytes, so one bad line cannot spoil the rest
        line = stream.readline().decode("utf-8", "replace") if stream is not None else sys.stdin.readline()
        if not line:
            self.echo()
            raise EOFError
        self.echo(line.rstrip("\r\n"))  # a transcript of piped answers reads like a session
        return line.rstrip("\r\n")

    def choices(self, labels: list[str], *, columns: bool = True) -> None:
        """Numbered choices; a long list goes in two columns when they fit, so it stays on one screen."""
        digits = len(str(len(labels)))
        items = [f"{index:>{digits}}  {label}" for index, label in enumerate(labels, 1)]
        if columns and len(items) > 10:
            rows = (len(items) + 1) // 2
            left, right = items[:rows], items[rows:]
            gap = max(text_columns(item) for item in left) + 3
            if 2 + gap + max(text_columns(item) for item in right) <= self.width:
                for index, item in enumerate(left):
                    self.echo(("  " + ljust(item, gap) + (right[index] if index < len(right) else "")).rstrip())
                return
        for item in items:
            for line in wrap(item, self.width - 2, subsequent_indent=" " * (digits + 2)) or [""]:
                self.echo("  " + line)


class Saver:
    """Saves the interview as a profile after every step, atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problem: str | None = None

    def save(self, interview: Interview) -> bool:
        from advisor.io import write_atomic

        text = json.dumps(interview.to_profile(), indent=2, ensure_ascii=False) + "\n"
        try:
            write_atomic(self.path, text)
        except OSError as exc:
            from advisor.io import os_reason

            self.problem = os_reason(exc)
            return False
        self.problem = None
        return True

    def shown(self) -> str:
        return shlex.quote(str(self.path))


def columns(*streams: Any) -> int | None:
    """The width of the first stream that is a terminal."""
    for stream in streams:
        try:
            return os.get_terminal_size(stream.fileno()).columns
        except (OSError, ValueError, AttributeError):
            continue
    return None
