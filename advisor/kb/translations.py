"""Translations of the knowledge base's texts, kept beside the English and keyed by id.

``knowledge/i18n/languages.yaml`` declares each language and whether its
translation is complete (``zh: {complete: false}``). ``knowledge/i18n/<lang>/``
holds one file per English file it translates - ``channels.yaml``,
``fields.yaml``, ``rules/<file>.yaml`` - each a mapping of id to the translated
fields and the fingerprint of the English it was made from::

    seo:
      fingerprint: 3f2a9c1b0d
      name: 搜索引擎优化
      description: ...

The fingerprint (:func:`fingerprint`) is a short hash of the English fields the
entry translates; when someone edits the English, the hash no longer matches and
the translation is *stale*: it is not used (the English shows instead) and the
audit reports it (A832). An item with no translation falls back to English too.

Which texts are translatable, and under which key, is said once here
(:func:`english_texts`): catalog items by id (name, description, fix, unit,
judgement); profile fields by id (label, description, question, help,
``choice.<id>``, ``choice.<id>.help``), goals as ``goal:<id>``, practices as
``practice:<id>``, question groups as ``group:<id>``; rules by id (title,
because, judgement, ``note.<n>`` for the note of the rule's n-th conclusion,
counted from 0, ``target.<n>`` for the target of its n-th conclusion when that is a
``kpi``); what a derived fact means (the ``facts:`` of a rule file) as ``fact:<id>``
with ``meaning``, in the translation file of the rule file that declares it.

Stage: kb.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable

from advisor.errors import KnowledgeError, Location
from advisor.io import load_yaml_file

__all__ = ["LANGUAGES", "Translation", "Translations", "english_texts", "fingerprint", "languages",
           "load_translations", "localize", "rewrite_fields", "rewrite_texts", "source_of"]

#: The languages the advisor speaks; English is the original.
LANGUAGES = ("en", "zh")
_ITEM_FIELDS = ("name", "description", "fix", "unit", "judgement")
_CATALOG_FILES = {"channel": "channels.yaml", "tactic": "tactics.yaml", "mistake": "mistakes.yaml",
                  "kpi": "kpis.yaml", "step": "steps.yaml"}


def fingerprint(texts: dict[str, str]) -> str:
    """A short hash of English fields (name -> text), independent of their order.

    >>> fingerprint({"name": "SEO"}) == fingerprint({"name": "SEO"})
    True
    """
    joined = "\n".join(f"{key}\x00{' '.join(texts[key].split())}" for key in sorted(texts))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:10]


def english_texts(kb: Any) -> dict[str, dict[str, dict[str, str]]]:
    """Every translatable English text: translation file -> id -> field -> text (empty texts left out)."""
    out: dict[str, dict[str, dict[str, str]]] = {}
    for item in kb.catalog.items:
        texts = {"name": item.name, "description": item.description}
        texts.update({k: item.get(k) for k in _ITEM_FIELDS[2:] if isinstance(item.get(k), str)})
        out.setdefault(_CATALOG_FILES.get(item.kind, item.kind + "s.yaml"), {})[item.id] = _nonempty(texts)
    fields = out.setdefault("fields.yaml", {})
    for f in kb.fields.fields:
        texts = {"label": f.label, "description": f.description, "question": f.question, "help": f.help}
        for choice in f.choices:
            texts[f"choice.{choice.id}"] = choice.label
            texts[f"choice.{choice.id}.help"] = choice.help
        fields[f.id] = _nonempty(texts)
    for prefix, records in (("goal", kb.fields.goals), ("practice", kb.fields.practices),
                            ("group", kb.fields.groups)):
        for record in records:
            fields[f"{prefix}:{record.id}"] = {"label": record.label}
    for rule in kb.rules.rules:
        texts = {"title": rule.title, "because": rule.because, "judgement": rule.judgement}
        texts.update({f"note.{n}": c.note for n, c in enumerate(rule.then) if c.note})
        texts.update({f"target.{n}": c.kpi_target for n, c in enumerate(rule.then) if c.kpi_target})
        stem = Path(rule.location.path).stem if rule.location and rule.location.path else "rules"
        out.setdefault(f"rules/{stem}.yaml", {})[rule.id] = _nonempty(texts)
    for name, meaning in kb.rules.facts.items():
        path = kb.rules.fact_files.get(name)
        stem = Path(path).stem if path else "rules"
        out.setdefault(f"rules/{stem}.yaml", {})[f"fact:{name}"] = _nonempty({"meaning": meaning})
    return {name: dict(sorted(entries.items())) for name, entries in sorted(out.items())}


def _nonempty(texts: dict[str, Any]) -> dict[str, str]:
    return {k: " ".join(v.split()) for k, v in texts.items() if isinstance(v, str) and v.strip()}


@dataclass(frozen=True)
class Translation:
    """One id's translated fields, where they are written and the fingerprint they carry."""

    file: str
    id: str
    fingerprint: str
    texts: tuple[tuple[str, str], ...]
    location: Location | None = None


