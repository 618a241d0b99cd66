"""Many profiles in, one report each out, in order: the engine of ``advisor batch``.

Two entry points share one per-profile step (:func:`advise_one`):

* :func:`advise_many` - an iterator of profiles (mappings or JSON texts) in,
  an iterator of report dicts out, with an error record in place of each bad
  profile. It needs nothing but the knowledge base, so a distributed engine can
  map it over partitions unchanged, e.g. ``rdd.mapPartitions(advise_many)`` in
  Spark (:mod:`advisor.report.distributed` does it on Dask for a JSON-lines file,
  with the lines numbered as here);
* :func:`run_lines` - numbered JSON lines in, finished output lines out,
  optionally spread over worker processes; ``advisor batch`` writes them.

An error record is ``{"line": N, "error": {"code": ..., "message": ...}}``:
``line`` is the 1-based position of the profile in the input (its line in a
JSON-lines file) and ``message`` the one-line text ``advise`` would print.
Blank lines are skipped. Each output depends only on its own input line, so
the output is the same, byte for byte, whatever the number of processes.

Stage: report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import islice
from typing import Any, Collection, Iterable, Iterator, Mapping

from advisor.errors import AdvisorError, Location, ProfileError
from advisor.i18n import _

__all__ = ["LineResult", "advise_one", "advise_many", "compact_json", "indented_json", "run_lines", "CHUNK_LINES"]

#: Lines handed to a worker process at a time: large enough to amortise the hand-over.
CHUNK_LINES = 64


@dataclass(frozen=True)
class LineResult:
    """The output for one input line: the JSON text written, and the error if the line was bad."""

    line: int
    text: str
    error: AdvisorError | None = None


def _error_record(line: int, error: AdvisorError) -> dict[str, Any]:
    return {"line": line, "error": {"code": error.code, "message": error.render()}}


def advise_one(kb: Any, item: Mapping[str, Any] | str | bytes, *, line: int = 0,
               source: str = "<input>", keys: Collection[str] | None = None) -> dict[str, Any]:
    """The report for one profile (a mapping, or the JSON text of one); raises on a bad profile.

    Errors name ``source`` and ``line`` as their location. ``keys``: only those top-level keys of
    the report (see :func:`advisor.report.build.build_report`).
    """
    from advisor.inference import validate_answers
    from advisor.io import MAX_PROFILE_BYTES, parse_json

    from .build import advise

    name = f"{source}:{line}" if line else source
    try:
        if isinstance(item, (bytes, bytearray)):
            if len(item) > MAX_PROFILE_BYTES:
                raise ProfileError(_("line is more than the limit of {limit} bytes").format(
                    limit=f"{MAX_PROFILE_BYTES:,}"), code="E101")
            try:
                item = item.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ProfileError(_("not UTF-8 text (byte {byte} cannot be decoded)").format(
                    byte=f"0x{item[exc.start]:02x}"), code="E102", expected=_("text saved as UTF-8")) from None
        if isinstance(item, str):
            data = parse_json(item.lstrip("\ufeff"), name, error=ProfileError)
        else:
            data = dict(item) if isinstance(item, Mapping) else item
        profile = validate_answers(data, kb.fields, source=name)
        return advise(kb, profile, keys=keys)
    except AdvisorError as exc:
        # one location for every error of the line: the input and the line number
        # (a column inside a one-line profile is kept)
        column = exc.location.column if exc.location is not None and exc.location.line == 1 else None
        exc.location = Location(source, line or None, column if line else None)
        raise


def advise_many(profiles: Iterable[Mapping[str, Any] | str | bytes], kb: Any = None, *,
                fail_fast: bool = False, source: str = "<input>",
                keys: Collection[str] | None = None) -> Iterator[dict[str, Any]]:
    """Reports for ``profiles``, in order; an error record stands in for each bad profile.

    ``kb`` defaults to the shipped knowledge base (loaded once per process).
    With ``fail_fast`` the first bad profile raises its error instead. ``keys``: only those
    top-level keys of each report (the work of the others is skipped where it can be).

    >>> reports = list(advise_many([{"business_model": "B2C"}, {"price_level": "cheap"}]))
    >>> "recommendations" in reports[0], reports[1]["error"]["code"]
    (True, 'E203')
    """
    kb = kb if kb is not None else _default_kb()
    for position, item in enumerate(profiles, 1):
        try:
            yield advise_one(kb, item, line=position, source=source, keys=keys)
        except AdvisorError as exc:
            if fail_fast:
                raise
            yield _error_record(position, exc)


#: compact JSON text, as ``json.dumps(..., ensure_ascii=False, separators=(",", ":"))`` writes it
_dump = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


try:  # the `fast` extra: the same text as _dump, three to four times as fast
    from orjson import OPT_INDENT_2 as _INDENT
    from orjson import dumps as _orjson_dumps
except ImportError:  # pragma: no cover - exercised by forcing _orjson_dumps to None in the tests
    _orjson_dumps = None


def compact_json(report: dict[str, Any]) -> str:
    """``report`` as one line of compact JSON (the text of :data:`_dump`), for a report just built.

    With orjson installed the report is encoded by orjson, whose compact text is the standard
    library's but for floats in exponent form (``1e16`` against ``1e+16``), too large integers
    and unpaired surrogates: a report whose answers or derived facts hold such a float, or that
    orjson refuses, goes the standard way. There the leading keys of each item entry are written
    from the text kept with the entry (see :class:`advisor.report.build.ItemEntry`) instead of
    being encoded again.
    """
    if _orjson_dumps is not None and _plain_floats(report):
        try:
            return _orjson_dumps(report).decode()
        except TypeError:  # an integer beyond 64 bits, an unpaired surrogate: not orjson's to write
            pass
    parts = []
    for key, value in report.items():
        if type(value) is list and value and getattr(value[0], "head", None) is not None:
            text = "[" + ",".join(map(_entry_json, value)) + "]"
        else:
            text = _dump(value)
        parts.append(_dump(key) + ":" + text)
    return "{" + ",".join(parts) + "}"


def indented_json(report: dict[str, Any]) -> str:
    """``report`` as ``json.dumps(report, indent=2, ensure_ascii=False)`` writes it (the JSON report of
    ``advisor advise``): by orjson when installed and the report holds nothing it writes otherwise (see
    :func:`compact_json`), a tenth of the time the standard library's indenting encoder takes."""
    if _orjson_dumps is not None and _plain_floats(report):
        try:
            return _orjson_dumps(report, option=_INDENT).decode()
        except TypeError:
            pass
    return json.dumps(report, indent=2, ensure_ascii=False)


