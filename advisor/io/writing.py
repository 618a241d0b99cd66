"""Writing the files the advisor produces: whole or not at all.

Stage: io. Reports, saved interviews, audit output and cache entries all go
through :func:`write_atomic`.
"""

from __future__ import annotations

import os
from pathlib import Path

from .limits import Path_

__all__ = ["write_atomic"]


def write_atomic(path: Path_, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename.

    Either the old content or the new one is on disk afterwards, never a
    truncated mix, even if the disk fills or the process is interrupted.
    """
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise
