"""`advisor batch INPUT.jsonl -o OUTPUT.jsonl`: one report per profile line, in order.

Stage: commands.
"""

from __future__ import annotations

import os
import sys
import time
from typing import IO, Any

import click

from advisor.errors import ExitCode, InputError, Location
from advisor.i18n import _, ngettext

from .common import knowledge_options, lang_option, load_kb, pick_format
from .outputs import output_error

#: Bad lines printed on standard error before the rest are only counted.
SHOWN_ERRORS = 20


def _parse_keys(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...] | None:
    """``--keys``: report keys, each one the report has, in the order given (duplicates once)."""
    if value is None:
        return None
    from advisor.errors import did_you_mean
    from advisor.report import REPORT_KEYS

    keys = tuple(dict.fromkeys(k.strip() for k in value.split(",") if k.strip()))
    if not keys:
        raise click.BadParameter(_("no key given; the report's keys are: {keys}").format(keys=", ".join(REPORT_KEYS)))
    for key in keys:
        if key not in REPORT_KEYS:
            near = did_you_mean(key, REPORT_KEYS)
            hint = _(" (did you mean {near}?)").format(near=near) if near else ""
            raise click.BadParameter(_("{key} is not a key of the report{hint}; the keys are: {keys}").format(
                key=repr(key), hint=hint, keys=", ".join(REPORT_KEYS)))
    return keys


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("input_path", metavar="INPUT")
@click.option("-o", "--output", default="-", show_default=True,
              help="Where to write the reports (JSON lines); - for standard output.")
@click.option("-j", "--jobs", type=click.IntRange(0, 256), default=1, show_default=True,
              help="Worker processes to spread the profiles over (0: one per CPU core).")
@click.option("--fail-fast", is_flag=True, help="Stop at the first bad line.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary (bad lines are still reported).")
@click.option("-k", "--keys", "keys", metavar="KEY,...", callback=_parse_keys,
              help="Write only these top-level keys of each report, comma-separated (e.g. "
                   "summary,diagnosis,next_moves); the work of the keys left out is skipped.")
@lang_option
@knowledge_options
def batch(input_path: str, output: str, jobs: int, fail_fast: bool, quiet: bool, keys: tuple[str, ...] | None,
          kb_options: dict) -> None:
    """Advise every profile of a JSON-lines file (one profile object per line; - for standard input).

    Each output line is the JSON report of the input line in the same position
    (blank lines are skipped), or for a bad line an error record
    {"line": N, "error": {"code": ..., "message": ...}}; bad lines are also
    reported on standard error. Exit status: 0 every line advised, 1 some lines
    failed, 2 the input or output could not be used at all.

    \b
    Examples:
      advisor batch shops.jsonl -o reports.jsonl
      advisor batch shops.jsonl -o reports.jsonl --jobs 4
      cat shops.jsonl | advisor batch - > reports.jsonl
      advisor batch shops.jsonl --keys diagnosis,next_moves -o moves.jsonl
      advisor batch shops.jsonl --fail-fast -o /dev/null      (check every profile)
    """
    from advisor.report import numbered_lines, run_lines

    pick_format(None, output, {".jsonl": "JSON lines", ".ndjson": "JSON lines", ".json": "JSON lines"},
                format_option=False)
    if jobs == 0:
        jobs = os.cpu_count() or 1
    kb = load_kb(kb_options)
    source = "<stdin>" if input_path == "-" else input_path
    stream, total = _open_input(input_path)
    started = time.perf_counter()
    counts = {"ok": 0, "failed": 0}
    first_bad: list[int] = []
    sink = _Sink(output)
    try:
        results = run_lines(numbered_lines(stream), kb, jobs=jobs, source=source, keys=keys)
        with _progress(total, quiet) as bar:
            try:
                for result in results:
                    sink.write(result.text)
                    bar.update(1)
                    if result.error is None:
                        counts["ok"] += 1
                        continue
                    counts["failed"] += 1
                    if len(first_bad) < SHOWN_ERRORS:
                        first_bad.append(result.line)
                        _echo_err(f"advisor: {result.error.render()}", bar)
                    if fail_fast:
                        break
            finally:
                results.close()  # ends the worker processes, also on Ctrl-C
        sink.commit()
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: say what is left and how to finish
        done = counts["ok"] + counts["failed"]
        kept = (_("the reports of the first {count} profiles are on standard output").format(count=f"{done:,}")
                if output == "-" else _("{output} was left as it was").format(output=output))
        click.echo("\nadvisor: " + ngettext("stopped after {count} profile; {kept}. Run the same command again to "
                                            "advise them all.",
                                            "stopped after {count} profiles; {kept}. Run the same command again to "
                                            "advise them all.", done).format(count=f"{done:,}", kept=kept), err=True)
        raise
    finally:
        sink.discard()
        if stream is not sys.stdin.buffer:
            stream.close()
    elapsed = time.perf_counter() - started
    failed = counts["failed"]
    if failed > SHOWN_ERRORS:
        click.echo("advisor: " + _("... and {count} more bad lines (see the error records in the output)").format(
            count=f"{failed - SHOWN_ERRORS:,}"), err=True)
    if not quiet:
        done = counts["ok"] + failed
        rate = _(", {rate} profiles/s").format(rate=f"{done / elapsed:,.0f}") if elapsed > 0 and done else ""
        stopped = _(" (stopped at the first bad line)") if fail_fast and failed else ""
        summary = ngettext("{count} profile: {ok} advised, {failed} failed{stopped} in {seconds} s{rate}",
                           "{count} profiles: {ok} advised, {failed} failed{stopped} in {seconds} s{rate}", done)
        click.echo("advisor: " + summary.format(count=f"{done:,}", ok=f"{counts['ok']:,}", failed=f"{failed:,}",
                                                stopped=stopped, seconds=f"{elapsed:.1f}", rate=rate)
                   + (f" -> {output}" if output != "-" else ""), err=True)
    if failed:
        click.get_current_context().exit(int(ExitCode.FINDINGS))


