"""Platform brands in the knowledge base: concepts in the rules, brands only where the advice is the brand's.

The rules test and conclude kinds of platform (a microblog, a marketplace);
``knowledge/markets.yaml`` names, per market, the platforms that fill each kind,
and texts write ``{concept}`` where the market's platforms should be named. A
brand in a rule's tests, conclusions or ids, or in a text the advisor shows,
speaks to one market only (and a historical one, Renren or Kaixin, to none).
Only a rule that declares ``platform:`` - advice that holds for that platform
alone - may name it, and it must test the market the platform belongs to.
Brand names inside double quotes are the sources' words and are left alone.

Stage: audit.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable

from advisor.errors import Location
from advisor.kb import MARKET_FIELD, PLACEHOLDER, Markets, iter_tests, load_markets, load_translations

from ..checks import Check, check
from ..finding import Finding, Severity
from .translations import _english

E, W = Severity.ERROR, Severity.WARNING

CHECKS = (
    Check("A840", "brand-in-rule", E, "A rule tests or concludes a platform brand (an id or a value naming Weibo, "
          "Taobao, Amazon...) instead of the kind of platform it is.",
          fail="when: {field: audience_hangouts, contains: weibo}\nthen: [{recommend: weibo}]",
          passes="when: {field: audience_hangouts, contains: microblog}\nthen: [{recommend: microblog}]",
          fix="Test and conclude the concept (knowledge/markets.yaml); name the market's platforms in texts with "
              "{concept}. Advice that holds for one platform alone declares `platform:` and tests the market."),
    Check("A841", "brand-in-text", W, "A text the advisor shows (a title, rationale, note, question, choice, "
          "catalog name or description, or their translation) names a platform brand outside quotes: a report for "
          "another market would name a platform its reader does not use.",
          fail="title: Post on Weibo every day",
          passes="title: Post on {microblog} every day   # Weibo in mainland China, X or Threads elsewhere",
          fix="Write {concept} (knowledge/markets.yaml lists them) or the kind of platform in plain words; quote "
              "the source in double quotes when its own example matters; or declare the rule's `platform:`."),
    Check("A842", "platform-rule-untied", E, "A rule declares `platform:` but the platform is not in "
          "knowledge/markets.yaml, or the rule's condition does not test the `market` field for a market that has it, "
          "so its advice would reach businesses that do not use the platform.",
          fail="platform: WeChat\nwhen: {field: messenger_account, equals: subscription}",
          passes="platform: WeChat\nwhen:\n  all:\n    - {field: market, equals: cn}\n"
                 "    - {field: messenger_account, equals: subscription}",
          fix="Name a platform of knowledge/markets.yaml and add a test of `market` for the market it belongs to."),
    Check("A843", "unknown-placeholder", E, "A text writes {name} where name is not a concept of "
          "knowledge/markets.yaml: the reader would see the braces.",
          fail="title: Post on {microblogs}", passes="title: Post on {microblog}",
          fix="Use one of the concepts of knowledge/markets.yaml (the message lists them)."),
)

_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|「[^」]*」")


def _markets(ctx) -> Markets:
    if "markets" not in ctx.extra:
        ctx.extra["markets"] = load_markets(ctx.knowledge)
    return ctx.extra["markets"]


def _id_tokens(markets: Markets) -> dict[str, str]:
    """Brand as it would be written in an id (``wechat``, ``taobao``, ``xiaohongshu``) -> the brand."""
    out = {}
    for name in markets.brands():
        if name.isascii():
            token = re.sub(r"[^a-z0-9]", "", name.lower().split("(")[0])
            if len(token) >= 3 and not token.isdigit():
                out[token] = name
    return out


_FINDERS: dict[tuple[str, ...], tuple[Any, tuple[str, ...]]] = {}


def _finder(brands: Any) -> tuple[Any, tuple[str, ...]]:
    """One pattern finding any Latin brand as a whole word, and the other brands: a quick first look
    (most texts name none), so that each brand is searched for alone only in a text that names one."""
    key = tuple(brands)
    found = _FINDERS.get(key)
    if found is None:
        latin = sorted((n for n in key if n.isascii()), key=len, reverse=True)
        pattern = (re.compile(r"(?<![A-Za-z0-9])(?:" + "|".join(map(re.escape, latin)) + r")(?![A-Za-z0-9])")
                   if latin else None)
        found = _FINDERS[key] = (pattern, tuple(n for n in key if not n.isascii()))
    return found


def _named(text: str, brands: dict[str, str]) -> list[str]:
    """The brands ``text`` names outside quotes (whole words for Latin names, anywhere for Chinese ones)."""
    bare = _QUOTED.sub(" ", text)
    latin, others = _finder(brands)
    if not ((latin is not None and latin.search(bare)) or any(n in bare for n in others)):
        return []
    found = []
    for name in brands:
        if name.isascii():
            if re.search(r"(?<![A-Za-z0-9])" + re.escape(name) + r"(?![A-Za-z0-9])", bare):
                found.append(name)
        elif name in bare:
            found.append(name)
    # a name inside a longer one found too ("WeChat" in "WeChat groups") is the same mention
    return sorted(n for n in found if not any(n != m and n in m for m in found))


def _locate(path: Path, item_id: str) -> Location:
    """The line of ``item_id``'s entry in a knowledge or translation file (the file if not found)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return Location(str(path))
    key = item_id.split(":", 1)[1] if item_id.startswith(("goal:", "practice:", "group:")) else item_id
    pattern = re.compile(r"^\s*(-\s*id:\s*|['\"]?)" + re.escape(key if "fact:" not in item_id else item_id)
                         + r"['\"]?(:|\s*$)")
    for number, line in enumerate(lines, 1):
        if pattern.match(line):
            return Location(str(path), number)
    return Location(str(path))


