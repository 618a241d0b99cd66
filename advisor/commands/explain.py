"""`advisor explain PROFILE ITEM`: why an item was, or was not, concluded, and what would change it.

Stage: commands.
"""

from __future__ import annotations

import json

import click

from .common import knowledge_options, lang_option, load_kb, pick_format, write_output
from .completion import PROFILE, complete_items


@click.command("explain", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("profile", metavar="PROFILE", type=PROFILE)
@click.argument("item", metavar="ITEM", shell_complete=complete_items)
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default=None,
              help="Output format (default: from -o's suffix, else text).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file instead of standard output.")
@click.option("--width", type=click.IntRange(50, 400), default=None, help="Text width (default: the terminal's).")
@click.option("--passages/--no-passages", default=True, show_default=True,
              help="Quote the cited passages of the source articles.")
@click.option("--max-runs", type=click.IntRange(0, 100_000), default=400, show_default=True,
              help="Changed profiles the what-would-change-it search may try (0: no search).")
@lang_option
@knowledge_options
def explain_cmd(profile: str, item: str, fmt: str | None, output: str | None, width: int | None, passages: bool,
                max_runs: int, kb_options: dict) -> None:
    """Explain why ITEM was, or was not, suggested for the business in PROFILE.

    ITEM is a channel, tactic, mistake, plan step or KPI id (as in the report),
    its number in the text report (m1 a move to start now, 3 a recommendation,
    w1 a warning), its title, or a derived fact or rule
    id. For an item that was concluded: the chain of rules down to your
    answers, with the source passages. For one that was not:
    the rules that could conclude it, which of their conditions fail, and the
    smallest change of answers that would bring it in.

    \b
    Examples:
      advisor explain examples/tea-shop.json seo
      advisor explain examples/tea-shop.json personal-closing
      advisor explain examples/tea-shop.json high_value_product --format json
      advisor explain examples/tea-shop.json m1           (the first move to start now)
      advisor explain examples/tea-shop.json 3            (the third recommendation)
      advisor explain examples/tea-shop.json w1           (the first warning)
      advisor explain examples/tea-shop.json "opinion leaders"   (a title)
    """
    fmt = pick_format(fmt, output, {".txt": "text", ".json": "json"})
    from advisor.explain import analyse, explain, resolve
    from advisor.inference import read_profile_source
    from advisor.kb import for_market
    from advisor.render import render_text

    kb = load_kb(kb_options)
    text = item.strip().lower()
    numbered = text[1:].isdigit() if text[:1] in ("w", "m") else text.isdigit()
    checked = read_profile_source(profile, kb.fields)
    kb = for_market(kb, checked)  # titles name the market's platforms, as the report does
    if not numbered:
        item = resolve(kb, item)
    run = analyse(kb, checked)
    if numbered:
        item = resolve(kb, item, run.advice)
    result = explain(run, item, search=max_runs > 0, max_runs=max_runs, passages=passages)
    if fmt == "json":
        out = json.dumps(result.to_dict(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    else:
        if width is None:
            import shutil

            width = min(100, shutil.get_terminal_size((88, 24)).columns) if not output else 88
        out = render_text(result, width=width)
    write_output(out, output)
