"""DOT drawn as SVG, PNG or PDF by Graphviz: the one bundled with pygraphviz, or the system's ``dot``.

``pip install marketing-advisor`` brings pygraphviz, whose wheels carry Graphviz
itself (its libraries, the dot layout and the cairo renderer), so pictures need
no operating-system package. Where no wheel fits the platform and pygraphviz is
missing, the ``dot`` program on the PATH draws instead (``apt-get install
graphviz``, ``brew install graphviz``). The two give the same layouts; the
bundled one is preferred because it draws in-process (no program started per
report) and is the same Graphviz release on every machine, so a report's
pictures are the same bytes wherever it is written. ``ADVISOR_GRAPHVIZ=system``
chooses the system program.

Stage: render.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from contextlib import contextmanager
from typing import Iterable, Iterator

from advisor.errors import InputError, InternalError

__all__ = ["FORMATS", "GraphvizMissing", "drawer", "draw", "svgs", "svg", "have_graphviz"]

#: what the drawers can write
FORMATS = ("svg", "png", "pdf")

#: a PNG at twice the screen's 72 dots per inch, sharp on today's displays and in print
_ARGS = {"png": "-Gdpi=144"}

_XML_HEAD = re.compile(r"^.*?(?=<svg\b)", re.S)
_COMMENT = re.compile(r"<!--.*?-->\s*", re.S)


class GraphvizMissing(InputError):
    """Neither pygraphviz nor Graphviz's ``dot`` program is installed, so pictures cannot be drawn."""


def drawer() -> str | None:
    """Which Graphviz draws: ``"bundled"`` (pygraphviz), ``"system"`` (``dot``), or None."""
    wanted = os.environ.get("ADVISOR_GRAPHVIZ", "")
    if wanted != "system" and _pygraphviz() is not None:
        return "bundled"
    if shutil.which("dot") is not None:
        return "system"
    return None


def have_graphviz() -> bool:
    """Whether pictures can be drawn."""
    return drawer() is not None


def _pygraphviz():  # -> module | None
    try:
        import pygraphviz
    except ImportError:
        return None
    return pygraphviz


_quieted = False


@contextmanager
def _first_draw_quiet() -> Iterator[None]:
    """Keep the bundled fontconfig's one-time start-up warning off the user's standard error.

    The wheel's fontconfig reads the system's configuration and says, once per
    process, that it does not know an element of it; nothing is wrong with the
    picture. Only the first drawing of a process is silenced.
    """
    global _quieted
    if _quieted:
        yield
        return
    _quieted = True
    try:
        saved = os.dup(2)
    except OSError:  # no standard error to protect
        yield
        return
    sink = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(sink, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(sink)


def draw(dot_texts: Iterable[str], fmt: str = "svg") -> list[bytes]:
    """Each DOT text drawn in ``fmt`` (a key of :data:`FORMATS`).

    Raises :class:`GraphvizMissing` (exit status 2) when nothing can draw.
    """
    texts = list(dot_texts)
    if not texts:
        return []
    kind = drawer()
    if kind is None:
        raise GraphvizMissing("no Graphviz to draw the picture with", code="E503",
                              expected="pygraphviz (pip install pygraphviz) or the dot program "
                                       "(apt-get install graphviz, brew install graphviz)")
    if kind == "bundled":
        pygraphviz = _pygraphviz()
        out = []
        with _first_draw_quiet():
            for text in texts:
                try:
                    out.append(pygraphviz.AGraph(string=text).draw(format=fmt, prog="dot", args=_ARGS.get(fmt, "")))
                except (ValueError, OSError) as exc:  # pygraphviz reports Graphviz's failures so
                    raise InternalError(f"Graphviz could not draw the picture: {exc}", code="E500") from None
        return out
    return [_system(text, fmt) for text in texts] if fmt != "svg" else _system_svgs(texts)


def _run_dot(data: bytes, fmt: str) -> bytes:
    result = subprocess.run([shutil.which("dot") or "dot", f"-T{fmt}", *_ARGS.get(fmt, "").split()], input=data, capture_output=True, check=False,
                            timeout=120)
    if result.returncode != 0:
        raise InternalError(f"Graphviz could not draw the picture: {result.stderr.decode('utf-8', 'replace')[:300]}",
                            code="E500")
    return result.stdout


def _system(text: str, fmt: str) -> bytes:
    return _run_dot(text.encode("utf-8"), fmt)


def _system_svgs(texts: list[str]) -> list[bytes]:
    """Several graphs with one run of ``dot`` (one program start for a whole report)."""
    output = _run_dot("\n".join(texts).encode("utf-8"), "svg").decode("utf-8")
    return [part.encode("utf-8") for part in re.split(r"(?=<\?xml )", output) if part.strip()]


def _inline(document: bytes) -> str:
    """An SVG document as an element to inline in HTML: no XML declaration, doctype or comments."""
    text = _XML_HEAD.sub("", document.decode("utf-8"), count=1).strip()
    return _COMMENT.sub("", text)


def svgs(sources: Iterable[str]) -> list[str]:
    """Several DOT texts drawn as SVG, each ready to inline in HTML."""
    return [_inline(document) for document in draw(sources, "svg")]


def svg(dot_text: str) -> str:
    """One DOT text drawn as an SVG element (see :func:`svgs`)."""
    return svgs([dot_text])[0]