def run(ctx) -> Iterable[Finding]:
    markets = _markets(ctx)
    if not markets.concepts:
        return
    yield from _rule_ids(ctx, markets)
    yield from _texts(ctx, markets)


def _rule_ids(ctx, markets: Markets) -> Iterable[Finding]:
    tokens = _id_tokens(markets)
    brands = markets.brands()
    for rule in ctx.rules:
        names = [rule.id] + [t.name for t in rule.tests()]
        for t in rule.tests():
            values = t.value if isinstance(t.value, (list, tuple, frozenset, set)) else [t.value]
            names += [str(v) for v in values if isinstance(v, str)]
        names += [c.target for c in rule.then if isinstance(c.target, str)]
        squeezed = [re.sub(r"[^a-z0-9]", "", n.lower()) for n in names]
        hits = sorted({tokens[tok] for n in squeezed for tok in tokens if tok in n})
        platform = rule.platform
        hits = [h for h in hits if h != platform and not (platform and platform in h)]
        if hits:
            yield check("A840").at(rule.location, f"rule {rule.id!r} tests or concludes the brand "
                                   f"{', '.join(hits)} (in its id, a tested field or value, or a conclusion)",
                                   rules=(rule.id,))
        if platform:
            owners = {m for m, concepts in markets.platforms.items()
                      if any(platform in p.values() for ps in concepts.values() for p in ps)}
            if platform not in brands or not owners:
                yield check("A842").at(rule.location, f"rule {rule.id!r} declares platform {platform!r}, which "
                                       "knowledge/markets.yaml does not name", rules=(rule.id,))
            elif not any(t.kind == "field" and t.name == MARKET_FIELD and _names_market(t, owners)
                         for t in iter_tests(rule.when)):
                yield check("A842").at(rule.location, f"rule {rule.id!r} declares platform {platform!r} but does "
                                       f"not test `market` for {' or '.join(sorted(owners))}", rules=(rule.id,))


def _names_market(test: Any, owners: set[str]) -> bool:
    values = test.value if isinstance(test.value, (list, tuple, frozenset, set)) else [test.value]
    return test.op in ("equals", "in") and bool(set(values) & owners)


def _texts(ctx, markets: Markets) -> Iterable[Finding]:
    brands = markets.brands()
    platform_of = {rule.id: rule.platform for rule in ctx.rules if rule.platform}
    rules = ctx.load.rules.by_id()
    concepts = set(markets.concepts)
    english = _english(ctx)
    sources: list[tuple[str, Path, dict[str, dict[str, str]]]] = [("", ctx.knowledge, english)]
    from advisor.kb import languages

    for lang in sorted(languages(ctx.knowledge)):
        found: dict[str, dict[str, dict[str, str]]] = {}
        for t in load_translations(ctx.knowledge, lang).entries:
            found.setdefault(t.file, {})[t.id] = dict(t.texts)
        sources.append((lang, ctx.knowledge / "i18n" / lang, found))
    for lang, root, files in sources:
        for file, entries in sorted(files.items()):
            path = root / file if lang or not file.startswith("rules/") else None
            for item_id, texts in sorted(entries.items()):
                where = None
                rule = rules.get(item_id) if file.startswith("rules/") else None
                for name, text in sorted(texts.items()):
                    unknown = sorted(set(PLACEHOLDER.findall(text)) - concepts)
                    named = [b for b in _named(text, brands) if not _allowed(b, platform_of.get(item_id), markets)]
                    if not unknown and not named:
                        continue
                    if where is None:
                        where = (rule.location if rule is not None and not lang and rule.location else
                                 _locate(path or (ctx.knowledge / file), item_id))
                    label = f"{lang}: " if lang else ""
                    if unknown:
                        yield check("A843").at(where, f"{label}{item_id!r} {name}: unknown placeholder "
                                               f"{', '.join('{' + u + '}' for u in unknown)}; the concepts are: "
                                               f"{', '.join(sorted(concepts))}", rules=(item_id,) if rule else ())
                    if named:
                        kinds = ", ".join(f"{b} ({brands[b]})" for b in named)
                        yield check("A841").at(where, f"{label}{item_id!r} {name} names {kinds}",
                                               rules=(item_id,) if rule else ())


def _allowed(brand: str, platform: str | None, markets: Markets) -> bool:
    """Whether a rule declaring ``platform`` may name ``brand``: the platform or one of its products, any language."""
    if not platform:
        return False
    names = {v for concepts in markets.platforms.values() for ps in concepts.values() for p in ps
             if platform in p.values() for v in p.values()}
    return any(name in brand for name in names)
