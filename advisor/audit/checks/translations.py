"""Translations of the knowledge base's texts (knowledge/i18n/): missing, stale, or of nothing.

Each translation carries the fingerprint of the English it translates
(:func:`advisor.kb.fingerprint`); an edited English text no longer matches it, and
the translation is stale: the advisor shows the English instead until someone
translates the new text. A language declared complete in
``knowledge/i18n/languages.yaml`` must translate every text; for one still under
way, ``advisor audit --translations
LANG`` says how far it has come and.

Stage: audit.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Iterable

from advisor.errors import Location
from advisor.kb import english_texts, fingerprint, languages, load_translations, source_of

from ..checks import Check, check
from ..finding import Finding, Severity

W = Severity.WARNING

CHECKS = (
    Check("A831", "translation-missing", W, "A language declared complete in knowledge/i18n/languages.yaml has no "
          "translation of an item's text (or of some of its fields).",
          fail="# languages.yaml: zh: {complete: true}\n# i18n/zh/channels.yaml has no `seo:`",
          passes="seo:\n  fingerprint: 5d0f3c8e21\n  name: 搜索引擎优化（SEO）\n  description: ...",
          fix="Translate the item (`advisor audit --translations LANG` prints its English and fingerprint), or "
              "declare the language `complete: false` until the translation is finished."),
    Check("A832", "translation-stale", W, "A translation's fingerprint no longer matches the English it "
          "translates: the English was edited since, so the advisor shows the English instead.",
          fail="seo:\n  fingerprint: 0000000000   # made from an older English text\n  name: 搜索引擎优化",
          passes="seo:\n  fingerprint: 5d0f3c8e21   # the fingerprint of today's English\n  name: 搜索引擎优化",
          fix="Read the new English (`advisor audit --translations LANG`), update the translation and copy the "
              "new fingerprint."),
    Check("A833", "translation-unknown-id", W, "A translation file names an id (or a field) that its English "
          "file does not have: a renamed or removed item, or the wrong file.",
          fail="# i18n/zh/channels.yaml\nseo-tools:   # no channel seo-tools\n  fingerprint: ...",
          passes="# i18n/zh/channels.yaml\nseo:\n  fingerprint: ...",
          fix="Rename the entry to the item's id, move it to the file of its English, or delete it."),
)


def _english(ctx) -> dict[str, dict[str, dict[str, str]]]:
    if "english_texts" not in ctx.extra:
        ctx.extra["english_texts"] = english_texts(SimpleNamespace(catalog=ctx.catalog, fields=ctx.fields,
                                                                   rules=ctx.load.rules))
    return ctx.extra["english_texts"]


def run(ctx) -> Iterable[Finding]:
    declared = languages(ctx.knowledge)
    english = _english(ctx)
    for lang in sorted(declared):
        where = ctx.knowledge / "i18n" / lang
        found = load_translations(ctx.knowledge, lang)
        done: dict[tuple[str, str], set[str]] = {}
        for t in found.entries:
            source = source_of(t, english)
            fields = {k for k, _ in t.texts}
            if source is None or not fields <= set(english[t.file][t.id]):
                extra = sorted(fields - set(english.get(t.file, {}).get(t.id, {})))
                what = f"id {t.id!r}" if source is None else "field(s) " + ", ".join(extra) + f" of {t.id!r}"
                yield check("A833").at(t.location, f"{lang}: {what} is not in the English of {t.file}")
                continue
            done[(t.file, t.id)] = fields
            if fingerprint(source) != t.fingerprint:
                yield check("A832").at(t.location, f"{lang}: the translation of {t.id!r} in {t.file} is stale: its "
                                       f"English changed (fingerprint {t.fingerprint}, now {fingerprint(source)})")
        if declared[lang].get("complete"):
            for file, entries in english.items():
                for item_id, texts in entries.items():
                    left = sorted(set(texts) - done.get((file, item_id), set()))
                    if left:
                        yield check("A831").at(Location(str(where / file)), f"{lang}: {item_id!r} has no translation "
                                               f"of {', '.join(left)} (the language is declared complete)")

