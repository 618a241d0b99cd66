"""Markets: the platforms that fill each kind of channel where a business sells.

The rules and catalogs speak of concepts - ``{microblog}``, ``{marketplace}`` -
never of brands; ``knowledge/markets.yaml`` says, per market, which platforms
fill each concept (Weibo in mainland China; X or Threads elsewhere), and which
platforms the sources name that no longer matter (``historical``). When the
advisor speaks to a business, :func:`for_market` gives the knowledge base with
every placeholder filled with the platforms of the business's market (the
profile's ``market`` field), in the language of the texts; with no market,
the concept's generic words.

The brands (:meth:`Markets.brands`) are what the audit looks for in rule tests,
conclusions and texts (A840-A843).

Stage: kb.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from advisor.errors import KnowledgeError, Location
from advisor.io import load_yaml_file

__all__ = ["MARKET_FIELD", "PLACEHOLDER", "Markets", "for_market", "join_names", "load_markets", "market_of",
           "market_of_answers", "markets_of"]

#: the profile field that names the market
MARKET_FIELD = "market"
#: ``{concept}`` in a text: a concept id, lower case with underscores
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
_LANGS = ("en", "zh")
#: a placeholder alone in brackets - the market's examples of what the text already names
_EXAMPLES_ONLY = re.compile(r"\s*[(（]\{([a-z][a-z0-9_]*)\}[)）]")


@dataclass(frozen=True)
class Markets:
    """``knowledge/markets.yaml``, read and checked."""

    #: concept -> lang -> generic words
    concepts: Mapping[str, Mapping[str, str]]
    #: market -> lang -> name
    names: Mapping[str, Mapping[str, str]]
    #: market -> concept -> platforms, each lang -> name
    platforms: Mapping[str, Mapping[str, tuple[Mapping[str, str], ...]]]
    #: platforms the sources name that no longer matter, each lang -> name
    historical: tuple[Mapping[str, str], ...] = ()
    #: concepts whose names are occasions, not platforms (not brands)
    not_brands: tuple[str, ...] = ()

    def phrase(self, concept: str, market: str | None, lang: str = "en") -> str | None:
        """The words for ``concept`` in ``market`` ("Weibo"; "X (Twitter) or Threads"); None for an unknown concept."""
        if concept not in self.concepts:
            return None
        names = [p.get(lang) or p["en"] for p in self.platforms.get(market or "", {}).get(concept, ())]
        if not names:
            generic = self.concepts[concept]
            return generic.get(lang) or generic["en"]
        return join_names(names, lang)

    def fill(self, text: str, market: str | None, lang: str = "en") -> str:
        """``text`` with every known ``{concept}`` replaced by its words in ``market`` (unknown ones kept)."""
        if "{" not in text:
            return text
        if market not in self.platforms:
            # no market: "Microblogs ({microblog})" says "Microblogs", not "Microblogs (microblogs)"
            text = _EXAMPLES_ONLY.sub(lambda m: "" if m.group(1) in self.concepts else m.group(0), text)

        def one(match: re.Match[str]) -> str:
            words = self.phrase(match.group(1), market, lang)
            return match.group(0) if words is None else words

        return PLACEHOLDER.sub(one, text)

    def brands(self, market: str | None = None, *, historical: bool = True) -> dict[str, str]:
        """Brand name (any language) -> the market it belongs to (``historical`` for the old ones)."""
        out: dict[str, str] = {}
        for name, concepts in sorted(self.platforms.items()):
            if market is not None and name != market:
                continue
            for concept, platforms in concepts.items():
                if concept in self.not_brands:
                    continue
                for platform in platforms:
                    for word in platform.values():
                        out.setdefault(word, name)
        if historical:
            for platform in self.historical:
                for word in platform.values():
                    out.setdefault(word, "historical")
        return out

    def only_in(self, market: str) -> set[str]:
        """The brand names of ``market`` that no other market shares (and the historical ones)."""
        others = {w for m in self.platforms if m != market for w in self.brands(m, historical=False)}
        return {w for w in self.brands(market) if w not in others}


def join_names(names: list[str], lang: str) -> str:
    """``A, B or C`` (English) or ``A、B或C`` (Chinese).

    >>> join_names(["X", "Threads"], "en"), join_names(["抖音", "快手", "哔哩哔哩"], "zh")
    ('X or Threads', '抖音、快手或哔哩哔哩')
    """
    if len(names) == 1:
        return names[0]
    if lang == "zh":
        return "、".join(names[:-1]) + "或" + names[-1]
    return ", ".join(names[:-1]) + " or " + names[-1]


def load_markets(knowledge: Path | str) -> Markets:
    """Read ``markets.yaml`` of a knowledge folder (no file: no markets, placeholders stay as written)."""
    path = Path(knowledge) / "markets.yaml"
    if not path.is_file():
        return Markets({}, {}, {})
    data, marks = load_yaml_file(path, error=KnowledgeError)

    def fail(message: str, where: tuple, expected: str) -> KnowledgeError:
        return KnowledgeError(message, code="E405", location=marks.location(where) if where else Location(str(path)),
                              expected=expected)

    if not isinstance(data, dict) or not isinstance(data.get("concepts"), dict) or not isinstance(
            data.get("markets"), dict):
        raise fail("markets.yaml needs `concepts` and `markets` mappings", (), "concepts: {...}\nmarkets: {...}")
    concepts: dict[str, dict[str, str]] = {}
    not_brands = set()
    for concept, words in data["concepts"].items():
        if not isinstance(words, dict) or not all(isinstance(words.get(lang), str) for lang in _LANGS):
            raise fail(f"concept {concept!r}: expected its generic words in each language", ("concepts", concept),
                       "microblog: {en: microblogs, zh: 微型博客平台}")
        concepts[str(concept)] = {lang: words[lang] for lang in _LANGS}
        if words.get("brands") is False:
            not_brands.add(str(concept))
    names: dict[str, dict[str, str]] = {}
    platforms: dict[str, dict[str, tuple[dict[str, str], ...]]] = {}
    for market, spec in data["markets"].items():
        where = ("markets", market)
        if not isinstance(spec, dict) or not isinstance(spec.get("platforms"), dict):
            raise fail(f"market {market!r}: expected `name` and `platforms`", where,
                       "cn: {name: {en: ..., zh: ...}, platforms: {microblog: [{en: Weibo, zh: 微博}]}}")
        names[str(market)] = {lang: str((spec.get("name") or {}).get(lang, market)) for lang in _LANGS}
        table = {}
        for concept in concepts:
            listed = spec["platforms"].get(concept)
            if not isinstance(listed, list) or not listed or not all(
                    isinstance(p, dict) and isinstance(p.get("en"), str) for p in listed):
                raise fail(f"market {market!r} names no platform for concept {concept!r}", where + ("platforms",),
                           f"{concept}: [{{en: <platform>, zh: <its Chinese name>}}]")
            table[concept] = tuple({k: str(v) for k, v in p.items()} for p in listed)
        unknown = sorted(set(spec["platforms"]) - set(concepts))
        if unknown:
            raise fail(f"market {market!r}: unknown concept {unknown[0]!r}", where + ("platforms", unknown[0]),
                       "one of the concepts: " + ", ".join(concepts))
        platforms[str(market)] = table
    historical = tuple({k: str(v) for k, v in p.items()} for p in data.get("historical") or () if isinstance(p, dict))
    return Markets(concepts, names, platforms, historical, tuple(sorted(not_brands)))


def markets_of(kb: Any) -> Markets:
    """The markets of ``kb``'s knowledge folder (read once per knowledge base)."""
    memo = getattr(kb, "markets", None) or kb.__dict__.get("_markets")
    if memo is None:  # a knowledge base put together by hand
        root = kb.catalog.root
        memo = load_markets(root) if root else Markets({}, {}, {})
        object.__setattr__(kb, "_markets", memo)
    return memo