@dataclass(frozen=True)
class Translations:
    """A language's translation files, read."""

    lang: str
    entries: tuple[Translation, ...]

    def by_id(self) -> dict[str, Translation]:
        return {t.id: t for t in self.entries}


def languages(knowledge: Path | str) -> dict[str, dict[str, Any]]:
    """``i18n/languages.yaml`` of a knowledge folder: language -> its settings (``complete``)."""
    path = Path(knowledge) / "i18n" / "languages.yaml"
    if not path.is_file():
        return {}
    data, _ = load_yaml_file(path, error=KnowledgeError)
    return {str(k): dict(v or {}) for k, v in (data or {}).items()}


def load_translations(knowledge: Path | str, lang: str) -> Translations:
    """Read ``knowledge/i18n/<lang>/**/*.yaml`` (nothing there: no translations)."""
    root = Path(knowledge) / "i18n" / lang
    entries = []
    for path in sorted(root.rglob("*.yaml")) if root.is_dir() else ():
        data, marks = load_yaml_file(path, error=KnowledgeError)
        name = path.relative_to(root).as_posix()
        if not isinstance(data, dict):
            raise KnowledgeError("a translation file is a mapping of id to translated fields", code="E404",
                                 location=Location(str(path)), expected="id: {fingerprint: ..., field: text}")
        for key, value in data.items():
            where = marks.location((key,), key=True)
            if not isinstance(value, dict) or not isinstance(value.get("fingerprint"), str) or not all(
                    isinstance(v, str) for v in value.values()):
                raise KnowledgeError(f"translation of {key!r}: expected the fingerprint and texts", code="E404",
                                     location=where, expected="id: {fingerprint: <10 hex digits>, field: text, ...}")
            texts = tuple(sorted((k, " ".join(v.split())) for k, v in value.items() if k != "fingerprint"))
            entries.append(Translation(name, str(key), value["fingerprint"], texts, where))
    return Translations(lang, tuple(entries))


def source_of(translation: Translation, english: dict[str, dict[str, dict[str, str]]]) -> dict[str, str] | None:
    """The English fields a translation translates (None: its id is unknown in its file)."""
    texts = english.get(translation.file, {}).get(translation.id)
    if texts is None:
        return None
    return {k: texts.get(k, "") for k, _ in translation.texts}


def _fresh(kb: Any, lang: str) -> dict[str, dict[str, str]]:
    """id -> translated fields, for the fresh translations of ``lang`` (stale or unknown ones left out)."""
    knowledge = Path(kb.catalog.root) if kb.catalog.root else None
    if knowledge is None:
        return {}
    english = english_texts(kb)
    fresh: dict[str, dict[str, str]] = {}
    for t in load_translations(knowledge, lang).entries:
        source = source_of(t, english)
        if source is not None and fingerprint(source) == t.fingerprint:
            fresh[_scope(t.file) + t.id] = dict(t.texts)
    return fresh


def _scope(file: str) -> str:
    """The prefix that keeps ids of different files apart (a field and a channel may both be ``seo``)."""
    return "rule:" if file.startswith("rules/") else "field:" if file == "fields.yaml" else ""


def localize(kb: Any, lang: str) -> Any:
    """``kb`` with its texts in ``lang`` where a fresh translation exists, English elsewhere.

    Only words change: ids, conditions, order and the compiled rules are the same objects.
    """
    if lang == "en":
        return kb
    memo = kb.__dict__.setdefault("_localized", {})
    if lang in memo:
        return memo[lang]
    table = _fresh(kb, lang)
    out = rewrite_texts(kb, lambda key, name, text: table.get(key, {}).get(name, text)) if table else kb
    memo[lang] = out
    return out


Rewrite = Callable[[str, str, str], str]


