"""Writing the files the advisor produces: whole or not at all, and never over what must stay.

Stage: io. Reports, saved interviews, audit output, batch output and cache
entries all go through :class:`AtomicFile` (or :func:`write_atomic`, its
one-call form). What it does depends on what is at the path:

* nothing, or a regular file: the text goes to a temporary file beside it
  (``.NAME.PID.tmp``), which is renamed over the path once complete; the old
  file's permissions are kept. Either the old content or the new one is on
  disk afterwards, never a mix, even if the disk fills or the process is
  interrupted;
* a character device or a FIFO (``/dev/null``, ``/dev/tty``, ``mkfifo``): the
  text is written into it, as a shell redirection would; it is never replaced;
* a symbolic link: followed. A link to a regular file (or to none yet) has
  that file replaced (or made) as above, and stays a link; a link to a
  device, a FIFO or an open descriptor (``/dev/stdout``, ``/dev/fd/1``) is
  written into (appended to: ``advisor ... -o /dev/stdout >> log`` keeps the log);
* a socket, a block device (a disk) or a folder: refused with
  :class:`Unwritable`.

A temporary file left by a writer that was killed (SIGKILL, a power cut) is
removed by the next writer of the same path: one whose process is gone, or
whose process id now belongs to a process started after the file was last
written (:func:`clean_stale`). Text is encoded as UTF-8 with characters that
UTF-8 cannot hold (a lone surrogate) written as ``\\udXXX`` escapes, so no
text can fail half-way through a file.
"""

from __future__ import annotations

import errno
import glob
import os
import re
import stat
from pathlib import Path
from typing import IO, Any

from advisor.i18n import N_

from .limits import Path_

__all__ = ["AtomicFile", "Unwritable", "write_atomic", "clean_stale", "ENCODING_ERRORS"]

#: how text that UTF-8 cannot encode (lone surrogates) is written: as backslash escapes, never an error
ENCODING_ERRORS = "backslashreplace"
_TMP = re.compile(r"\.(?P<name>.+)\.(?P<pid>[0-9]+)\.tmp\Z")


class Unwritable(OSError):
    """The path names something the advisor must not write to (a socket, a disk, a folder)."""


class AtomicFile:
    """A file written whole or not at all; see the module notes for what each kind of path gets.

    Text by default (UTF-8); ``binary=True`` takes bytes (a picture).

    Use as a context manager: the text is committed when the block ends normally and
    discarded (the temporary file removed) when it raises, including on Ctrl-C or SIGTERM.
    """

    def __init__(self, path: Path_, *, binary: bool = False) -> None:
        self.path = Path(path)
        self.tmp: Path | None = None
        self.handle: IO[Any] | None = None
        self.binary = binary
        final, direct = destination(self.path)
        if direct:
            # appended to, never truncated: a device or a FIFO has nothing to truncate, and through
            # /dev/stdout a file the shell opened (`>> log`) keeps what it held
            self.handle = _open(final, "a", binary)
            return
        clean_stale(final)
        self.final = final
        self.tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
        self.handle = _open(self.tmp, "w", binary)

    def write(self, text: str | bytes) -> None:
        if self.handle is None:
            raise ValueError(f"{self.path}: written after commit or discard")
        self.handle.write(text)

    def commit(self) -> None:
        """Make the text the file's content (rename into place), or flush it into the special file."""
        handle, self.handle = self.handle, None
        if handle is None:
            return
        if self.tmp is None:
            handle.close()
            return
        try:
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
            try:
                os.chmod(self.tmp, stat.S_IMODE(os.stat(self.final).st_mode))
            except FileNotFoundError:
                pass
            os.replace(self.tmp, self.final)
        except BaseException:
            self.handle = handle
            self.discard()
            raise
        self.tmp = None

    def discard(self) -> None:
        """Forget what was written: the temporary file is removed, the path left as it was."""
        handle, self.handle = self.handle, None
        if handle is not None:
            try:
                handle.close()
            except OSError:  # a full disk fails again on the last flush: the file goes anyway
                pass
        if self.tmp is not None:
            try:
                self.tmp.unlink()
            except OSError:
                pass
            self.tmp = None

    def __enter__(self) -> "AtomicFile":
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