def _plain_floats(report: dict[str, Any]) -> bool:
    """Whether every float the report's data can hold (the answers, the derived facts' values) is
    written the same by orjson as by the standard library: finite, without an exponent."""
    business = report.get("business")
    values = list(business.get("answers", {}).values()) if isinstance(business, dict) else []
    values += [fact.get("value") for fact in report.get("derived_facts", ())]
    for value in values:
        for x in (value if type(value) is list else (value,)):
            if type(x) is float and ("e" in (text := repr(x)) or text[-1] in "fn"):  # 1e+16, inf, nan
                return False
    return True


def _entry_json(entry: Any) -> str:
    head = getattr(entry, "head", None)
    if head is None or tuple(islice(entry, len(entry.head_keys))) != entry.head_keys:
        return _dump(entry)
    rest = dict(islice(entry.items(), len(entry.head_keys), None))
    return "{" + head + ("," + _dump(rest)[1:] if rest else "}")


def _advise_line(kb: Any, raw: bytes | str, line: int, source: str,
                 keys: Collection[str] | None = None) -> LineResult:
    """One numbered input line to its output line (a report, or an error record)."""
    try:
        return LineResult(line, compact_json(advise_one(kb, raw, line=line, source=source, keys=keys)))
    except AdvisorError as exc:
        return LineResult(line, _dump(_error_record(line, exc)), exc)


