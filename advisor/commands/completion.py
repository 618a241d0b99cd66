"""Shell completion for ids, fields and values, through click's completion support.

``eval "$(_ADVISOR_COMPLETE=bash_source advisor)"`` (zsh: ``zsh_source``, fish:
``fish_source``) turns it on; click completes command names and options
itself, and these functions complete what only the knowledge base knows:
item ids for ``explain`` and ``graph --item``, fields and their values for
``whatif --set`` and ``--unset``, groups for ``fields --group``. A broken
knowledge base completes nothing rather than printing an error into the
shell.

Stage: commands.
"""

from __future__ import annotations

from typing import Any

import click
from click.shell_completion import CompletionItem

from advisor.errors import AdvisorError

__all__ = ["complete_items", "complete_settings", "complete_fields", "complete_groups", "PROFILE"]

#: the PROFILE argument: a file (completed by the shell) or - for standard input
PROFILE = click.Path(dir_okay=True, allow_dash=True)


def _kb(ctx: click.Context) -> Any:
    from advisor.kb import load_knowledge_base

    params = ctx.params
    rules = params.get("rules") or None
    return load_knowledge_base(params.get("knowledge"), list(rules) if rules else None,
                               list(params.get("extra_rules") or ()), use_cache=not params.get("no_cache"))


def _safe(func: Any) -> Any:
    def wrapper(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        try:
            return func(ctx, param, incomplete)
        except (AdvisorError, OSError):
            return []

    return wrapper


@_safe
def complete_items(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Catalog item ids (with their titles as help), then derived facts and rules once typed as such."""
    kb = _kb(ctx)
    out = [CompletionItem(item.id, help=item.name) for item in sorted(kb.catalog.items, key=lambda i: i.id)
           if item.id.startswith(incomplete)]
    if incomplete.startswith(("rule:", "fact:")) or not out:
        out += [CompletionItem(f"rule:{r.id}", help=r.title) for r in kb.rules.rules
                if f"rule:{r.id}".startswith(incomplete) or r.id.startswith(incomplete)]
    return out


@_safe
def complete_fields(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    kb = _kb(ctx)
    return [CompletionItem(f.id, help=f.label) for f in kb.fields.fields if f.id.startswith(incomplete)]


@_safe
def complete_settings(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """``FIELD=`` first, then the field's values (the last of a comma-separated list)."""
    kb = _kb(ctx)
    name, sep, value = incomplete.partition("=")
    if not sep:
        return [CompletionItem(f"{f.id}=", help=f.label) for f in kb.fields.fields if f.id.startswith(name)]
    field = kb.fields.get(name)
    if field is None:
        return []
    done, _, last = value.rpartition(",")
    prefix = f"{name}={done + ',' if done else ''}"
    if field.type in ("choice", "multi"):
        values = field.choice_ids()
    elif field.type == "boolean":
        values = ["yes", "no"]
    else:
        return []
    return [CompletionItem(prefix + v) for v in values if v.startswith(last)]


@_safe
def complete_groups(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    kb = _kb(ctx)
    groups = sorted({f.group for f in kb.fields.fields if getattr(f, "group", None)})
    return [CompletionItem(g) for g in groups if g.startswith(incomplete)]
