"""Many profiles on a Dask cluster: a JSON-lines file in, the bytes of ``advisor batch`` out.

:func:`advise_jsonl` splits the file into blocks at line ends
(``dask.bytes.read_bytes``, so a local path, ``s3://`` or any fsspec URL), counts
each block's lines so that every block knows the number of its first line, and
maps :func:`advisor.report.batch.advise_one` over each block's lines on the
workers. The result is a ``dask.bag.Bag`` of output lines in input order: each is
exactly the line ``advisor batch`` writes for the same input line (a compact JSON
report, or an error record naming the same line), so joining them with newlines
gives the same bytes. Lines are split on ``\\n`` alone and handed over as bytes,
as the command reads them: a bad byte, a line over the size limit or a blank line
is treated the same way. The file is read twice (once to count lines), a small
price beside advising each profile.

Each worker loads the knowledge base once per process (the shipped one unless
``knowledge``/``rules`` name folders the workers can read). Dask is optional
(``pip install 'marketing-advisor[dask]'``) and imported only here.

Stage: report.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

__all__ = ["advise_jsonl", "advise_block", "count_lines"]


def advise_jsonl(path: str, *, blocksize: int | str = "64MiB", source: str | None = None,
                 knowledge: str | None = None, rules: Sequence[str] | None = None,
                 keys: Sequence[str] | None = None) -> Any:
    """A Dask bag of output lines, one per non-blank line of the JSON-lines file at ``path``.

    ``source`` is the name error records give the input (default: ``path``, as
    ``advisor batch PATH`` names it); ``keys`` keeps only those top-level keys of each report,
    as ``advisor batch --keys`` does. Nothing runs until the bag is computed or
    written, on whatever scheduler or cluster is current::

        advise_jsonl("shops.jsonl").to_textfiles("reports/*.jsonl")
    """
    import dask
    import dask.bag as db
    from dask.bytes import read_bytes

    files = [read_bytes(path, delimiter=b"\n", blocksize=blocksize, sample=False)[1] for _ in range(2)]
    if len(files[0]) != 1:
        raise ValueError(f"{path!r} names {len(files[0])} files; give one JSON-lines file (its lines are numbered)")
    counting, advising = files[0][0], files[1][0]
    counts = [dask.delayed(count_lines, pure=True)(block) for block in counting]
    firsts = dask.delayed(_first_lines, pure=True)(counts)
    spec = (knowledge, tuple(rules) if rules is not None else None)
    name = path if source is None else source
    wanted = tuple(keys) if keys is not None else None
    parts = [dask.delayed(advise_block, pure=True)(block, firsts, index, name, spec, wanted)
             for index, block in enumerate(advising)]
    return db.from_delayed(parts)


def count_lines(block: bytes) -> int:
    """How many lines a block holds (its last line may lack its newline)."""
    return block.count(b"\n") + (1 if block and not block.endswith(b"\n") else 0)


def _first_lines(counts: Iterable[int]) -> list[int]:
    firsts, line = [], 1
    for count in counts:
        firsts.append(line)
        line += count
    return firsts


def advise_block(block: bytes, firsts: list[int], index: int, source: str,
                 spec: tuple[str | None, tuple[str, ...] | None] = (None, None),
                 keys: Sequence[str] | None = None) -> list[str]:
    """The output lines for one block of the file, its first line being ``firsts[index]``."""
    from advisor.io import MAX_PROFILE_BYTES

    from .batch import _advise_line

    kb = _knowledge_base(spec)
    lines = block.split(b"\n")
    if block.endswith(b"\n"):
        lines.pop()  # the empty piece after the last newline
    last = len(lines) - 1
    out = []
    for offset, raw in enumerate(lines):
        if offset < last or block.endswith(b"\n"):
            raw += b"\n"  # as the command reads a line: with its newline
        if raw[:MAX_PROFILE_BYTES + 1].strip():  # blank lines are skipped but counted
            out.append(_advise_line(kb, raw, firsts[index] + offset, source, keys).text)
    return out


_KB: dict[tuple, Any] = {}


def _knowledge_base(spec: tuple[str | None, tuple[str, ...] | None]) -> Any:
    """The knowledge base a worker advises with, loaded once per process."""
    kb = _KB.get(spec)
    if kb is None:
        from advisor.kb import load_knowledge_base

        knowledge, rules = spec
        kb = _KB[spec] = load_knowledge_base(knowledge, rules)
    return kb
