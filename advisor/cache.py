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
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path
from typing import Any, Callable

from .safeio import write_atomic

__all__ = ["cache_dir", "content_key", "load", "store", "encode", "decode"]


def cache_dir() -> Path | None:
    """The cache folder, or None when caching is turned off."""
    if os.environ.get("ADVISOR_NO_CACHE", "") not in ("", "0"):
        return None
    explicit = os.environ.get("ADVISOR_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "marketing-advisor"


def content_key(version: str, files: list[Path], extra: str = "") -> str:
    """A hash of the version, ``extra`` and each file's name and bytes."""
    digest = hashlib.sha256()
    digest.update(version.encode())
    digest.update(extra.encode())
    for path in files:
        digest.update(b"\0" + path.name.encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"<unreadable>")
    return digest.hexdigest()[:32]


# --------------------------------------------------------------------------- JSON codec


def _registry() -> dict[str, type]:
    from . import catalog, compiler, fields, model

    classes = [
        model.Test, model.All, model.Any_, model.Not, model.Citation, model.Conclusion, model.Rule,
        model.RuleBase, catalog.Section, catalog.Document, catalog.Item, catalog.Catalog,
        fields.Choice, fields.Group, fields.Field, fields.FieldSet, compiler.Shard, compiler.CompiledBase,
    ]
    from .errors import Location

    classes.append(Location)
    return {cls.__name__: cls for cls in classes}


def encode(value: Any) -> Any:
    """Plain JSON data for a tree of the advisor's records."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {"__t": type(value).__name__}
        for f in dataclasses.fields(value):
            out[f.name] = encode(getattr(value, f.name))
        return out
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {"__d": {k: encode(v) for k, v in value.items()}}
        raise TypeError("only string-keyed mappings can be cached")
    return value


def decode(data: Any, registry: dict[str, type] | None = None) -> Any:
    """The records :func:`encode` wrote; unknown type names are refused."""
    registry = registry if registry is not None else _registry()
    if isinstance(data, list):
        return tuple(decode(v, registry) for v in data)
    if isinstance(data, dict):
        if "__d" in data:
            return {k: _decode_plain(v, registry) for k, v in data["__d"].items()}
        name = data.get("__t")
        cls = registry.get(name) if isinstance(name, str) else None
        if cls is None:
            raise ValueError(f"unexpected record {name!r} in cache")
        kwargs = {k: decode(v, registry) for k, v in data.items() if k != "__t"}
        return cls(**kwargs)
    return data


def _decode_plain(value: Any, registry: dict[str, type]) -> Any:
    # raw YAML kept verbatim (a field's ask_if) stays lists/dicts
    if isinstance(value, dict) and "__t" not in value and "__d" not in value:
        return {k: _decode_plain(v, registry) for k, v in value.items()}
    return decode(value, registry)


def load(key: str, builder: Callable[[Any], Any]) -> Any | None:
    """The cached value for ``key`` passed through ``builder``, or None."""
    folder = cache_dir()
    if folder is None:
        return None
    path = folder / f"kb-{key}.json"
    try:
        text = path.read_text(encoding="utf-8")
        return builder(decode(json.loads(text)))
    except (OSError, ValueError, TypeError, KeyError):
        return None


def store(key: str, value: Any) -> None:
    """Write ``value`` under ``key``; failures (read-only disk, full disk) are ignored."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(folder / f"kb-{key}.json", json.dumps(encode(value), separators=(",", ":")))
    except (OSError, TypeError, ValueError):
        pass