def write_atomic(path: Path_, text: str | bytes) -> None:
    """Write ``text`` (or bytes) to ``path`` whole or not at all (see :class:`AtomicFile`).

    Raises :class:`OSError` (:class:`Unwritable` for a socket, a block device or a folder)
    when it cannot, with the path as it was.
    """
    with AtomicFile(path, binary=isinstance(text, bytes)) as out:
        out.write(text)


def destination(path: Path) -> tuple[Path, bool]:
    """Where to write for ``path`` and whether to write into it directly (a device or a FIFO)."""
    try:
        info = os.stat(path)  # follows symbolic links
    except FileNotFoundError:
        if os.path.islink(path) and not _through_descriptor(path):
            return Path(os.path.realpath(path)), False  # a link to a file still to be made: made there
        return path, False
    except OSError as exc:  # a loop of links, a path through a file
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    mode = info.st_mode
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return path, True
    if stat.S_ISSOCK(mode):
        raise Unwritable(errno.EINVAL, N_("is a socket, which cannot be written to as a file"), str(path))
    if stat.S_ISBLK(mode):
        raise Unwritable(errno.EINVAL, N_("is a block device (a disk); the advisor never writes to one"), str(path))
    if stat.S_ISDIR(mode):
        raise Unwritable(errno.EISDIR, N_("is a directory; give a file name"), str(path))
    if not os.path.islink(path):
        return path, False
    real = Path(os.path.realpath(path))
    try:
        same = os.path.samestat(os.stat(real), info)
    except OSError:
        same = False
    if not same or _through_descriptor(path):
        # /dev/stdout, /dev/fd/N and the like: the open file they stand for is written into
        return path, True
    return real, False


def _through_descriptor(path: Path) -> bool:
    """True when resolving ``path`` passes through /proc (a descriptor link such as /dev/stdout)."""
    probe = str(path)
    for _ in range(40):
        if probe.startswith("/proc/"):
            return True
        try:
            target = os.readlink(probe)
        except OSError:
            return False
        probe = os.path.normpath(os.path.join(os.path.dirname(probe), target))
    return False


def _open(path: Path, mode: str, binary: bool = False) -> IO[Any]:
    if binary:
        return open(path, mode + "b")
    return open(path, mode, encoding="utf-8", errors=ENCODING_ERRORS, newline="\n")


def clean_stale(path: Path) -> list[Path]:
    """Remove temporary files beside ``path`` left by writers that were killed; returns those removed.

    A ``.NAME.PID.tmp`` is stale when no process ``PID`` runs, or when the process that has
    that id now started after the file was last written (the id was reused).
    """
    removed = []
    pattern = os.path.join(glob.escape(str(path.parent)), f".{glob.escape(path.name)}.*.tmp")
    for candidate in glob.glob(pattern):
        found = _TMP.match(os.path.basename(candidate))
        if found is None or found.group("name") != path.name:
            continue
        pid = int(found.group("pid"))
        if pid == os.getpid():
            continue
        try:
            written = os.lstat(candidate).st_mtime
        except OSError:
            continue
        if _alive_since(pid, written):
            continue
        try:
            os.unlink(candidate)
            removed.append(Path(candidate))
        except OSError:
            pass
    return removed


def _alive_since(pid: int, written: float) -> bool:
    """True when process ``pid`` runs and may have written a file last changed at ``written``."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process: not ours to judge
    started = _start_time(pid)
    return started is None or started <= written + 1.0


def _start_time(pid: int) -> float | None:
    """When process ``pid`` started (seconds since the epoch), where /proc tells; else None."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        with open("/proc/stat", "rb") as handle:
            boot = next(float(line.split()[1]) for line in handle if line.startswith(b"btime"))
        return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None

