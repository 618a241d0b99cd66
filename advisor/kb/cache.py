"""An on-disk cache of loaded and compiled knowledge bases, keyed by file content.

Loading a knowledge base means parsing YAML, validating it against the schemas
and compiling it into durable rulesets; the cache keeps the result as JSON in
``$ADVISOR_CACHE_DIR`` (default ``$XDG_CACHE_HOME/marketing-advisor`` or
``~/.cache/marketing-advisor``), under a key hashed from the advisor's version
and the bytes of every knowledge and rule file. Changing any file changes the
key, so a stale entry is never used.

The cache holds JSON, never pickles: reading it can only build the advisor's
own record types (a fixed list), so a planted cache file cannot run code.
A damaged or unreadable entry is ignored and rebuilt. ``ADVISOR_NO_CACHE=1``
turns the cache off.

Stage: kb.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path
from typing import Any, Callable

from advisor.io import write_atomic

__all__ = ["cache_dir", "content_key", "code_fingerprint", "load", "store", "encode", "encode_text", "decode_text"]


def cache_dir() -> Path | None:
    """The cache folder, or None when caching is turned off."""
    if os.environ.get("ADVISOR_NO_CACHE", "") not in ("", "0"):
        return None
    explicit = os.environ.get("ADVISOR_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "marketing-advisor"


#: The folders and schemas whose code shapes what is cached: a change to any of them
#: (while the version number stays) must not reuse entries an older build wrote.
_CODE = ("io/*.py", "kb/*.py", "schemas/*.schema.json")


def code_fingerprint() -> bytes:
    """A hash of the advisor's own code that builds cached records (read once per process)."""
    global _fingerprint
    if _fingerprint is None:
        digest = hashlib.sha256()
        package = Path(__file__).resolve().parent.parent
        for pattern in _CODE:
            for path in sorted(package.glob(pattern)):
                try:
                    digest.update(path.name.encode() + b"\0" + path.read_bytes())
                except OSError:
                    digest.update(path.name.encode())
        _fingerprint = digest.digest()
    return _fingerprint


_fingerprint: bytes | None = None


def content_key(version: str, files: list[Path], extra: str = "") -> str:
    """A hash of the version, the advisor's code, ``extra`` and each file's name and bytes."""
    digest = hashlib.sha256()
    digest.update(version.encode())
    digest.update(code_fingerprint())
    digest.update(extra.encode())
    for path in files:
        digest.update(b"\0" + path.name.encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"<unreadable>")
    return digest.hexdigest()[:32]


# --------------------------------------------------------------------------- JSON codec
#
# A cache file holds two lines: a JSON list of the file paths that locations name,
# then the records. A record is {"__t": class name, field: value, ...}; its
# ``location`` is [path index, line, column] (half the records of a rule base are
# locations, and a path written once keeps the file small), any other location
# {"__L": [path index, line, column]}; a string-keyed mapping
# is {"__d": {...}}. Lists come back as tuples. Decoding runs inside json.loads
# (an object hook), so the records are built as the parser meets them.


def encode(value: Any, paths: dict[str, int] | None = None) -> Any:
    """Plain JSON data for a tree of the advisor's records (locations' paths go to ``paths``)."""
    from advisor.errors import Location

    paths = {} if paths is None else paths

    def walk(value: Any) -> Any:
        if isinstance(value, Location):
            index = paths.setdefault(value.path or "", len(paths))
            return {"__L": [index, value.line, value.column]}
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            out = {"__t": type(value).__name__}
            for f in dataclasses.fields(value):
                item = getattr(value, f.name)
                if f.name == "location" and isinstance(item, Location):
                    # the commonest record, kept short: [path index, line, column]
                    out["location"] = [paths.setdefault(item.path or "", len(paths)), item.line, item.column]
                else:
                    out[f.name] = walk(item)
            return out
        if isinstance(value, (list, tuple)):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            if all(isinstance(k, str) for k in value):
                return {"__d": {k: walk(v) for k, v in value.items()}}
            raise TypeError("only string-keyed mappings can be cached")
        return value

    return walk(value)


def _tuples(value: Any) -> Any:
    if type(value) is list:
        return tuple([_tuples(v) if type(v) is list else v for v in value])
    return value


def decode_text(text: str, registry: dict[str, type]) -> Any:
    """The records a cache file's text holds; type names outside ``registry`` are refused.

    ``registry`` maps a record's class name to the class: the caller says which
    record types a cache file may build, so the cache knows no type of its own.
    """
    from advisor.errors import Location

    head, _, body = text.partition("\n")
    paths = json.loads(head)
    if not isinstance(paths, list):
        raise ValueError("cache file has no path table")
    paths = [p if p else None for p in paths]

    def hook(obj: dict[str, Any]) -> Any:
        name = obj.pop("__t", None)
        if name is not None:
            where = obj.get("location")
            if type(where) is list:
                obj["location"] = Location(paths[where[0]], where[1], where[2])
        for key, item in obj.items():
            if type(item) is list:
                obj[key] = _tuples(item)
        if name is not None:
            cls = registry.get(name) if isinstance(name, str) else None
            if cls is None:
                raise ValueError(f"unexpected record {name!r} in cache")
            return cls(**obj)
        if "__L" in obj:
            index, line, column = obj["__L"]
            return Location(paths[index], line, column)
        if "__d" in obj:
            return obj["__d"]
        return obj

    return _tuples(json.loads(body, object_hook=hook))


def encode_text(value: Any) -> str:
    """The text of a cache file for ``value`` (see :func:`decode_text`)."""
    paths: dict[str, int] = {}
    body = json.dumps(encode(value, paths), separators=(",", ":"), ensure_ascii=False)
    return json.dumps(list(paths), ensure_ascii=False) + "\n" + body


def load(key: str, registry: dict[str, type], builder: Callable[[Any], Any]) -> Any | None:
    """The cached value for ``key`` (records of ``registry``) passed through ``builder``, or None."""
    folder = cache_dir()
    if folder is None:
        return None
    path = folder / f"kb-{key}.json"
    try:
        text = path.read_text(encoding="utf-8")
        return builder(decode_text(text, registry))
    except (OSError, ValueError, TypeError, KeyError, IndexError, UnicodeDecodeError):
        return None


def store(key: str, value: Any) -> None:
    """Write ``value`` under ``key``; failures (read-only disk, full disk) are ignored."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(folder / f"kb-{key}.json", encode_text(value))
    except (OSError, TypeError, ValueError):
        pass