def _open_input(path: str) -> tuple[IO[bytes], int | None]:
    """The input as a binary stream, and its number of lines when it is a regular file."""
    if path == "-":
        return sys.stdin.buffer, None
    try:
        handle = open(path, "rb")
    except OSError as exc:
        from advisor.io import os_reason

        raise InputError(_("cannot read input: {reason}").format(reason=os_reason(exc)), code="E100",
                         location=Location(path),
                         expected=_("a JSON-lines file (one profile object per line), or - for standard input")) from None
    import stat

    info = os.fstat(handle.fileno())
    if stat.S_ISDIR(info.st_mode):
        handle.close()
        raise InputError(_("input is a folder"), code="E100", location=Location(path),
                         expected=_("a JSON-lines file (one profile object per line)"))
    if not stat.S_ISREG(info.st_mode) or info.st_size > 512 * 1024 * 1024:
        return handle, None
    count = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    handle.seek(0)
    return handle, count


class _Sink:
    """Output lines to standard output, or to a file that appears (atomically) only when complete.

    A device or a FIFO given as the output (``-o /dev/null``) is written into, line by line.
    """

    def __init__(self, output: str) -> None:
        self.output = output
        self.file = None
        if output == "-":
            self.handle: IO[str] = sys.stdout
            return
        from advisor.io import AtomicFile

        try:
            self.file = AtomicFile(output)
        except OSError as exc:
            raise output_error(exc, output) from None
        self.handle = self.file.handle

    def write(self, text: str) -> None:
        try:
            self.handle.write(text)
            self.handle.write("\n")
        except OSError as exc:
            if self.file is None:
                raise  # standard output: a closed pipe ends quietly, the rest is reported by the CLI
            raise output_error(exc, self.output) from None

    def commit(self) -> None:
        try:
            if self.file is None:
                self.handle.flush()
            else:
                self.file.commit()
        except OSError as exc:
            if self.file is None:
                raise
            raise output_error(exc, self.output) from None

    def discard(self) -> None:
        if self.file is not None:
            self.file.discard()


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def __enter__(self) -> "_NoBar":
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def _progress(total: int | None, quiet: bool) -> Any:
    """click's progress bar on standard error when it is a terminal (it hides itself otherwise)."""
    if quiet or not sys.stderr.isatty():
        return _NoBar()
    if total is None:
        # unknown length: count up instead of showing a share
        return click.progressbar(length=sys.maxsize, label=_("advising"), show_percent=False, show_eta=False,
                                 show_pos=True, file=sys.stderr, bar_template="%(label)s  %(info)s")
    return click.progressbar(length=max(total, 1), label=_("advising"), show_pos=True, file=sys.stderr)


def _echo_err(text: str, bar: Any) -> None:
    if isinstance(bar, _NoBar):
        click.echo(text, err=True)
    else:
        click.echo("\r\033[K" + text, err=True)

