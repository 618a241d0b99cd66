"""The command line: one click group, commands loaded only when used.

Each command lives in ``advisor/commands/<name>.py`` and is imported when it
runs, so ``advisor advise`` never pays for networkx or the audit. Errors from
bad input print as one line on standard error with exit status 2 (see
:mod:`advisor.errors`); a bug prints a short line asking for a report instead
of a traceback (set ``ADVISOR_DEBUG=1`` to see it).

Stage: commands.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from advisor.errors import AdvisorError, ExitCode
from advisor.version import __version__

from . import outputs

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

#: command name -> (module, attribute, one-line help shown by `advisor --help`)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "advise": ("advisor.commands.advise", "advise", "Advise a business described by a JSON profile."),
    "ask": ("advisor.commands.ask", "ask", "Answer questions about your business and get the advice."),
    "audit": ("advisor.commands.audit", "audit", "Check a rule base for defects: conflicts, gaps, dead rules."),
    "batch": ("advisor.commands.batch", "batch", "Advise every profile of a JSON-lines file, one report per line."),
    "explain": ("advisor.commands.explain", "explain_cmd", "Explain why an item was, or was not, suggested."),
    "fields": ("advisor.commands.fields", "fields_cmd", "List the profile fields, their choices and questions."),
    "graph": ("advisor.commands.graph", "graph_cmd", "Export or draw the reasoning graph (DOT, Mermaid, GraphML, JSON, SVG, PNG, PDF)."),
    "schema": ("advisor.commands.fields", "schema_cmd", "Print the JSON Schema of profiles or rule files."),
    "whatif": ("advisor.commands.whatif", "whatif_cmd", "Show what changes in the advice if answers change."),
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attr, _ = COMMANDS[name]
        return getattr(importlib.import_module(module), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        from advisor import i18n

        # each run starts from the locale (--lang may change it) and leaves the language as it found it, so a
        # caller in the same process (a test, an embedding program) keeps its own
        with i18n.use_language(i18n.from_environment()):
            return self._invoke(ctx)

    def _invoke(self, ctx: click.Context) -> Any:
        try:
            try:
                return super().invoke(ctx)
            finally:
                outputs.flush_stdout()  # a full or closed output fails here, where it can be reported
        except AdvisorError as exc:
            click.echo(f"advisor: {exc.render()}", err=True)
            ctx.exit(int(exc.exit_code))
        except KeyboardInterrupt as exc:
            terminated = isinstance(exc, outputs.Terminated)
            click.echo("\nadvisor: " + ("terminated" if terminated else "interrupted"), err=True)
            ctx.exit(int(ExitCode.TERMINATED if terminated else ExitCode.INTERRUPTED))
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except OSError as exc:
            if not outputs.is_output_failure(exc):
                self._bug(ctx, exc)
            outputs.silence_stdout()  # what is still buffered must not fail again at exit
            if outputs.stdout_closed(exc):  # `advisor ... | head`: the reader has all it wanted
                ctx.exit(int(ExitCode.PIPE_CLOSED))
            click.echo(f"advisor: {outputs.output_error(exc, outputs.STDOUT).render()}", err=True)
            ctx.exit(int(ExitCode.BAD_INPUT))
        except Exception as exc:  # a bug: say so, briefly
            self._bug(ctx, exc)

    @staticmethod
    def _bug(ctx: click.Context, exc: Exception) -> None:
        if os.environ.get("ADVISOR_DEBUG"):
            raise exc
        click.echo(f"advisor: internal error ({type(exc).__name__}: {exc}). This is a bug; please report it "
                   "with the command you ran (ADVISOR_DEBUG=1 shows the details).", err=True)
        ctx.exit(int(ExitCode.INTERNAL))

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        name = click.utils.make_str(args[0]) if args else ""
        if name and name not in COMMANDS and not name.startswith("-"):
            from advisor.errors import close_matches

            near = close_matches(name, COMMANDS)
            hint = f" Did you mean {near[0]!r}?" if near else ""
            ctx.fail(f"No such command {name!r}.{hint}")
        return super().resolve_command(ctx, args)


@click.group(cls=LazyGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="advisor")
def cli() -> None:
    """Marketing advice for e-commerce businesses, traced to its sources.

    \b
    Start with:
      advisor advise examples/tea-shop.json
      advisor ask                      (answer questions instead of writing JSON)
      advisor explain PROFILE ITEM     (why an item was, or was not, suggested)
    """


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``advisor`` console script.

    SIGTERM unwinds like Ctrl-C (temporary files removed, answers saved), and text that
    the terminal's encoding cannot show is written as backslash escapes rather than failing.
    """
    outputs.catch_sigterm()
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    cli.main(args=argv, prog_name="advisor")
