"""Where the commands' output goes, and what a person is told when it cannot go there.

Files named with ``-o`` are written through :class:`advisor.io.AtomicFile`
(never replacing a device, a FIFO or a link); standard output is written by
click. A full disk or device (ENOSPC), a failing device (EIO), a closed pipe
(EPIPE) or a refused path becomes one line naming the output, exit status 2
(:func:`output_error`); a closed standard output, as in ``advisor advise
p.json | head``, ends the command quietly (:func:`stdout_closed`), as other
command-line tools do.

Stage: commands.
"""

from __future__ import annotations

import errno
import os
import signal
import sys
from typing import Any

from advisor.errors import Location, OutputError
from advisor.i18n import N_, _

__all__ = ["STDOUT", "Terminated", "output_error", "flush_stdout", "stdout_closed", "silence_stdout",
           "catch_sigterm", "is_output_failure"]

STDOUT = "<stdout>"

#: errors of a stream being written that mean "the output cannot take it", not "the advisor is broken"
_STREAM_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EPIPE}

_HINTS = {
    errno.ENOSPC: N_("a disk or device with room for the output"),
    errno.EDQUOT: N_("a disk with room for the output within your quota"),
    errno.EFBIG: N_("a file system that takes files this large"),
    errno.EIO: N_("a working disk or device"),
    errno.EPIPE: N_("a reader that keeps the pipe open until the advisor is done"),
    errno.EROFS: N_("a folder that is not read-only"),
    errno.EACCES: N_("a path you may write to"),
    errno.EPERM: N_("a path you may write to"),
    errno.ENOENT: N_("a path in a folder that exists"),
    errno.ENOTDIR: N_("a path in a folder that exists"),
}


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived: unwinds like Ctrl-C, so temporary files are removed and answers saved."""


def is_output_failure(exc: BaseException) -> bool:
    """True for an :class:`OSError` that says a stream cannot take what is written (full, failing, closed)."""
    return isinstance(exc, OSError) and exc.errno in _STREAM_ERRNOS


def output_error(exc: OSError, name: str) -> OutputError:
    """The one-line error for output ``name`` that failed with ``exc``."""
    from advisor.io import os_reason

    hint = _HINTS.get(exc.errno or 0)
    return OutputError(_("cannot write the output: {reason}").format(reason=os_reason(exc)), code="E104",
                       location=Location(name), expected=_(hint) if hint else None)


def flush_stdout() -> None:
    """Push out what standard output still buffers, so that a failure is seen now, not at exit."""
    stream = sys.stdout
    if stream is not None and not stream.closed:
        stream.flush()


def silence_stdout() -> None:
    """Point standard output at the null device, so nothing buffered fails again when Python exits."""
    try:
        fileno = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # a test runner's stream: nothing to redirect
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, fileno)
    finally:
        os.close(null)


def stdout_closed(exc: BaseException) -> bool:
    """True when ``exc`` says the reader of standard output went away (EPIPE)."""
    return isinstance(exc, BrokenPipeError) or (isinstance(exc, OSError) and exc.errno == errno.EPIPE)


def catch_sigterm() -> None:
    """Turn SIGTERM into :class:`Terminated` while the command runs (not when an application chose otherwise)."""
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _terminate)


def _terminate(signum: int, frame: Any) -> None:
    raise Terminated()
