"""`advisor whatif PROFILE --set FIELD=VALUE`: what changes in the advice when answers change.

Stage: commands.
"""

from __future__ import annotations

import json

import click

from .common import knowledge_options, lang_option, load_kb, pick_format, write_output
from .completion import PROFILE, complete_fields, complete_settings


@click.command("whatif", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("profile", metavar="PROFILE", type=PROFILE)
@click.option("--set", "sets", metavar="FIELD=VALUE", multiple=True, shell_complete=complete_settings,
              help="Change an answer (repeatable). Lists are comma-separated; yes/no for yes-or-no fields.")
@click.option("--unset", "unsets", metavar="FIELD", multiple=True, shell_complete=complete_fields,
              help="Remove an answer (repeatable).")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default=None,
              help="Output format (default: from -o's suffix, else text).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file instead of standard output.")
@click.option("--width", type=click.IntRange(50, 400), default=None, help="Text width (default: the terminal's).")
@lang_option
@knowledge_options
def whatif_cmd(profile: str, sets: tuple[str, ...], unsets: tuple[str, ...], fmt: str | None, output: str | None,
               width: int | None, kb_options: dict) -> None:
    """Show what changes in the advice if some answers of PROFILE were different.

    Lists what would enter or leave the recommendations, warnings, items not
    advised, plan and KPIs, with the rules responsible for each difference.

    \b
    Examples:
      advisor whatif examples/tea-shop.json --set price_level=high
      advisor whatif examples/tea-shop.json --set offline_channels=dealers,phone_sales --unset seo
      advisor whatif examples/tea-shop.json --set counts_on_viral=no --format json
    """
    fmt = pick_format(fmt, output, {".txt": "text", ".json": "json"})
    from advisor.errors import InputError
    from advisor.explain import parse_settings, whatif
    from advisor.inference import read_profile_source
    from advisor.render import render_comparison

    kb = load_kb(kb_options)
    changes = parse_settings(kb, sets, unsets)
    if not changes:
        from advisor.i18n import _

        raise InputError(_("nothing to change"), code="E502", where="whatif",
                         expected=_("at least one --set FIELD=VALUE or --unset FIELD"))
    checked = read_profile_source(profile, kb.fields)
    comparison = whatif(kb, checked, changes)
    if fmt == "json":
        data = {
            "changes": [{"field": f, "before": b, "after": a} for f, b, a in comparison.changes],
            "differences": [{"section": d.section, "item": d.item, "title": d.title, "change": d.change,
                             "before": d.before, "after": d.after, "rules": list(d.rules),
                             "reasons": list(d.reasons)} for d in comparison.differences],
        }
        text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    else:
        if width is None:
            import shutil

            width = min(100, shutil.get_terminal_size((88, 24)).columns) if not output else 88
        text = render_comparison(comparison, width=width, name=checked.name)
    write_output(text, output)