def _advise_chunk(chunk: list[tuple[int, bytes]]) -> list[LineResult]:
    """Worker step: each numbered line to its output line (runs in a worker process or inline)."""
    kb, source, keys = _WORKER["kb"], _WORKER["source"], _WORKER.get("keys")
    return [_advise_line(kb, raw, line, source, keys) for line, raw in chunk]


_WORKER: dict[str, Any] = {}


def _init_worker(kb: Any, source: str, worker: bool = False, lang: str | None = None,
                 keys: Collection[str] | None = None) -> None:
    import signal

    if lang is not None:
        from advisor.i18n import set_language

        set_language(lang)
    if worker:
        # a worker process: the parent ends it with SIGTERM and handles Ctrl-C (sent to the whole
        # process group) itself; whatever handlers the parent installed do not apply here
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER["kb"] = kb
    _WORKER["source"] = source
    _WORKER["keys"] = keys


def numbered_lines(stream: Any, limit: int | None = None) -> Iterator[tuple[int, bytes]]:
    """``(line number, bytes)`` for each line that is not blank.

    A line longer than ``limit`` bytes (default: the profile limit) is never held whole:
    its first ``limit + 1`` bytes stand for it, so :func:`advise_one` refuses it (E101),
    and the rest is read past in pieces. ``stream`` is a binary file (anything with
    ``readline(size)``) or an iterable of lines.
    """
    from advisor.io import MAX_PROFILE_BYTES

    limit = MAX_PROFILE_BYTES if limit is None else limit
    readline = getattr(stream, "readline", None)
    if readline is None:
        for number, raw in enumerate(stream, 1):
            if raw.strip():
                yield number, raw
        return
    number = 0
    while True:
        raw = readline(limit + 1)
        if not raw:
            return
        number += 1
        if len(raw) > limit and not raw.endswith(b"\n"):
            rest = raw
            while rest and not rest.endswith(b"\n"):  # the rest of the line, a piece at a time
                rest = readline(1 << 20)
        if raw.strip():
            yield number, raw


def _chunks(lines: Iterable[tuple[int, bytes]], size: int) -> Iterator[list[tuple[int, bytes]]]:
    chunk: list[tuple[int, bytes]] = []
    for item in lines:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_lines(lines: Iterable[tuple[int, bytes]], kb: Any, *, jobs: int = 1, source: str = "<input>",
              chunk_lines: int = CHUNK_LINES, keys: Collection[str] | None = None) -> Iterator[LineResult]:
    """One :class:`LineResult` per numbered line, in input order, over ``jobs`` processes
    (``keys``: only those top-level keys of each report).

    Stop early by closing the iterator (the worker processes are then ended).
    """
    chunks = _chunks(lines, chunk_lines if jobs > 1 else 1)
    if jobs <= 1:
        _init_worker(kb, source, keys=keys)
        for chunk in chunks:
            yield from _advise_chunk(chunk)
        return
    import gc
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    # fork hands the loaded knowledge base to the workers for free; each builds its own engine.
    # Frozen objects are left out of the workers' garbage collections, which would otherwise
    # touch, and so copy, every page of the parent's memory.
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    gc.collect()
    gc.freeze()
    try:
        from advisor.i18n import current

        # the language goes with them: a spawned worker starts from English (its error records speak --lang)
        pool = context.Pool(jobs, initializer=_init_worker, initargs=(kb, source, True, current(), keys))
    finally:
        gc.unfreeze()
    try:
        for results in pool.imap(_advise_chunk, chunks):
            yield from results
        pool.close()
    finally:
        pool.terminate()
        pool.join()


_DEFAULT: list[Any] = []


def _default_kb() -> Any:
    if not _DEFAULT:
        from advisor.kb import load_knowledge_base

        _DEFAULT.append(load_knowledge_base())
    return _DEFAULT[0]
