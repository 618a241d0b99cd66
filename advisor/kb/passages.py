"""The text of cited source passages, and the sentences of a passage that bear on a rule.

A section of ``knowledge/sources.yaml`` names its lines in
``knowledge/documents/<doc>.txt``; :class:`Passages` reads each document once
and hands out passages. Passages are paragraphs of machine-translated text,
often longer than a reader wants in an explanation, so :meth:`Passages.quote`
picks the sentences that share the most words with what the rule says (its
title and rationale), in reading order, up to a length.

Stage: kb.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["Passages", "pick_sentences", "passages_for", "clean", "collapse"]

_SENTENCE = re.compile(r"(?<=[.!?;:])\s+(?=\S)")
_WORD = re.compile(r"[a-z][a-z'-]+")
# words too common to tell passages apart
# Leftover HTML of the scraped articles (001 is full of it): a "clothing" link dropped
# into sentences, and broken <p>/<strong> tags. Quotes show the words, not the markup.
_LINK = re.compile(r'["<]\s*a"?\s+target=\s*"_blank"\s+href=\s*"[^"]*"\s*>\s*clothing\s*(?:<\s*/\s*a\s*>|"/a")\s*')
_TAG = re.compile(r'<\s*/?\s*(?:p|strong)\s*>\s*|"?\(?/(?:strong|p)\)?\s*>\s*|^"?P\s*>\s*|(?<=\s)>(?=\s)|\s/p\b',
                  re.M | re.I)


def clean(text: str) -> str:
    """The passage without the stray markup of the scraped source.

    >>> clean('< p > < strong > > first, it is < /strong > /p > ok; social < a target= "_blank" '
    ...       'href= "http://x/" > clothing < /a > media')
    'first, it is ok; social media'
    """
    return " ".join(_TAG.sub(" ", _LINK.sub("", text)).split())


_STOP = frozenset("""a about after all also an and any are as at be because been before being both but by can
could do does each for from has have how if in into is it its itself just may more most much must no not of on
once one only or other our out over own so some such than that the their them then there these they this those
through to too under up very was we were what when where which while who whom why will with would you your
""".split())


def _words(text: str) -> set[str]:
    return {w.rstrip("'-") for w in _WORD.findall(text.lower())} - _STOP


def pick_sentences(text: str, about: str, limit: int = 320) -> str:
    """The sentences of ``text`` that share most words with ``about``, in order, within ``limit``.

    Skipped stretches are marked with ``...``; the first sentence is used when
    nothing overlaps.

    >>> passage = "Cats sleep a lot. Search engines list sites by keywords. Dogs bark."
    >>> pick_sentences(passage, "optimise the site for search engines", limit=60)
    '... Search engines list sites by keywords. ...'
    """
    sentences = [s.strip() for s in _SENTENCE.split(" ".join(text.split())) if s.strip()]
    if not sentences:
        return ""
    if len(" ".join(sentences)) <= limit:
        return " ".join(sentences)
    wanted = _words(about)
    overlap = [len(_words(sentence) & wanted) for sentence in sentences]
    scored = sorted(range(len(sentences)), key=lambda i: (-overlap[i], i))
    chosen: list[int] = []
    used = 0
    for index in scored:
        size = len(sentences[index]) + 1
        if chosen and used + size > limit:
            continue
        if not chosen and size > limit:  # one long sentence: cut it at a word
            cut = sentences[index][:limit].rsplit(" ", 1)[0]
            return ("... " if index else "") + cut + " ..."
        chosen.append(index)
        used += size
        if used >= limit * 0.8:
            break
    chosen.sort()
    parts = []
    previous = -1
    for index in chosen:
        if index != previous + 1:
            parts.append("...")
        parts.append(sentences[index])
        previous = index
    if previous != len(sentences) - 1:
        parts.append("...")
    return " ".join(parts)


class Passages:
    """Passages of the documents in ``<knowledge>/documents/``, read once each (quotes are kept too).

    Parameters
    ----------
    root : the knowledge folder (``kb.catalog.root``).
    """

    def __init__(self, root: str | Path) -> None:
        self.folder = Path(root) / "documents"
        self._lines: dict[str, list[str]] = {}
        self._quotes: dict[tuple[str, int, int, str, int], str] = {}
        self._flat: dict[tuple[str, int, int], tuple[str, str]] = {}

    def _document(self, doc: str) -> list[str]:
        lines = self._lines.get(doc)
        if lines is None:
            try:
                lines = (self.folder / f"{doc}.txt").read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                lines = []  # a missing document leaves the citation without its text, not the explanation
            self._lines[doc] = lines
        return lines

    def holds(self, doc: str, first: int, last: int, quote: str) -> bool:
        """Whether lines ``first``..``last`` of ``doc`` hold ``quote`` (whitespace collapsed), as written
        or with the scraped markup left out (:func:`clean`)."""
        key = (doc, first, last)
        flat = self._flat.get(key)
        if flat is None:
            raw = collapse("\n".join(self._document(doc)[max(first, 1) - 1:max(last, 0)]))
            flat = self._flat[key] = (raw, collapse(self.text(doc, first, last)))
        wanted = collapse(quote)
        return wanted in flat[0] or wanted in flat[1]

    def text(self, doc: str, first: int, last: int) -> str:
        """Lines ``first``..``last`` (1-based, inclusive) of document ``doc``, blank lines dropped."""
        lines = self._document(doc)[max(first, 1) - 1:max(last, 0)]
        return "\n".join(clean(line) for line in lines if clean(line))

    def quote(self, doc: str, first: int, last: int, about: str, limit: int = 320) -> str:
        """The sentences of the passage that bear most on ``about`` (see :func:`pick_sentences`)."""
        key = (doc, first, last, about, limit)
        found = self._quotes.get(key)
        if found is None:
            found = self._quotes[key] = pick_sentences(self.text(doc, first, last), about, limit)
        return found


def collapse(text: str) -> str:
    """Every run of whitespace as one space (how quotes are compared with the documents)."""
    return " ".join(text.split())


def passages_for(root: str | Path) -> Passages:
    """The process's :class:`Passages` of one knowledge folder (documents are read once per process)."""
    key = str(root)
    found = _SHARED.get(key)
    if found is None:
        found = _SHARED[key] = Passages(root)
    return found


_SHARED: dict[str, Passages] = {}
