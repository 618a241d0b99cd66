"""`advisor fields` and `advisor schema`: the profile definition, for people and editors.

Stage: commands.
"""

from __future__ import annotations

import json

import click

from advisor.i18n import N_, _

from .common import knowledge_options, lang_option, load_kb
from .completion import complete_groups

#: a field's type as `advisor fields` shows it
_KINDS = {"choice": N_("one of"), "multi": N_("list of"), "boolean": N_("true/false"), "integer": N_("integer"),
          "number": N_("number")}


@click.command("fields", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--group", default=None, shell_complete=complete_groups, help="Only the fields of this group.")
@click.option("--market", default=None, metavar="MARKET",
              help="Name the platforms of this market (a choice of the `market` field: cn, intl) in the questions "
                   "and choices; without it, the kinds of platform.")
@click.option("--labels", is_flag=True, help="Show each choice's label beside its id.")
@lang_option
@knowledge_options
def fields_cmd(group: str | None, market: str | None, labels: bool, kb_options: dict) -> None:
    """List the profile fields, their choices and the question each one asks.

    \b
    Examples:
      advisor fields --group messenger
      advisor fields --group audience --market intl --labels
    """
    from advisor.kb import for_market, markets_of

    kb = load_kb(kb_options)
    known = sorted(markets_of(kb).platforms)
    if market is not None and market not in known:
        raise click.BadParameter(_("unknown market {market}; markets: {markets}").format(
            market=repr(market), markets=", ".join(known)), param_hint="--market")
    kb = for_market(kb, market)
    groups = {g.id: g.label for g in kb.fields.groups}
    if group is not None and group not in groups:
        raise click.BadParameter(_("unknown group {group}; groups: {groups}").format(group=repr(group),
                                                                                    groups=", ".join(groups)),
                                 param_hint="--group")
    for g in kb.fields.groups:
        if group and g.id != group:
            continue
        members = [f for f in kb.fields.fields if f.group == g.id]
        if not members:
            continue
        click.echo(f"{g.label} ({g.id})")
        for f in members:
            kind = _(_KINDS[f.type]) if f.type in _KINDS else f.type
            if f.is_numeric:
                kind += f" {f.minimum:g}..{f.maximum:g}" + (f" {f.unit}" if f.unit else "")
            click.echo(f"  {f.id}  ({kind})")
            click.echo(f"      {f.question}")
            if f.choices and labels:
                for c in f.choices:
                    click.echo(f"      {c.id:<18} {c.label}")
            elif f.choices:
                click.echo("      " + _("choices: {ids}").format(ids=", ".join(c.id for c in f.choices)))
        click.echo()
    return None


@click.command("schema", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("which", type=click.Choice(["profile", "rules"]))
@knowledge_options
def schema_cmd(which: str, kb_options: dict) -> None:
    """Print the JSON Schema of business profiles or of rule files.

    \b
    Examples:
      advisor schema profile > profile.schema.json
      advisor schema rules
    """
    from advisor import schemas
    from advisor.kb import profile_schema

    if which == "profile":
        from advisor.kb import for_market

        kb = for_market(load_kb(kb_options), None, "en")  # the kinds of platform, not one market's
        data = profile_schema(kb.fields)
    else:
        data = schemas.load("rule")
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    return None