def market_of(kb: Any, answers: Any) -> str | None:
    """The market ``answers`` (a profile or a mapping) name, else the ``market`` field's default."""
    return market_of_answers(answers, kb.fields)


def market_of_answers(answers: Any, fields: Any) -> str | None:
    """The market ``answers`` (a profile or a mapping) name, else the default of ``fields``' ``market``."""
    get = getattr(answers, "get", None)
    value = get(MARKET_FIELD) if get is not None else None
    if value is None:
        spec = fields.get(MARKET_FIELD)
        value = spec.default if spec is not None else None
    return value if isinstance(value, str) else None


def for_market(kb: Any, answers: Any, lang: str | None = None) -> Any:
    """``kb`` with every ``{concept}`` in its texts naming the platforms of the market ``answers`` name.

    ``answers`` is a profile, a mapping of answers or a market id (None: the generic words).
    The texts are taken in the language in use (:func:`advisor.i18n.current`) unless ``lang`` says.
    """
    from advisor import i18n
    from advisor.kb.translations import rewrite_texts

    if kb.__dict__.get("_filled_for") is not None:
        return kb  # already speaks of one market's platforms
    market = answers if isinstance(answers, str) or answers is None else market_of(kb, answers)
    lang = lang or i18n.current()
    markets = markets_of(kb)
    if not markets.concepts:
        return kb
    memo = kb.__dict__.setdefault("_for_market", {})
    key = (market, lang)
    if key not in memo:
        out = rewrite_texts(kb, lambda _key, _name, text: markets.fill(text, market, lang))
        object.__setattr__(out, "_markets", markets)
        object.__setattr__(out, "_filled_for", key)
        memo[key] = out
    return memo[key]