def rewrite_texts(kb: Any, rewrite: Rewrite) -> Any:
    """A copy of ``kb`` whose every translatable text is ``rewrite(key, name, text)``.

    ``key`` is the text's owner as the translation tables key it (``seo``, ``field:storefront``,
    ``field:goal:brand``, ``rule:seo-first``, ``rule:fact:uses_seo``), ``name`` the text's name
    there (``name``, ``question``, ``choice.own_site``, ``note.0``...). Ids, conditions, order
    and the compiled rules stay the same objects.
    """
    def text(key: str, name: str, value: Any) -> Any:
        return rewrite(key, name, value) if isinstance(value, str) and value else value

    items = []
    for item in kb.catalog.items:
        extra = tuple((k, text(item.id, k, v) if k in _ITEM_FIELDS else v) for k, v in item.extra)
        items.append(_changed(item, name=text(item.id, "name", item.name),
                              description=text(item.id, "description", item.description), extra=extra))
    catalog = replace(kb.catalog, items=tuple(items))
    rules = tuple(_rule(r, text) for r in kb.rules.rules)
    facts = {name: text(f"rule:fact:{name}", "meaning", meaning) for name, meaning in kb.rules.facts.items()}
    return replace(kb, catalog=catalog, fields=rewrite_fields(kb.fields, rewrite),
                   rules=replace(kb.rules, rules=rules, facts=facts))


def rewrite_fields(fields: Any, rewrite: Rewrite) -> Any:
    """A copy of a :class:`~advisor.kb.FieldSet` whose texts are ``rewrite(key, name, text)`` (see :func:`rewrite_texts`)."""
    def text(key: str, name: str, value: Any) -> Any:
        return rewrite(key, name, value) if isinstance(value, str) and value else value

    return replace(fields, fields=tuple(_field(f, text) for f in fields.fields),
                   goals=tuple(_labelled(g, "goal", text) for g in fields.goals),
                   practices=tuple(_labelled(p, "practice", text) for p in fields.practices),
                   groups=tuple(_labelled(g, "group", text) for g in fields.groups))


def _changed(record: Any, **values: Any) -> Any:
    """``record`` with ``values``, or ``record`` itself when none differs (most texts have nothing to change)."""
    if all(getattr(record, name) == value for name, value in values.items()):
        return record
    return replace(record, **values)


def _labelled(record: Any, prefix: str, text: Callable[[str, str, Any], Any]) -> Any:
    return _changed(record, label=text(f"field:{prefix}:{record.id}", "label", record.label))


def _field(f: Any, text: Callable[[str, str, Any], Any]) -> Any:
    key = f"field:{f.id}"
    choices = tuple(_changed(c, label=text(key, f"choice.{c.id}", c.label),
                             help=text(key, f"choice.{c.id}.help", c.help)) for c in f.choices)
    return _changed(f, label=text(key, "label", f.label), description=text(key, "description", f.description),
                    question=text(key, "question", f.question), help=text(key, "help", f.help), choices=choices)


def _rule(rule: Any, text: Callable[[str, str, Any], Any]) -> Any:
    key = f"rule:{rule.id}"
    then = tuple(_changed(c, note=text(key, f"note.{n}", c.note), kpi_target=text(key, f"target.{n}", c.kpi_target))
                 if c.note or c.kpi_target else c for n, c in enumerate(rule.then))
    return _changed(rule, title=text(key, "title", rule.title), because=text(key, "because", rule.because),
                    judgement=text(key, "judgement", rule.judgement), then=then)


def coverage(kb: Any, lang: str) -> dict[str, dict[str, Any]]:
    """How much of ``kb``'s English ``lang`` translates: per file, the texts translated (fresh) and in all,
    and the ids whose translation is stale or missing (wholly or in part)."""
    english = english_texts(kb)
    fresh: dict[tuple[str, str], set[str]] = {}
    stale: set[tuple[str, str]] = set()
    for t in load_translations(kb.catalog.root, lang).entries if kb.catalog.root else ():
        source = source_of(t, english)
        if source is None:
            continue
        if fingerprint(source) == t.fingerprint:
            fresh[(t.file, t.id)] = {k for k, _ in t.texts}
        else:
            stale.add((t.file, t.id))
    out: dict[str, dict[str, Any]] = {}
    for file, entries in english.items():
        rows: dict[str, Any] = {"translated": 0, "total": 0, "stale": [], "missing": []}
        for item_id, texts in entries.items():
            have = fresh.get((file, item_id), set())
            rows["total"] += len(texts)
            rows["translated"] += len(set(texts) & have)
            if (file, item_id) in stale:
                rows["stale"].append(item_id)
            elif set(texts) - have:
                rows["missing"].append(item_id)
        out[file] = rows
    return out
